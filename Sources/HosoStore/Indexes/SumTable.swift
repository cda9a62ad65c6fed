/// A key a ``SumTable`` can hold: equality, and one word to hash it by.
protocol SumKey: Equatable {
    /// The key folded into one word (its bits need not be well spread: the table mixes them).
    var hashWord: UInt64 { get }
}

/// Sums of signed deltas per key, for the count changes a write accumulates
/// (``PendingCounts``): an open-addressing table of slots over a dense array of keys and sums,
/// kept in the order the keys were first added.
///
/// Swift's `Dictionary` hashes every key through SipHash and moves its entries whole each time
/// it grows. A bulk batch adds a few hundred thousand count changes with keys of 60 bytes and
/// more; this table hashes a key's own word (``SumKey/hashWord``), never moves an entry once
/// added, and regrows only its slots.
struct SumTable<Key: SumKey> {
    /// The keys, in the order first added.
    private(set) var keys: [Key] = []
    /// Each key's sum, in `keys`' order (a sum may have come back to 0).
    private(set) var sums: [Int64] = []
    /// Each slot: an index into `keys`, or -1 when empty; a power of two long, at most half full.
    private var slots: [Int32] = []
    /// `64 - log2(slots.count)`: a hash's top bits pick its first slot.
    private var shift: UInt64 = 64

    var isEmpty: Bool { keys.isEmpty }
    var count: Int { keys.count }

    /// Adds `delta` to the sum of `key` (a new key starts at 0).
    @inline(__always)
    mutating func add(_ key: Key, _ delta: Int64) {
        if keys.count * 2 >= slots.count { grow(to: max(64, slots.count * 2)) }
        let mask = slots.count - 1
        var slot = Self.firstSlot(key.hashWord, shift)
        while true {
            let at = Int(slots[slot])
            if at < 0 {
                slots[slot] = Int32(keys.count)
                keys.append(key)
                sums.append(delta)
                return
            }
            if keys[at] == key { sums[at] &+= delta; return }
            slot = (slot + 1) & mask
        }
    }

    /// Makes room for `n` keys in all without regrowing.
    mutating func reserveCapacity(_ n: Int) {
        keys.reserveCapacity(n); sums.reserveCapacity(n)
        var size = max(64, slots.count)
        while n * 2 >= size { size *= 2 }
        if size > slots.count { grow(to: size) }
    }

    /// Empties the table; its storage is kept for the next use. A table that grew large and
    /// holds few keys now (a transaction's counts flushed before each of many reads) clears
    /// only the slots of its keys.
    mutating func removeAll() {
        if keys.count * 16 < slots.count {
            let mask = slots.count - 1
            for (i, key) in keys.enumerated() {
                // The key sits on its probe path from its first slot; slots cleared on the way
                // are passed over, not taken for the end of the path.
                var slot = Self.firstSlot(key.hashWord, shift)
                while slots[slot] != Int32(i) { slot = (slot + 1) & mask }
                slots[slot] = -1
            }
        } else {
            for i in slots.indices { slots[i] = -1 }
        }
        keys.removeAll(keepingCapacity: true)
        sums.removeAll(keepingCapacity: true)
    }

    /// The keys whose sums are not 0, with their sums, in the order first added.
    func nonZero() -> [(Key, Int64)] {
        var out: [(Key, Int64)] = []
        out.reserveCapacity(keys.count)
        for i in keys.indices where sums[i] != 0 { out.append((keys[i], sums[i])) }
        return out
    }

    @inline(__always)
    private static func firstSlot(_ word: UInt64, _ shift: UInt64) -> Int {
        Int(truncatingIfNeeded: (word &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    private mutating func grow(to size: Int) {
        slots = Array(repeating: -1, count: size)
        shift = UInt64(64 - size.trailingZeroBitCount)
        let mask = size - 1
        for (i, key) in keys.enumerated() {
            var slot = Self.firstSlot(key.hashWord, shift)
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(i)
        }
    }
}
