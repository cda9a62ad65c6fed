import Foundation
import Testing
@testable import HosoStore

/// `SortedRun`, the bulk load's per-database write order, against a brute force: the entries
/// sorted as LMDB compares them (`memcmp` on the key, a shorter prefix first, then `memcmp` on
/// the value), ties in the order they were added.
@Suite struct SortedRunTests {
    /// Keys that stress the proxy words: empty, zero bytes, lengths around 8, 16, 24 and 48
    /// (inline and spilled `KeyBytes`), long keys sharing their first 24 bytes or more.
    static func key(_ rng: inout SplitMix64) -> [UInt8] {
        let shared: [UInt8] = Array("a shared prefix of more than twenty-four bytes, then".utf8)
        switch rng.next() % 6 {
        case 0: return []
        case 1: return (0..<Int(rng.next() % 4)).map { _ in UInt8(rng.next() % 3) }
        case 2: return (0..<Int(6 + rng.next() % 20)).map { _ in UInt8(rng.next() % 2) }
        case 3: return Array(shared.prefix(Int(20 + rng.next() % 33))) + (0..<Int(rng.next() % 3)).map { _ in UInt8(rng.next() % 2) }
        case 4: return Array(shared.prefix(24)) + [UInt8](repeating: 0, count: Int(rng.next() % 3))
        default: return (0..<Int(rng.next() % 70)).map { _ in UInt8(rng.next() % 256) }
        }
    }

    static func lexicographic(_ a: [UInt8], _ b: [UInt8]) -> Bool { a.lexicographicallyPrecedes(b) }

    @Test(arguments: [(UInt64(7), 8), (UInt64(7), 16), (UInt64(2026), 8), (UInt64(2026), 3)])
    func aRunWritesInLMDBsOrder(seed: UInt64, width: Int) throws {
        var rng = SplitMix64(seed: seed)
        var entries: [(key: [UInt8], value: [UInt8], added: Int)] = []
        var run = SortedRun(valueWidth: width)
        for n in 0..<3_000 {
            let k = Self.key(&rng)
            // Few distinct values, so equal keys tie on values too and the added order decides.
            let v = (0..<width).map { _ in UInt8(rng.next() % 3) }
            entries.append((k, v, n))
            run.append(key: KeyBytes(bytes: k)) { $0.append(contentsOf: v) }
        }
        run.sort()
        var written: [(key: [UInt8], value: [UInt8])] = []
        run.forEach { k, v in written.append((Array(k), Array(v))) }
        let expected = entries.sorted { a, b in
            if a.key != b.key { return Self.lexicographic(a.key, b.key) }
            if a.value != b.value { return Self.lexicographic(a.value, b.value) }
            return a.added < b.added
        }
        #expect(run.count == expected.count, "seed \(seed)")
        let first = written.indices.first { written[$0].key != expected[$0].key || written[$0].value != expected[$0].value }
        #expect(first == nil, "seed \(seed) width \(width): first difference at \(first.map(String.init) ?? "-"): \(first.map { "\(written[$0]) vs \(expected[$0])" } ?? "")")
    }

    /// `KeyOrder`, the write order of pending counts, on the same keys: by database, then key
    /// as LMDB compares it, then id; it shares `KeyPrefix` with the runs.
    @Test(arguments: [UInt64(11), UInt64(2026)])
    func pendingWritesSortInLMDBsOrder(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let entries = (0..<3_000).map { _ in (db: UInt32(rng.next() % 3), key: Self.key(&rng), id: RecordID(rng.next() % 4)) }
        let keys = entries.map { KeyBytes(bytes: $0.key) }
        let order = KeyOrder.sorted(entries.count, db: { entries[$0].db }, key: { keys[$0] }, id: { entries[$0].id })
        let expected = entries.indices.sorted { a, b in
            let x = entries[a], y = entries[b]
            if x.db != y.db { return x.db < y.db }
            if x.key != y.key { return Self.lexicographic(x.key, y.key) }
            return x.id < y.id
        }
        let same = { (i: Int, j: Int) in entries[i].db == entries[j].db && entries[i].key == entries[j].key && entries[i].id == entries[j].id }
        let first = order.indices.first { !same(order[$0], expected[$0]) }
        #expect(order.count == expected.count && first == nil,
                "seed \(seed): first difference at \(first.map(String.init) ?? "-"): \(first.map { "\(entries[order[$0]]) vs \(entries[expected[$0]])" } ?? "")")
    }

    @Test func anEmptyRunWritesNothing() {
        var run = SortedRun(valueWidth: 8)
        run.sort()
        var n = 0
        run.forEach { _, _ in n += 1 }
        #expect(n == 0 && run.count == 0)
    }
}
