import CLMDB
import Foundation
import Synchronization
import Testing
@testable import LMDB

/// `Environment.copyRewritten(to:entriesPerTransaction:)` against a dump of the source: the same
/// databases with the same flags and the same entries in the same order, in fewer pages.
@Suite struct RewriteTests {
    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8(truncatingIfNeeded: next()) } }
    }

    /// Every entry of `db`, in cursor order.
    static func dump(_ env: Environment, _ db: Database) throws -> [[UInt8]] {
        try env.read { txn in
            let cursor = try txn.cursor(db)
            var out: [[UInt8]] = []
            var entry = try cursor.first()
            while let e = entry { out.append(Array(e.key) + [0xFF, 0xFE] + Array(e.value)); entry = try cursor.next() }
            return out
        }
    }

    /// The persistent flags of `db`, as LMDB reports them.
    static func storedFlags(_ env: Environment, _ db: Database) throws -> UInt32 {
        try env.read { txn in
            var flags: UInt32 = 0
            #expect(mdb_dbi_flags(txn.rawHandle, db.dbi, &flags) == 0)
            return flags
        }
    }

    static let layouts: [(name: String, flags: Database.Flags)] = [
        ("plain", [.create]), ("dups", [.create, .dupSort]), ("fixed", [.create, .dupSort, .dupFixed]),
        ("ints", [.create, .integerKey]), ("big", [.create]), ("empty", [.create]),
    ]

    @Test(arguments: [(seed: UInt64(41), perTransaction: 97), (seed: 42, perTransaction: 200_000)])
    func aRewrittenCopyHoldsEveryEntryInFewerPages(seed: UInt64, perTransaction: Int) throws {
        var rng = Rng(state: seed)
        let dir = temporaryDirectory()
        let env = try Environment.open(path: dir + "/source")
        let dbs = try Self.layouts.map { try env.openDatabase($0.name, flags: $0.flags) }
        // Random keys over many transactions, so pages split in the middle; then some deletes.
        for _ in 0..<20 {
            try env.write { txn in
                for _ in 0..<400 {
                    try txn.put(dbs[0], key: rng.bytes(4 + Int(rng.next() % 20)), value: rng.bytes(Int(rng.next() % 40)))
                    // A few keys with many values, so the values of one key cross transactions of the copy.
                    try txn.put(dbs[1], key: [UInt8(rng.next() % 7)], value: rng.bytes(1 + Int(rng.next() % 30)))
                    try txn.put(dbs[2], key: rng.bytes(2), value: rng.bytes(8))
                    try txn.put(dbs[3], key: withUnsafeBytes(of: rng.next()) { Array($0) }, value: rng.bytes(12))
                }
                for _ in 0..<3 { try txn.put(dbs[4], key: rng.bytes(6), value: rng.bytes(3_000 + Int(rng.next() % 9_000))) }
            }
        }
        try env.write { txn in
            var doomed: [[UInt8]] = []
            do {
                let cursor = try txn.cursor(dbs[0])
                var entry = try cursor.first()
                while let e = entry { if rng.next() % 3 == 0 { doomed.append(Array(e.key)) }; entry = try cursor.next() }
            }
            for k in doomed { #expect(try txn.delete(dbs[0], key: k)) }
            // An entry of the main database that is not a database.
            var main: MDB_dbi = 0
            #expect(mdb_dbi_open(txn.rawHandle, nil, 0, &main) == 0)
            var k = Array("zz-plain".utf8), v: [UInt8] = [1, 2, 3]
            try k.withUnsafeMutableBytes { kb in
                try v.withUnsafeMutableBytes { vb in
                    var key = MDB_val(mv_size: kb.count, mv_data: kb.baseAddress), value = MDB_val(mv_size: vb.count, mv_data: vb.baseAddress)
                    try check(mdb_put(txn.rawHandle, main, &key, &value, 0), "put(main)")
                }
            }
        }

        let copy = dir + "/copy", compacted = dir + "/compacted"
        for d in [copy, compacted] { try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: false) }
        let written = try env.write { _ in try env.copyRewritten(to: copy, entriesPerTransaction: perTransaction) }
        try env.copy(to: compacted, compact: true)
        // A directory that holds an environment already is refused, not written into.
        #expect(throws: LMDBError.self) { try env.copyRewritten(to: compacted) }

        #expect(try FileManager.default.contentsOfDirectory(atPath: copy) == ["data.mdb"])
        let mode = try FileManager.default.attributesOfItem(atPath: copy + "/data.mdb")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let copied = try Environment.open(path: copy)
        var entries = 1
        for (layout, db) in zip(Self.layouts, dbs) {
            let twin = try copied.openDatabase(layout.name, flags: layout.flags)
            let expected = try Self.dump(env, db), found = try Self.dump(copied, twin)
            entries += expected.count
            let same = found == expected
            let firstDifference = zip(found, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(found.count, expected.count)
            #expect(same, "seed \(seed): database \(layout.name) differs from entry \(firstDifference) on: \(found.count) entries copied of \(expected.count)")
            #expect(try Self.storedFlags(copied, twin) == Self.storedFlags(env, db), "seed \(seed): flags of \(layout.name)")
            let before = try env.read { try $0.statistics(db) }, after = try copied.read { try $0.statistics(twin) }
            #expect(after.entries == before.entries)
            if layout.name == "plain" || layout.name == "ints" {
                #expect(Double(after.leafPages) <= 0.8 * Double(before.leafPages),
                        "seed \(seed): \(layout.name) has \(after.leafPages) leaf pages, was \(before.leafPages)")
            }
        }
        #expect(written.databases == Self.layouts.count && written.entries == entries)
        let plain = try copied.read { txn -> [UInt8]? in
            var main: MDB_dbi = 0
            #expect(mdb_dbi_open(txn.rawHandle, nil, 0, &main) == 0)
            return try txn.get(Database(dbi: main, name: nil, flags: []), key: Array("zz-plain".utf8)).map(Array.init)
        }
        #expect(plain == [1, 2, 3])
        let size = { (d: String) in (try FileManager.default.attributesOfItem(atPath: d + "/data.mdb")[.size] as? Int) ?? 0 }
        let rewrittenBytes = try size(copy), compactedBytes = try size(compacted)
        #expect(rewrittenBytes < compactedBytes, "seed \(seed): rewritten \(rewrittenBytes) bytes, compacted \(compactedBytes)")
        copied.close()
    }

    /// Writers go on while the copy is made; the copy is one snapshot: every commit of the
    /// writer adds one entry to each database and sets a generation mark in each, so a copy
    /// mixing two commits would show marks that differ or counts that do not match the mark.
    @Test func aCopyMadeWhileWritersCommitIsOneSnapshot() throws {
        let dir = temporaryDirectory()
        let env = try Environment.open(path: dir + "/source")
        let dbs = try (0..<4).map { try env.openDatabase("d\($0)", flags: $0 == 1 ? [.create, .dupSort] : [.create]) }
        let mark: [UInt8] = [0]
        final class Flag: Sendable { let writing = Atomic<Bool>(true) }
        let flag = Flag(), stopped = DispatchSemaphore(value: 0)
        let writer = Thread {
            defer { stopped.signal() }
            var generation: UInt64 = 0
            while flag.writing.load(ordering: .relaxed) {
                generation += 1
                let g = generation
                try? env.write { txn in
                    for db in dbs {
                        try txn.put(db, key: key(Int(g)), value: Array(repeating: 7, count: 50))
                        if db.isDupSort { _ = try txn.delete(db, key: mark) }
                        try txn.put(db, key: mark, value: withUnsafeBytes(of: g.bigEndian) { Array($0) })
                    }
                }
            }
        }
        writer.start()
        while try env.read({ try $0.statistics(dbs[0]).entries }) < 2_000 { usleep(1_000) }
        let copy = dir + "/copy"
        try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: false)
        try env.copyRewritten(to: copy, entriesPerTransaction: 50)
        flag.writing.store(false, ordering: .relaxed)
        stopped.wait()
        let copied = try Environment.open(path: copy)
        var generations: Set<UInt64> = []
        for (i, db) in dbs.enumerated() {
            let twin = try copied.openDatabase("d\(i)", flags: db.isDupSort ? [.create, .dupSort] : [.create])
            let (count, g) = try copied.read { txn in
                (try txn.statistics(twin).entries, try txn.get(twin, key: mark).map { $0.loadUnaligned(as: UInt64.self).bigEndian } ?? 0)
            }
            #expect(count == Int(g) + 1, "database d\(i): \(count) entries, generation \(g)")
            generations.insert(g)
        }
        #expect(generations.count == 1, "the databases of the copy come from different commits: \(generations)")
        #expect(generations.first ?? 0 >= 1_999)
    }
}
