import Foundation
import Synchronization

/// The sealed records a handle opened lately, as opened: a hit hands out the whole record
/// again without decrypting it, as an encrypting database's page cache keeps the pages it
/// decrypted. An entry is found by record type and id and used only when the stored bytes are
/// still byte for byte those it was opened from, so a record written since (a new seal, a new
/// key, a redaction) is opened afresh. The opened fields live in the process's memory only,
/// like any record read, never on disk; the cache belongs to the handle whose keys opened them
/// and goes with it.
///
/// Bounded by bytes, evicting in CLOCK order (an approximation of least recently used: an
/// entry read since the hand last passed it is spared once).
final class OpenedRecords: Sendable {
    struct Key: Hashable {
        let id: RecordID
        let type: String
    }
    struct Entry {
        let stored: [UInt8]
        let opened: [UInt8]
        /// What the entry takes: its bytes, the arrays' headers and the slot's and the index's share.
        var bytes: Int { stored.count + opened.count + 160 }
    }
    private struct Slot {
        let key: Key
        let entry: Entry
        var referenced: Bool
    }
    private struct State {
        var slots: [Slot?] = []
        var free: [Int] = []
        var index: [Key: Int] = [:]
        var hand = 0
        var bytes = 0

        mutating func remove(at i: Int) {
            guard let slot = slots[i] else { return }
            index[slot.key] = nil
            bytes -= slot.entry.bytes
            slots[i] = nil
            free.append(i)
        }

        /// Frees room for `needed` more bytes within `budget`, the hand sparing each entry read
        /// since it last passed.
        mutating func makeRoom(_ needed: Int, budget: Int) {
            while bytes + needed > budget, !index.isEmpty {
                if hand >= slots.count { hand = 0 }
                if slots[hand]?.referenced == true {
                    slots[hand]!.referenced = false
                } else if slots[hand] != nil {
                    remove(at: hand)
                }
                hand += 1
            }
        }
    }
    private let state = Mutex(State())
    /// The most the entries take.
    let budget: Int

    init(budget: Int) { self.budget = max(0, budget) }

    /// The opened form of the record `id` of `type` stored as `stored`, when it was opened from
    /// these very bytes.
    func opened(_ type: String, id: RecordID, stored: UnsafeRawBufferPointer) -> [UInt8]? {
        guard budget > 0 else { return nil }
        let key = Key(id: id, type: type)
        return state.withLock { s -> [UInt8]? in
            guard let i = s.index[key], let slot = s.slots[i], Self.same(slot.entry.stored, stored) else { return nil }
            if !slot.referenced { s.slots[i]!.referenced = true }
            return slot.entry.opened
        }
    }

    /// The bytes the entries take now.
    var keptBytes: Int { state.withLock { $0.bytes } }

    /// Keeps `opened`, the record opened from `stored` (in place of what was kept for the record).
    func keep(_ type: String, id: RecordID, stored: UnsafeRawBufferPointer, opened: [UInt8]) {
        let entry = Entry(stored: Array(stored), opened: opened)
        guard entry.bytes * 8 <= budget else { return }
        let key = Key(id: id, type: type)
        let budget = budget
        state.withLock { s in
            if let i = s.index[key] { s.remove(at: i) }
            s.makeRoom(entry.bytes, budget: budget)
            let slot = Slot(key: key, entry: entry, referenced: false)
            let i: Int
            if let f = s.free.popLast() { i = f; s.slots[i] = slot } else { i = s.slots.count; s.slots.append(slot) }
            s.index[key] = i
            s.bytes += entry.bytes
        }
    }

    @inline(__always)
    private static func same(_ kept: [UInt8], _ stored: UnsafeRawBufferPointer) -> Bool {
        kept.count == stored.count && kept.withUnsafeBytes { memcmp($0.baseAddress!, stored.baseAddress!, stored.count) == 0 }
    }
}
