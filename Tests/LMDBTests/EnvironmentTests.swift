import Foundation
import Testing
@testable import LMDB

func temporaryDirectory(_ name: String = #function) -> String {
    let path = NSTemporaryDirectory() + "hoso-lmdb-\(name.filter { $0.isLetter })-\(UUID().uuidString)"
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func key(_ i: Int) -> [UInt8] { withUnsafeBytes(of: UInt64(i).bigEndian) { Array($0) } }

@Suite struct EnvironmentTests {
    @Test func sameDirectoryOpensOneEnvironment() throws {
        let dir = temporaryDirectory()
        let a = try Environment.open(path: dir)
        let b = try Environment.open(path: dir + "/.")
        #expect(a === b)
        // A symlink to the same directory is the same inode.
        let link = dir + "-link"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: dir)
        let c = try Environment.open(path: link)
        #expect(c === a)
    }

    @Test func putGetDeleteRoundTrip() throws {
        let env = try Environment.open(path: temporaryDirectory())
        let db = try env.openDatabase("kv")
        try env.write { txn in
            for i in 0..<100 { try txn.put(db, key: key(i), value: Array("v\(i)".utf8)) }
        }
        let values = try env.read { txn in try (0..<100).map { try txn.get(db, key: key($0)).map { String(decoding: $0, as: UTF8.self) } } }
        #expect(values == (0..<100).map { "v\($0)" })
        let deleted = try env.write { txn in try txn.delete(db, key: key(5)) }
        let again = try env.write { txn in try txn.delete(db, key: key(5)) }
        #expect(deleted && !again)
        #expect(try env.read { try $0.get(db, key: key(5)) } == nil)
    }

    @Test func noOverwriteReportsExistingKey() throws {
        let env = try Environment.open(path: temporaryDirectory())
        let db = try env.openDatabase("kv")
        let first = try env.write { try $0.put(db, key: [1], value: [1], flags: .noOverwrite) }
        let second = try env.write { try $0.put(db, key: [1], value: [2], flags: .noOverwrite) }
        #expect(first && !second)
        #expect(try env.read { try $0.get(db, key: [1]).map(Array.init) } == [1])
    }

    @Test func throwingWriteLeavesNothing() throws {
        struct Boom: Error {}
        let env = try Environment.open(path: temporaryDirectory())
        let db = try env.openDatabase("kv")
        #expect(throws: Boom.self) {
            try env.write { txn in
                try txn.put(db, key: [1], value: [1])
                throw Boom()
            }
        }
        #expect(try env.read { try $0.get(db, key: [1]) } == nil)
    }

    @Test func nestedWriteIsAnErrorNotADeadlock() throws {
        let env = try Environment.open(path: temporaryDirectory())
        let db = try env.openDatabase("kv")
        #expect(throws: LMDBError.nestedWriteTransaction(path: env.path)) {
            try env.write { _ in try env.write { txn in try txn.put(db, key: [1], value: [1]) } }
        }
    }

    @Test func mapGrowsAndNothingIsLost() throws {
        // A 1 MiB map cannot hold 20 MB: the writes must grow it (ahead of time or by retry).
        let policy = MapGrowthPolicy(initialSize: 1 << 20, threshold: 0.9)
        let env = try Environment.open(path: temporaryDirectory(), options: .init(growth: policy))
        let db = try env.openDatabase("kv")
        let value = [UInt8](repeating: 7, count: 2000)
        for batch in 0..<10 {
            // One large transaction per batch: 1000 × 2 KB = 2 MB, more than the whole first map.
            try env.write { txn in
                for i in 0..<1000 { try txn.put(db, key: key(batch * 1000 + i), value: value) }
            }
        }
        #expect(env.info().mapSize > 20 << 20)
        let count = try env.read { try $0.statistics(db).entries }
        #expect(count == 10_000)
        let sample = try env.read { txn in try txn.get(db, key: key(9_999)).map(Array.init) }
        #expect(sample == value)
    }

    @Test func mapLimitIsATypedError() throws {
        let policy = MapGrowthPolicy(initialSize: 1 << 20, threshold: 0.9, maximumSize: 2 << 20)
        let env = try Environment.open(path: temporaryDirectory(), options: .init(growth: policy))
        let db = try env.openDatabase("kv")
        let value = [UInt8](repeating: 1, count: 4000)
        #expect(throws: LMDBError.mapLimitReached(path: env.path, maximum: 2 << 20)) {
            try env.write { txn in for i in 0..<2000 { try txn.put(db, key: key(i), value: value) } }
        }
        // The failed transaction left nothing behind, and small writes still work.
        #expect(try env.read { try $0.statistics(db).entries } == 0)
        try env.write { try $0.put(db, key: [1], value: [1]) }
    }

    @Test func dupSortCursorWalksSortedValues() throws {
        let env = try Environment.open(path: temporaryDirectory())
        let db = try env.openDatabase("dups", flags: [.create, .dupSort, .dupFixed])
        try env.write { txn in
            for k in [3, 1, 2] { for v in [30, 10, 20] { try txn.put(db, key: key(k), value: key(k * 100 + v)) } }
            #expect(try !txn.put(db, key: key(1), value: key(110), flags: .noDupData))
        }
        try env.read { txn in
            let cursor = try txn.cursor(db)
            var seen: [(Int, Int)] = []
            var entry = try cursor.first()
            while let e = entry {
                seen.append((Int(e.key.loadUnaligned(as: UInt64.self).bigEndian), Int(e.value.loadUnaligned(as: UInt64.self).bigEndian)))
                entry = try cursor.next()
            }
            #expect(seen.map(\.0) == [1, 1, 1, 2, 2, 2, 3, 3, 3])
            #expect(seen.map(\.1) == [110, 120, 130, 210, 220, 230, 310, 320, 330])
            let e = try cursor.seek(key: key(2), valueAtLeast: key(215))
            #expect(e.map { Int($0.value.loadUnaligned(as: UInt64.self).bigEndian) } == 220)
            #expect(try cursor.duplicateCount() == 3)
            #expect(try cursor.nextDuplicate() != nil)
            #expect(try cursor.nextDuplicate() == nil)
        }
    }

    @Test func reopenKeepsData() throws {
        let dir = temporaryDirectory()
        do {
            let env = try Environment.open(path: dir)
            let db = try env.openDatabase("kv")
            try env.write { txn in for i in 0..<1000 { try txn.put(db, key: key(i), value: key(i * 2)) } }
            env.close()
            #expect(throws: LMDBError.closed(path: dir)) { try env.read { _ in } }
        }
        let env = try Environment.open(path: dir)
        let db = try env.openDatabase("kv", flags: [])
        let v = try env.read { txn in try txn.get(db, key: key(999)).map(Array.init) }
        #expect(v == key(1998))
    }

    @Test func readersSeeConsistentSnapshotsWhileWriterCommits() async throws {
        let env = try Environment.open(path: temporaryDirectory())
        let db = try env.openDatabase("kv")
        // Invariant: keys 0 and 1 always hold the same counter; a reader must never see them differ.
        try env.write { txn in try txn.put(db, key: [0], value: key(0)); try txn.put(db, key: [1], value: key(0)) }
        try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask {
                for n in 1...300 {
                    try env.write { txn in try txn.put(db, key: [0], value: key(n)); try txn.put(db, key: [1], value: key(n)) }
                }
                return 0
            }
            for _ in 0..<3 {
                group.addTask {
                    var mismatches = 0
                    for _ in 0..<500 {
                        try env.read { txn in
                            let a = try txn.get(db, key: [0]).map(Array.init)
                            await_yield()
                            let b = try txn.get(db, key: [1]).map(Array.init)
                            if a != b { mismatches += 1 }
                        }
                    }
                    return mismatches
                }
            }
            var total = 0
            for try await m in group { total += m }
            #expect(total == 0)
        }
        let final = try env.read { try $0.get(db, key: [0]).map(Array.init) }
        #expect(final == key(300))
    }
}

