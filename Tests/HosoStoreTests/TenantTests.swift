import Foundation
import Testing
@testable import HosoStore

@Suite struct TenantTests {
    static let schema = Schema([Item.schema])
    func item(_ id: RecordID, group: Int64 = 1, code: String? = nil, note: String = "") -> Item {
        var i = Item(id: id, group: group, tag: "alpha", code: code, start: 20_000, end: nil, amount: 1)
        i.note = note
        return i
    }

    @Test func createListDescribeDrop() throws {
        let store = try temporaryStore()
        #expect(try store.tenantNames().isEmpty)
        var info = TenantInfo(name: "lang-son", displayName: "Lạng Sơn")
        info.otherFields = [12: .integer(-5), 13: .bytes([1, 2, 3])]
        let a = try store.createTenant(info, schema: Self.schema, as: Principal(name: "admin.pc04"))
        _ = try store.createTenant(TenantInfo(name: "hung-yen"), schema: Self.schema)
        #expect(try store.tenantNames() == ["hung-yen", "lang-son"])
        try a.write { txn in for i in 1...10 { try txn.insert(item(RecordID(i))) } }
        let d = try a.describe()
        #expect(d.info.displayName == "Lạng Sơn" && d.info.otherFields == [12: .integer(-5), 13: .bytes([1, 2, 3])])
        #expect(d.info.createdBy == "admin.pc04" && d.info.formatVersion == TenantInfo.currentFormatVersion)
        #expect(d.recordCounts["item"] == 10)
        #expect(d.lastChange == 11)
        try store.dropTenant("hung-yen")
        #expect(try store.tenantNames() == ["lang-son"])
        #expect(throws: HosoError.self) { _ = try store.openTenant("hung-yen", schema: Self.schema) }
    }

    /// Metadata written by an older build (its fields 3–6, retired here) is kept, field by
    /// field, through a decode and an encode (a restore under another name rewrites it).
    @Test func metadataOfOlderBuildsIsKept() throws {
        var w = RecordWriter(formatVersion: 1)
        w.write(1, "lang-son"); w.write(2, "Lạng Sơn"); w.write(3, Int64?.some(20))
        w.write(4, 12); w.write(5, 10); w.write(6, 10)
        w.write(7, 1); w.write(8, Int64(1_700_000_000)); w.write(9, "admin")
        let old = try w.bytes.withUnsafeBytes { try TenantInfo.decode($0) }
        #expect(old.name == "lang-son" && old.displayName == "Lạng Sơn" && old.createdBy == "admin" && old.createdAt == 1_700_000_000)
        #expect(old.otherFields == [3: .integer(20), 4: .integer(12), 5: .integer(10), 6: .integer(10)])
        var renamed = old
        renamed.name = "copy"
        let again = try renamed.encoded().withUnsafeBytes { try TenantInfo.decode($0) }
        #expect(again == renamed)
        // A field a newer build might write as text survives too.
        var newer = RecordWriter(formatVersion: 1)
        newer.write(1, "t"); newer.write(40, "from a newer build")
        let read = try newer.bytes.withUnsafeBytes { try TenantInfo.decode($0) }
        #expect(read.otherFields == [40: .bytes(Array("from a newer build".utf8))])
        #expect(try read.encoded().withUnsafeBytes { try TenantInfo.decode($0) } == read)
    }

