import Foundation
import LMDB
import Synchronization
import Testing
@testable import HosoStore

/// Swaps of tenant directories, recovery of interrupted swaps, unfinished tenants, verify,
/// backup and restore, conflicts of concurrent loads, and a full disk.
@Suite struct SafetyTests {
    static let schema = Schema([Item.schema])

    static func items(_ ids: ClosedRange<Int>) -> [Item] {
        ids.map { Item(id: RecordID($0), group: Int64($0 % 7), tag: $0 % 3 == 0 ? "a" : "b", code: "k\($0)",
                       start: Int32(20_000 + $0 % 400), end: $0 % 5 == 0 ? Int32(20_500 + $0 % 300) : nil, amount: Int64($0 % 11)) }
    }

    /// The answers a tenant gives, to compare a tenant with its copy.
    static func answers(_ t: Tenant) throws -> [Int64] {
        try t.read { r in
            [Int64(try r.recordCount(Item.self)), try r.countSum(Item.perGroupTag, .all),
             Int64(try r.lookup(Item.byCode, ["k3"]) ?? 0), Int64(try r.lookup(Item.byCode, ["k4"]) ?? 0)]
        }
    }

    // MARK: Swaps and recovery

    @Test func aWriterWhoseDirectoryWasSwappedAwayWritesNothing() throws {
        let store = try temporaryStore()
        let t = try store.createTenant(TenantInfo(name: "t"), schema: Self.schema)
        try t.bulkLoad(Self.items(1...100))
        // What another process's compaction does to this one: the directory at the path is replaced.
        let path = store.path(of: "t")
        let moved = path + "-moved"
        #expect(rename(path, moved) == 0)
        try FileManager.default.copyItem(atPath: moved, toPath: path)
        #expect(throws: HosoError.tenantReplaced(name: "t")) {
            try t.write { try $0.insert(Self.items(101...101)[0]) }
        }
        // Nothing went into the old file either.
        let old = try Environment.open(path: moved)
        #expect(try old.read { txn in try txn.statistics(try old.openDatabase("r.item", flags: [])).entries } == 100)
    }

    @Test func compactionKeepsEveryCommittedWriteAndRefusesStaleWriters() throws {
        let store = try temporaryStore()
        let first = try store.createTenant(TenantInfo(name: "t"), schema: Self.schema)
        try first.bulkLoad(Self.items(1...5_000), batchSize: 500)
        // A writer thread keeps inserting while the tenant is compacted; every insert it was told
        // succeeded must be in the compacted tenant, and none after the swap may succeed silently.
        let done = Atomic(false)
        let committed = Mutex<[RecordID]>([])
        let writer = Thread {
            var id = RecordID(10_001)
            while !done.load(ordering: .relaxed) {
                do {
                    let item = Self.items(Int(id)...Int(id))[0]
                    try first.write { try $0.insert(item) }
                    committed.withLock { $0.append(id) }
                } catch {}
                id += 1
            }
        }
        writer.start()
        Thread.sleep(forTimeInterval: 0.05)
        try store.compactTenant("t")
        done.store(true, ordering: .relaxed)
        Thread.sleep(forTimeInterval: 0.1)
        let t = try store.openTenant("t", schema: Self.schema)
        let ids = committed.withLock { $0 }
        try t.read { (r: borrowing TenantReader) throws -> Void in
            for id in ids { #expect(try r.contains(Item.self, id: id), "insert \(id) was reported committed but is missing") }
            #expect(try r.recordCount(Item.self) == 5_000 + ids.count)
        }
        #expect(try t.verify().isConsistent)
    }

    @Test func openingAStoreFinishesOrRollsBackInterruptedSwaps() throws {
        let store = try temporaryStore()
        for name in ["a", "b", "c"] {
            let t = try store.createTenant(TenantInfo(name: name), schema: Self.schema)
            try t.bulkLoad(Self.items(1...50))
        }
        let dir = store.tenantsDirectory
        // a: killed between the two renames of the fallback swap (the tenant folder is away).
        #expect(rename(dir + "/a", dir + "/.old-a-77-1") == 0)
        try FileManager.default.createDirectory(atPath: dir + "/.compact-a-77-2", withIntermediateDirectories: false)
        // b: killed after the swap, before removing the old file.
        try FileManager.default.copyItem(atPath: dir + "/b", toPath: dir + "/.compact-b-78-3")
        // c: killed during a drop, and a creation that never finished.
        #expect(rename(dir + "/c", dir + "/.dropped-c-79-4") == 0)
        try FileManager.default.createDirectory(atPath: dir + "/.new-d-80-5", withIntermediateDirectories: false)
        try FileManager.default.createDirectory(atPath: dir + "/.verify-a-81-6", withIntermediateDirectories: false)
        #expect(try store.tenantNames() == ["b"])

        let reopened = try Store(directory: store.directory)
        #expect(reopened.recovered.count == 6, "\(reopened.recovered)")
        #expect(reopened.recovered.contains { $0.hasPrefix("put tenant 'a' back in place") })
        #expect(reopened.recovered.contains { $0.hasPrefix("finished dropping tenant 'c'") })
        #expect(try reopened.tenantNames() == ["a", "b"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix(".") }.isEmpty)
        #expect(try Self.answers(reopened.openTenant("a", schema: Self.schema)) == [50, 50, 3, 4])
        // A second open has nothing to do.
        #expect(try Store(directory: store.directory).recovered.isEmpty)
    }

    @Test func recoveryLeavesASwapInProgressAlone() throws {
        let store = try temporaryStore()
        let dir = store.tenantsDirectory
        try FileManager.default.createDirectory(atPath: dir + "/.compact-x-1-2", withIntermediateDirectories: false)
        let recovered = try store.lock.exclusively { try Store(directory: store.directory).recovered }
        #expect(recovered.isEmpty)
        #expect(FileManager.default.fileExists(atPath: dir + "/.compact-x-1-2"))
    }

    @Test func workFolderNamesParse() {
        #expect(StoreRecovery.parse(".old-lang-son-123-456")! == (.old, "lang-son"))
        #expect(StoreRecovery.parse(".compact-a-1-2")! == (.compact, "a"))
        #expect(StoreRecovery.parse(".lock") == nil)
        #expect(StoreRecovery.parse(".old-a-x-2") == nil)
        #expect(StoreRecovery.parse("a") == nil)
    }

    @Test func filesAreNotReadableByOthers() throws {
        let store = try temporaryStore()
        let t = try store.createTenant(TenantInfo(name: "t"), schema: Self.schema)
        try t.bulkLoad(Self.items(1...10))
        try store.compactTenant("t")
        _ = try store.openTenant("t", schema: Self.schema)
        for file in ["", "/data.mdb", "/lock.mdb"] {
            let mode = try #require(try FileManager.default.attributesOfItem(atPath: store.path(of: "t") + file)[.posixPermissions] as? Int)
            #expect(mode & 0o077 == 0, "\(file) has mode \(String(mode, radix: 8))")
        }
    }

    // MARK: Unfinished tenants

    @Test func aTenantCreatedUnfinishedSaysSoUntilMarkedFinished() throws {
        let store = try temporaryStore()
        let t = try store.createTenant(TenantInfo(name: "t"), schema: Self.schema, settings: ["s": [1, 2]], unfinished: "initial load")
        #expect(try store.tenants().map(\.unfinished) == ["initial load"])
        #expect(try t.setting("s") == [1, 2])
        try t.markFinished()
        #expect(try store.tenants().map(\.unfinished) == [nil])
        #expect(try t.unfinishedReason() == nil)
    }

    // MARK: Verify

    @Test func verifyFindsNothingOnAConsistentTenantAndNamesTheIndexOfAnInjectedFault() throws {
        let store = try temporaryStore()
        let t = try store.createTenant(TenantInfo(name: "t"), schema: Self.schema)
        try t.bulkLoad(Self.items(1...3_000), batchSize: 700)
        try t.write { w in
            for i in stride(from: 2, through: 3_000, by: 17) { _ = try w.delete(Item.self, id: RecordID(i)) }
            for var item in Self.items(100...400) where (item.id - 2) % 17 != 0 { item.tag = "c"; item.end = 20_900; try w.update(item) }
        }
        let clean = try t.verify()
        #expect(clean.isConsistent, "\(clean)")
        #expect(clean.records["item"] == 3_000 - (3_000 - 2) / 17 - 1)
        #expect(clean.indexesChecked == 9)

        // Faults only a bug or a damaged file would make: a stray value entry, a wrong count.
        let byGroup = try t.core.maintainer(Item.byGroup).storage[0].database
        let counts = try t.core.maintainer(Item.perGroupTag).storage[0].database
        try t.core.environment.write { txn in
            try txn.put(byGroup, key: KeyBytes(Tuple([.int(99)])).array, value: FixedWidth.bytes(5), flags: .noDupData)
            let key = KeyBytes(Tuple([.int(1), .string("a")])).array
            let n = try txn.get(counts, key: key).map { FixedWidth.counter($0) } ?? 0
            try txn.put(counts, key: key, value: FixedWidth.counterBytes(n + 1))
        }
        let report = try t.verify()
        #expect(!report.isConsistent)
        #expect(Set(report.differences.map(\.index)) == ["item.group", "item.per_group_tag"])
        #expect(report.differences.first { $0.index == "item.group" }?.extra == 1)
        #expect(report.differences.first { $0.index == "item.per_group_tag" }?.changed == 1)
        #expect(report.description.contains("(99)"))
        // The scratch rebuild is gone.
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.tenantsDirectory).filter { $0.hasPrefix(".") }.isEmpty)
    }

    // MARK: Backup and restore

    @Test func backupWhileWritingThenRestoreUnderAnotherNameAndOverTheOriginal() throws {
        let store = try temporaryStore()
        let t = try store.createTenant(TenantInfo(name: "t"), schema: Self.schema)
        try t.bulkLoad(Self.items(1...4_000), batchSize: 1_000)
        let done = Atomic(false)
        let writer = Thread {
            var id = 20_001
            while !done.load(ordering: .relaxed) {
                let item = Self.items(id...id)[0]
                _ = try? t.write { try $0.insert(item) }
                id += 1
            }
        }
        writer.start()
        let target = NSTemporaryDirectory() + "hoso-backup-\(UUID().uuidString)"
        let report = try #require(try store.backupTenant("t", to: target, schema: Self.schema))
        done.store(true, ordering: .relaxed)
        Thread.sleep(forTimeInterval: 0.05)
        #expect(report.isConsistent, "\(report)")
        let backedUp = try #require(report.records["item"])
        #expect(backedUp >= 4_000)
        // A second backup into the same place is refused.
        #expect(throws: HosoError.self) { try store.backupTenant("t", to: target) }

        let restored = try store.restoreTenant(from: target, tenant: "t", as: "u", schema: Self.schema)
        #expect(restored.isConsistent)
        let u = try store.openTenant("u", schema: Self.schema)
        #expect(try u.info().name == "u")
        #expect(try u.read { try $0.recordCount(Item.self) } == backedUp)
        // Over an existing tenant only when asked.
        #expect(throws: HosoError.self) { try store.restoreTenant(from: target, tenant: "t", schema: Self.schema) }
        try t.write { try $0.insert(Self.items(90_000...90_000)[0]) }
        try store.restoreTenant(from: target, tenant: "t", replace: true, schema: Self.schema)
        #expect(throws: HosoError.tenantReplaced(name: "t")) { try t.write { try $0.insert(Self.items(90_001...90_001)[0]) } }
        let back = try store.openTenant("t", schema: Self.schema)
        #expect(try back.read { try $0.recordCount(Item.self) } == backedUp)
        #expect(try back.verify().isConsistent)
    }

    @Test func aBackupThatDoesNotVerifyIsNotRestored() throws {
        let store = try temporaryStore()
        let t = try store.createTenant(TenantInfo(name: "t"), schema: Self.schema)
        try t.bulkLoad(Self.items(1...200))
        let target = NSTemporaryDirectory() + "hoso-backup-\(UUID().uuidString)"
        try store.backupTenant("t", to: target)
        let damaged = try Store(directory: target).openTenant("t", schema: Self.schema)
        let counts = try damaged.core.maintainer(Item.perGroupTag).storage[0].database
        try damaged.core.environment.write { txn in try txn.put(counts, key: KeyBytes(Tuple([.int(5), .string("zz")])).array, value: FixedWidth.counterBytes(3)) }
        #expect(throws: HosoError.self) { try store.restoreTenant(from: target, tenant: "t", as: "v", schema: Self.schema) }
        #expect(try store.tenantNames() == ["t"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.tenantsDirectory).filter { $0.hasPrefix(".") }.isEmpty)
    }

    // MARK: Concurrent loads

    @Test func aBulkLoadHandsOverWhatAnotherWriterStoredFirst() throws {
        let store = try temporaryStore()
        let t = try store.createTenant(TenantInfo(name: "t"), schema: Self.schema)
        // Someone else stored ids 40…60, and id 500 under the code of id 70.
        try t.bulkLoad(Self.items(40...60))
        var taken = Self.items(500...500)[0]
        taken.code = "k70"
        try t.write { try $0.insert(taken) }
        var refused: [RecordID: HosoError] = [:]
        let progress = try t.bulkLoad(Item.self, batchSize: 25, conflicts: { item, why in refused[item.id] = why }) {
            nil as Item?
        }
        #expect(progress.recordsLoaded == 0)
        var rows = Self.items(1...100).makeIterator()
        let loaded = try t.bulkLoad(Item.self, batchSize: 25, conflicts: { item, why in refused[item.id] = why }) { rows.next() }
        #expect(Set(refused.keys) == Set((40...60).map(RecordID.init) + [70]))
        #expect(refused[45] == .recordAlreadyExists(type: "item", id: 45))
        if case .uniqueViolation(let index, _, let existing, let new)? = refused[70] {
            #expect(index == "item.code"); #expect(existing == 500); #expect(new == 70)
        } else { Issue.record("id 70: \(String(describing: refused[70]))") }
        #expect(loaded.recordsLoaded == 100 - 22)
        #expect(try t.read { try $0.recordCount(Item.self) } == 100 - 22 + 21 + 1)
        #expect(try t.verify().isConsistent)
        // Without the handler a conflict still stops the load at its batch.
        var again = Self.items(1...10).makeIterator()
        #expect(throws: BulkLoadError.self) { try t.bulkLoad(Item.self) { again.next() } }
    }

    // MARK: Open-ended ranges

    @Test func datedCountsOverOpenEndedRangesAreAnsweredNotCrashed() throws {
        let store = try temporaryStore()
        let t = try store.createTenant(TenantInfo(name: "t"), schema: Self.schema)
        let items = Self.items(1...500)
        try t.bulkLoad(items)
        try t.read { (r: borrowing TenantReader) throws -> Void in
            for group in 0..<7 {
                let expected = items.filter { $0.group == Int64(group) }.reduce(Int64(0)) { $0 + $1.amount }
                #expect(try r.datedCount(Item.perDay, group: [.int(Int64(group))], in: DayRange(.distantPast, .distantFuture)) == expected)
                #expect(try r.datedCount(Item.perDay, group: [.int(Int64(group))], in: DayRange(Day(rawValue: 20_100), .distantFuture))
                        == items.filter { $0.group == Int64(group) && $0.start >= 20_100 }.reduce(Int64(0)) { $0 + $1.amount })
            }
        }
    }

    // MARK: A full disk

    @Test func aFullDiskIsReportedAsSuchAndLosesNoCommittedBatch() throws {
        let mountPoint = NSTemporaryDirectory() + "hoso-full-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: mountPoint) }
        guard "size=3m".withCString({ mount("tmpfs", mountPoint, "tmpfs", 0, $0) }) == 0 else {
            print("SafetyTests: a full disk is not tried here: mounting a small tmpfs needs root (errno \(errno))")
            return
        }
        defer { umount(mountPoint) }
        let store = try Store(directory: mountPoint + "/store")
        let t = try store.createTenant(TenantInfo(name: "t"), schema: Self.schema)
        var committed = 0
        var failure: (any Error)?
        for batch in 0..<400 {
            let first = batch * 500 + 1
            do {
                try t.bulkLoad(Self.items(first...(first + 499)).map { var i = $0; i.note = String(repeating: "x", count: 200); return i })
                committed += 500
            } catch { failure = error; break }
        }
        let error = try #require(failure as? BulkLoadError, "the disk never filled: \(String(describing: failure))")
        guard case .diskFull(_, let free) = error.underlying else {
            Issue.record("expected diskFull, got \(error.underlying)")
            return
        }
        #expect(free < 1 << 20)
        #expect(error.description.contains("full"))
        #expect(try t.read { try $0.recordCount(Item.self) } == committed)
    }
}