/// Gives the writer a chance to commit between a reader's two reads.
func await_yield() { sched_yield() }

@Suite struct EnvironmentOptionTests {
    @Test func reopeningWithOtherDurabilityIsRefused() throws {
        let dir = temporaryDirectory()
        let env = try Environment.open(path: dir, options: .init(durability: .full))
        #expect(throws: LMDBError.self) { _ = try Environment.open(path: dir, options: .init(durability: .noMetaSync)) }
        #expect(try Environment.open(path: dir, options: .init(durability: .full)) === env)
    }
}

/// The example of ``TransactionProtocol``: a function over any transaction, lent to it.
func entries(_ txn: borrowing some TransactionProtocol & ~Copyable, _ db: Database) throws -> Int {
    try txn.statistics(db).entries
}

@Suite struct TransactionLendingTests {
    @Test func readAndWriteTransactionsAreLentToFunctions() throws {
        let env = try Environment.open(path: temporaryDirectory())
        let db = try env.openDatabase("kv")
        let inWrite = try env.write { txn in
            try txn.put(db, key: [1], value: [42])
            _ = try txn.nested { child in try child.put(db, key: [2], value: [43]) }
            return try entries(txn, db)
        }
        #expect(inWrite == 2)
        #expect(try env.read { txn in try entries(txn, db) } == 2)
    }
}