    @Test func tenantErrorsNameTheInput() throws {
        let store = try temporaryStore()
        _ = try store.createTenant(TenantInfo(name: "a"), schema: Self.schema)
        #expect(throws: HosoError.tenantAlreadyExists(name: "a", store: store.directory)) {
            _ = try store.createTenant(TenantInfo(name: "a"), schema: Self.schema)
        }
        #expect(throws: HosoError.unknownTenant(name: "b", store: store.directory, known: ["a"])) {
            _ = try store.openTenant("b", schema: Self.schema)
        }
        for bad in ["", "Lang Son", "../x", "-x", String(repeating: "x", count: 65)] {
            #expect(throws: HosoError.self) { _ = try store.createTenant(TenantInfo(name: bad), schema: Self.schema) }
        }
        #expect(try store.tenantNames() == ["a"])
    }

    @Test func tenantsAreIsolated() throws {
        let store = try temporaryStore()
        let a = try store.createTenant(TenantInfo(name: "a"), schema: Self.schema)
        let b = try store.createTenant(TenantInfo(name: "b"), schema: Self.schema)
        try a.write { try $0.insert(item(1, code: "X")) }
        // The same id and unique key in another tenant are independent.
        try b.write { try $0.insert(item(1, code: "X")) }
        try b.write { try $0.delete(Item.self, id: 1) }
        #expect(try a.read { try $0.get(Item.self, id: 1) } != nil)
        #expect(try b.read { try $0.get(Item.self, id: 1) } == nil)
    }

    @Test func badWritesChangeNothing() throws {
        let store = try temporaryStore()
        let t = try store.createTenant(TenantInfo(name: "t"), schema: Self.schema)
        try t.write { try $0.insert(item(1, code: "X")) }
        let before = try t.read { try $0.lastChangeSequence() }
        // 1 version byte + group 2 + tag 7 + start 4 + amount 2 + note (1 tag + 2 length + 5000) = 5019 bytes.
        #expect(throws: HosoError.recordTooLarge(type: "item", id: 2, size: 5019, limit: 4096)) {
            try t.write { try $0.insert(item(2, note: String(repeating: "x", count: 5000))) }
        }
        #expect(throws: HosoError.uniqueViolation(index: "item.code", key: ["X"], existing: 1, new: 3)) {
            try t.write { txn in try txn.insert(item(4)); try txn.insert(item(3, code: "X")) }
        }
        #expect(throws: HosoError.recordAlreadyExists(type: "item", id: 1)) { try t.write { try $0.insert(item(1)) } }
        #expect(throws: HosoError.recordNotFound(type: "item", id: 9)) { try t.write { try $0.update(item(9)) } }
        try t.read { (txn: borrowing TenantReader) throws -> Void in
            #expect(try txn.lastChangeSequence() == before)
            #expect(try txn.recordCount(Item.self) == 1)
            #expect(try txn.get(Item.self, id: 4) == nil)
            #expect(try txn.count(Item.perGroupTag, [1, "alpha"]) == 1)
        }
    }

    @Test func storeFullIsATypedErrorAndLosesNothing() throws {
        let path = NSTemporaryDirectory() + "hoso-full-\(UUID().uuidString)"
        let store = try Store(directory: path, options: .init(growth: MapGrowthPolicy(initialSize: 1 << 20, threshold: 0.9, maximumSize: 3 << 20)))
        let t = try store.createTenant(TenantInfo(name: "t"), schema: Self.schema)
        try t.write { txn in for i in 1...100 { try txn.insert(item(RecordID(i))) } }
        #expect(throws: HosoError.self) {
            try t.write { txn in for i in 1000...30_000 { try txn.insert(item(RecordID(i), note: String(repeating: "y", count: 300))) } }
        }
        #expect(try t.read { try $0.recordCount(Item.self) } == 100)
    }

    @Test func mapGrowthRetriesBigBatches() throws {
        let store = try temporaryStore(smallMap: true)
        let t = try store.createTenant(TenantInfo(name: "t"), schema: Self.schema)
        try t.write { txn in for i in 1...20_000 { try txn.insert(item(RecordID(i), group: Int64(i % 7), note: "n\(i)")) } }
        #expect(try t.read { try $0.recordCount(Item.self) } == 20_000)
        #expect(try t.read { try $0.countSum(Item.perGroupTag, .all) } == 20_000)
    }

    @Test func accessPolicyGuardsEveryCall() throws {
        struct ReadOnly: AccessPolicy {
            func authorize(_ op: AccessOperation, by p: Principal) throws(HosoError) {
                if case .write = op { throw .accessDenied(principal: p.name, operation: op.description, reason: "read-only role") }
            }
        }
        let store = try temporaryStore()
        let admin = try store.createTenant(TenantInfo(name: "t"), schema: Self.schema)
        try admin.write { try $0.insert(item(1)) }
        let viewer = admin.acting(as: Principal(name: "analyst", role: "viewer"), policy: ReadOnly())
        #expect(try viewer.read { try $0.get(Item.self, id: 1) } != nil)
        #expect(throws: HosoError.accessDenied(principal: "analyst", operation: "write item records", reason: "read-only role")) {
            try viewer.write { try $0.insert(item(2)) }
        }
        // The change log names who acted.
        let log = try admin.changes(after: 0)
        #expect(log.map(\.actor) == ["system", "system"])
        #expect(log.last?.operation == .insert && log.last?.recordIDs == [1])
    }

    @Test func bulkLoadBatchesAndStopsWhole() throws {
        let store = try temporaryStore()
        let t = try store.createTenant(TenantInfo(name: "t"), schema: Self.schema)
        var reports: [Int] = []
        let done = try t.bulkLoad((1...2500).map { item(RecordID($0), group: Int64($0 % 3), code: "K\($0)") }, batchSize: 1000) {
            reports.append($0.recordsLoaded)
        }
        #expect(done.recordsLoaded == 2500 && reports == [1000, 2000, 2500])
        // A second load whose third batch holds a duplicate unique key: two batches land, nothing of the third.
        let records = (3001...6000).map { item(RecordID($0), code: $0 == 5500 ? "K7" : "K\($0)") }
        do {
            try t.bulkLoad(records, batchSize: 1000)
            Issue.record("the load should have failed")
        } catch let error as BulkLoadError {
            #expect(error.batch == 3 && error.recordsLoaded == 2000 && error.firstID == 5001)
        }
        try t.read { (txn: borrowing TenantReader) throws -> Void in
            #expect(try txn.recordCount(Item.self) == 4500)
            #expect(try txn.countSum(Item.perGroupTag, .all) == 4500)
            #expect(try txn.lookup(Item.byCode, ["K5001"]) == nil)
            #expect(try txn.lookup(Item.byCode, ["K4000"]) == 4000)
        }
        // Records that do not extend the id range go through the ordinary insert path.
        try t.bulkLoad([item(2600), item(2700)], batchSize: 10)
        #expect(try t.read { try $0.recordCount(Item.self) } == 4502)
    }

    @Test func streamsInPagesAcrossShortReads() async throws {
        let store = try temporaryStore()
        let t = try store.createTenant(TenantInfo(name: "t"), schema: Self.schema)
        try t.bulkLoad((1...2345).map { item(RecordID($0), group: Int64($0 % 4)) })
        var ids: [RecordID] = []
        for try await i in t.stream(Item.self, in: Item.byGroup, .exactly([2]), pageSize: 100) { ids.append(i.id) }
        #expect(ids == (1...2345).filter { $0 % 4 == 2 }.map(RecordID.init))
        var all = 0
        for try await _ in t.stream(Item.self, pageSize: 333) { all += 1 }
        #expect(all == 2345)
    }

    @Test func continuationOfAnotherQueryIsRefused() throws {
        let store = try temporaryStore()
        let t = try store.createTenant(TenantInfo(name: "t"), schema: Self.schema)
        try t.bulkLoad((1...50).map { item(RecordID($0)) })
        let token = try t.read { try $0.ids(in: Item.byGroup, limit: 10) { _, _ in true } }
        #expect(token != nil)
        #expect(throws: HosoError.self) { try t.read { try $0.ids(in: Item.byTagGroup, after: token) { _, _ in true } } }
        #expect(Continuation("c!!!") == nil)
        #expect(Continuation(token!.description) == token)
    }

    @Test func readersRunWhileAWriterCommits() async throws {
        let store = try temporaryStore()
        let t = try store.createTenant(TenantInfo(name: "t"), schema: Self.schema)
        // Invariant: the count index always equals the records present.
        try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask {
                for n in 1...200 { try t.write { try $0.insert(item(RecordID(n), group: Int64(n % 5))) } }
                return 0
            }
            for _ in 0..<2 {
                group.addTask {
                    var bad = 0
                    for _ in 0..<300 {
                        try t.read { (txn: borrowing TenantReader) throws -> Void in
                            let records = try txn.recordCount(Item.self)
                            let counted = try txn.countSum(Item.perGroupTag, .all)
                            var listed = 0
                            try txn.ids(in: Item.byGroup) { _, _ in listed += 1; return true }
                            if Int64(records) != counted || listed != records { bad += 1 }
                        }
                    }
                    return bad
                }
            }
            var bad = 0
            for try await b in group { bad += b }
            #expect(bad == 0)
        }
    }

    @Test func reopenedStoreHasEverything() throws {
        let path = NSTemporaryDirectory() + "hoso-reopen-\(UUID().uuidString)"
        do {
            let store = try Store(directory: path)
            let t = try store.createTenant(TenantInfo(name: "t"), schema: Self.schema)
            try t.bulkLoad((1...500).map { item(RecordID($0), group: Int64($0 % 3), code: "Z\($0)") })
        }
        let store = try Store(directory: path)
        let t = try store.openTenant("t", schema: Self.schema)
        try t.read { (txn: borrowing TenantReader) throws -> Void in
            #expect(try txn.recordCount(Item.self) == 500)
            #expect(try txn.lookup(Item.byCode, ["Z250"]) == 250)
            #expect(try txn.count(Item.perGroupTag, [1, "alpha"]) == 167)
        }
    }
}

