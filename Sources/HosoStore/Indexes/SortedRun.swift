import Foundation
import LMDB

/// The entries a bulk batch adds to one database of an index, put into LMDB's order (key
/// bytes, then value bytes, both compared as `memcmp` does) away from the write transaction,
/// so that only the cursor writes run on the transaction's thread.
///
/// Keys go into one byte arena and values (of one fixed width, at most 16 bytes) into another,
/// in the order they are added; the write order is computed on small proxies (the key's first
/// 24 bytes and the value as words), and the whole key is compared only when two keys longer
/// than 24 bytes share those bytes.
struct SortedRun: Sendable {
    /// Width of every value, in bytes (8 for a record id, 16 for a packed interval).
    let valueWidth: Int
    private var keys: [UInt8] = []
    /// Start of each key in `keys`, and the end of the last one.
    private var keyStarts: [Int32] = [0]
    private var values: [UInt8] = []
    /// Entry numbers in write order, once ``sort()`` ran.
    private var order: [Int32] = []
    private var isSorted = false

    init(valueWidth: Int, capacity: Int = 0) {
        precondition(valueWidth > 0 && valueWidth <= 16, "a run's values are 1…16 bytes")
        self.valueWidth = valueWidth
        keys.reserveCapacity(capacity * 24)
        keyStarts.reserveCapacity(capacity + 1)
        values.reserveCapacity(capacity * valueWidth)
    }

    /// Entries added.
    var count: Int { keyStarts.count - 1 }

    /// Adds an entry: `key`, and a value of ``valueWidth`` bytes written by `value`.
    @inline(__always)
    mutating func append(key: KeyBytes, value: (inout [UInt8]) -> Void) {
        key.withBytes { keys.append(contentsOf: $0) }
        keyStarts.append(Int32(keys.count))
        let before = values.count
        value(&values)
        precondition(values.count - before == valueWidth, "a run's value must be \(valueWidth) bytes")
        isSorted = false
    }

    /// Puts the entries into write order (stable: equal entries keep the order they were added in).
    mutating func sort() {
        struct Proxy { var key: KeyPrefix; var v0, v1: UInt64; var start, entry: Int32 }
        let n = count, width = valueWidth
        var proxies: [Proxy] = []
        proxies.reserveCapacity(n)
        keys.withUnsafeBytes { k in
            values.withUnsafeBytes { v in
                for e in 0..<n {
                    let start = Int(keyStarts[e]), end = Int(keyStarts[e + 1])
                    let value = UnsafeRawBufferPointer(rebasing: v[(e * width)..<((e + 1) * width)])
                    proxies.append(Proxy(key: KeyPrefix(UnsafeRawBufferPointer(rebasing: k[start..<end])),
                                         v0: KeyPrefix.word(value, 0), v1: KeyPrefix.word(value, 8),
                                         start: Int32(start), entry: Int32(e)))
                }
            }
        }
        keys.withUnsafeBytes { k in
            let base = k.baseAddress
            proxies.sort { a, b in
                let c = KeyPrefix.order(a.key, b.key) {
                    Int(memcmp(base! + Int(a.start) + 24, base! + Int(b.start) + 24, Int(min(a.key.length, b.key.length)) - 24))
                }
                if c != 0 { return c < 0 }
                if a.v0 != b.v0 { return a.v0 < b.v0 }
                if a.v1 != b.v1 { return a.v1 < b.v1 }
                return a.entry < b.entry
            }
        }
        order = proxies.map(\.entry)
        isSorted = true
    }

    /// Visits the entries in write order (``sort()`` first).
    func forEach(_ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Void) rethrows {
        precondition(isSorted || count == 0, "sort a run before writing it")
        let width = valueWidth
        try keys.withUnsafeBytes { k in
            try values.withUnsafeBytes { v in
                for e in order {
                    let e = Int(e)
                    let key = UnsafeRawBufferPointer(rebasing: k[Int(keyStarts[e])..<Int(keyStarts[e + 1])])
                    try body(key, UnsafeRawBufferPointer(rebasing: v[(e * width)..<((e + 1) * width)]))
                }
            }
        }
    }
}

/// A maintainer whose bulk load is sorted runs written through cursors (value, unique,
/// transition and interval indexes): the runs are built and sorted off the transaction, on
/// any core while the batch's records are written (`WriteSession.loadIndexes`), and only their
/// writes run in the transaction.
protocol RunLoading: IndexMaintainer {
    /// The batch's entries for this index's databases, each run sorted. Reads no database, so
    /// it may run on any thread.
    func runs(of batch: LoadBatch) -> [SortedRun]
    /// Writes `runs`, built by ``runs(of:)`` from a batch of this transaction.
    func write(_ runs: [SortedRun], in session: WriteSession) throws
}

extension RunLoading {
    func load(_ batch: LoadBatch, in session: WriteSession) throws { try write(runs(of: batch), in: session) }
}
