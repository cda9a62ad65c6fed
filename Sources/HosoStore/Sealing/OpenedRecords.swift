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
/// Bounded by bytes: two generations of at most half the budget each; when the newer one is
/// full, the older one is dropped (an approximate least-recently-used order: a hit in the
/// older one moves the entry into the newer).
final class OpenedRecords: Sendable {
    struct Key: Hashable {
        let id: RecordID
        let type: String
    }
    struct Entry {
        let stored: [UInt8]
        let opened: [UInt8]
        var bytes: Int { stored.count + opened.count + 96 }
    }
    private struct State {
        var newer: [Key: Entry] = [:]
        var older: [Key: Entry] = [:]
        var newerBytes = 0
    }
    private let state = Mutex(State())
    /// The most the entries take (their stored and opened bytes and a fixed overhead each).
    let budget: Int

    init(budget: Int) { self.budget = max(0, budget) }

    /// The opened form of the record `id` of `type` stored as `stored`, when it was opened from
    /// these very bytes.
    func opened(_ type: String, id: RecordID, stored: UnsafeRawBufferPointer) -> [UInt8]? {
        guard budget > 0 else { return nil }
        let key = Key(id: id, type: type)
        return state.withLock { s -> [UInt8]? in
            if let e = s.newer[key] { return Self.same(e.stored, stored) ? e.opened : nil }
            guard let e = s.older.removeValue(forKey: key), Self.same(e.stored, stored) else { return nil }
            Self.insert(e, key, into: &s, budget: budget)
            return e.opened
        }
    }

    /// The bytes the entries take now (both generations).
    var keptBytes: Int {
        state.withLock { s in s.newerBytes + s.older.values.reduce(0) { $0 + $1.bytes } }
    }

    /// Keeps `opened`, the record opened from `stored`.
    func keep(_ type: String, id: RecordID, stored: UnsafeRawBufferPointer, opened: [UInt8]) {
        let entry = Entry(stored: Array(stored), opened: opened)
        guard entry.bytes * 2 <= budget else { return }
        let key = Key(id: id, type: type)
        state.withLock { Self.insert(entry, key, into: &$0, budget: budget) }
    }

    private static func insert(_ entry: Entry, _ key: Key, into s: inout State, budget: Int) {
        if s.newerBytes + entry.bytes > budget / 2 {
            s.older = s.newer
            s.newer = [:]
            s.newerBytes = 0
        }
        s.newer[key] = entry
        s.newerBytes += entry.bytes
    }

    @inline(__always)
    private static func same(_ kept: [UInt8], _ stored: UnsafeRawBufferPointer) -> Bool {
        kept.count == stored.count && kept.withUnsafeBytes { memcmp($0.baseAddress!, stored.baseAddress!, stored.count) == 0 }
    }
}