/// The same records as ``Item`` with one more index, as a later version of an embedder's schema would add.
struct ItemWithTagIndex: StoredRecord {
    var item: Item
    var id: RecordID { item.id }
    static let byTag = IndexDefinition("tag_only", kind: .value)
    static let schema = RecordSchema(ItemWithTagIndex.self, name: "item",
                                     indexes: Item.schema.indexes + [byTag], transitionIndex: Item.boundaries, maximumRecordSize: 4096)
    func encode(to w: inout RecordWriter) { item.encode(to: &w) }
    init(item: Item) { self.item = item }
    init(id: RecordID, reader: inout RecordReader) throws(HosoError) { item = try Item(id: id, reader: &reader) }
    func indexEntries(_ e: inout IndexEntries, context: IndexContext) {
        item.indexEntries(&e, context: context)
        e.value(Self.byTag, [.string(item.tag)])
    }
}

@Suite struct SchemaEvolutionTests {
    @Test func anIndexAddedLaterIsBuiltAtOpen() throws {
        let store = try temporaryStore()
        let v1 = try store.createTenant(TenantInfo(name: "t"), schema: Schema([Item.schema]))
        try v1.bulkLoad((1...300).map { Item(id: RecordID($0), group: 1, tag: ["a", "b", "c"][$0 % 3], code: nil, start: 20_000, end: nil, amount: 1) })
        let v2 = try store.openTenant("t", schema: Schema([ItemWithTagIndex.schema]))
        var ids: [RecordID] = []
        try v2.read { try $0.ids(in: ItemWithTagIndex.byTag, .exactly(["b"])) { _, id in ids.append(id); return true } }
        #expect(ids == (1...300).filter { $0 % 3 == 1 }.map(RecordID.init))
        // Writes through the new schema keep it up to date; the old indexes are intact.
        try v2.write { try $0.insert(ItemWithTagIndex(item: Item(id: 301, group: 2, tag: "b", code: nil, start: 20_000, end: nil, amount: 1))) }
        #expect(try v2.read { try $0.entryCount(in: ItemWithTagIndex.byTag, .exactly(["b"])) } == 101)
        #expect(try v2.read { try $0.countSum(Item.perGroupTag, .all) } == 301)
        #expect(try v2.changes(after: 0).contains { $0.operation == .buildIndex })
    }

    @Test func backupOpensAsAStoreWithTheTenant() throws {
        let store = try temporaryStore()
        let t = try store.createTenant(TenantInfo(name: "t"), schema: Schema([Item.schema]))
        try t.bulkLoad((1...1000).map { Item(id: RecordID($0), group: Int64($0 % 5), tag: "a", code: "k\($0)", start: 20_000, end: nil, amount: 1) })
        let target = NSTemporaryDirectory() + "hoso-backup-\(UUID().uuidString)"
        try store.backupTenant("t", to: target)
        try t.write { try $0.delete(Item.self, id: 1) }
        let copy = try Store(directory: target).openTenant("t", schema: Schema([Item.schema]))
        #expect(try copy.read { try $0.recordCount(Item.self) } == 1000)
        #expect(try copy.read { try $0.lookup(Item.byCode, ["k1"]) } == 1)
    }
}

@Suite struct GroupCommitTests {
    @Test func concurrentWritersShareCommitsAndFailAlone() async throws {
        // A clock of its own: on the system's, a write after midnight (Vietnam time, 17:00
        // UTC) advances the tenant's day and logs one fact more than the test counts.
        let store = try temporaryStore(ManualClock(Day(year: 2026, month: 6, day: 1)!))
        let t = try store.createTenant(TenantInfo(name: "t"), schema: Schema([Item.schema]))
        struct Refused: Error {}
        let failures = try await withThrowingTaskGroup(of: Int.self) { group in
            for w in 0..<16 {
                group.addTask {
                    var failed = 0
                    for i in 0..<40 {
                        let id = RecordID(w * 1000 + i + 1)
                        do {
                            try await t.writeGrouped { txn in
                                try txn.insert(Item(id: id, group: Int64(w), tag: "g", code: "u\(id)", start: 20_000, end: nil, amount: 1))
                                if i == 7 { throw Refused() }   // undone alone, after its insert
                            }
                        } catch is Refused { failed += 1 }
                    }
                    return failed
                }
            }
            var total = 0
            for try await f in group { total += f }
            return total
        }
        #expect(failures == 16)
        try t.read { (txn: borrowing TenantReader) throws -> Void in
            #expect(try txn.recordCount(Item.self) == 16 * 39)
            #expect(try txn.countSum(Item.perGroupTag, .all) == 16 * 39)
            #expect(try txn.lookup(Item.byCode, ["u8"]) == nil)
            #expect(try txn.lookup(Item.byCode, ["u9"]) == 9)
        }
        // Every successful write left exactly one change-log fact, in a gap-free sequence.
        #expect(try t.read { try $0.lastChangeSequence() } == UInt64(1 + 16 * 39))
    }
}

@Suite struct CompactionTests {
    @Test func compactionShrinksTheFileAndKeepsEverything() throws {
        let store = try temporaryStore()
        var t = try store.createTenant(TenantInfo(name: "t"), schema: Schema([Item.schema]))
        try t.bulkLoad((1...20_000).map { Item(id: RecordID($0), group: Int64($0 % 9), tag: "a", code: "k\($0)", start: 20_000, end: nil, amount: 1) }, batchSize: 2_000)
        try t.write { txn in for i in 1...10_000 { try txn.delete(Item.self, id: RecordID(i * 2)) } }
        let (before, after) = try store.compactTenant("t")
        #expect(after < before)
        t = try store.openTenant("t", schema: Schema([Item.schema]))
        try t.read { (txn: borrowing TenantReader) throws -> Void in
            #expect(try txn.recordCount(Item.self) == 10_000)
            #expect(try txn.lookup(Item.byCode, ["k3"]) == 3)
            #expect(try txn.lookup(Item.byCode, ["k4"]) == nil)
            #expect(try txn.countSum(Item.perGroupTag, .all) == 10_000)
        }
    }
}
