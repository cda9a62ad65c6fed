import Foundation
import Testing
@testable import HosoStore

/// The usage examples of the DocC comments added with the index maintainers, the composed
/// writer, the async group commit and the change feed, compiled and run (names as in the tests).
@Suite struct DocExamplesTests {
    @Test func indexKindsQuestionsAndDescriptions() throws {
        let kinds: [IndexDefinition.Kind] = [.value, .datedCount]
        #expect(kinds.map(\.rawValue) == ["value", "datedCount"])
        precondition(IndexDefinition.Kind(rawValue: "value") == .value)
        let byDay = IndexDefinition("per_day", kind: .datedCount)
        precondition(byDay.questions.contains(.countOverDays))
        let q = IndexQuestion.countOverDays
        #expect(q.name == "countOverDays" && q.readMethods.first == "datedCount(_:group:subgroup:in:)")
        var lines: [String] = []
        for d in Item.schema.indexDescriptions { lines.append("\(d)") }
        let schema = Schema([Item.schema])
        for d in schema.indexDescriptions where d.questions.contains(.countOverDays) {
            lines.append("\(d.recordType).\(d.name): \(d.keyLayout) → \(d.valueLayout)")
        }
        for d in Schema([Item.schema]).indexDescriptions { lines.append("\(d.recordType) \(d.name) \(d.questions.map(\.name))") }
        #expect(lines.count == 17)
        let asOf = Item.schema.indexes(answering: .countOverDays)
        #expect(asOf == [Item.perDay])
        _ = [Item.schema.indexes(answering: .recordsInKeyRange), Item.schema.indexes(answering: .recordByKey),
             Item.schema.indexes(answering: .countByKey), Item.schema.indexes(answering: .intervalsOnDay),
             Item.schema.indexes(answering: .intervalsByEdge), Item.schema.indexes(answering: .recordsChangingOnDay)]
    }

    @Test func readerWriterAndSizes() throws {
        let tenant = try temporaryStore().createTenant(TenantInfo(name: "t"), schema: Schema([Item.schema]))
        let item = Item(id: 1, group: 1, tag: "a", code: "k", start: 20_000, end: nil, amount: 1)
        try tenant.write { w in
            try w.insert(item)
            let stored = try w.reader.contains(Item.self, id: item.id)   // true: the reader sees the insert
            #expect(stored)
            let n = try w.countSum(Item.perGroupTag, .all)               // counts the insert
            #expect(n == 1)
        }
        let (got, count) = try tenant.read { txn in
            (try txn.get(Item.self, id: 1), try txn.count(Item.perGroupTag, [1, "a"]))
        }
        #expect(got == item && count == 1)
        let size = try tenant.read { try $0.size(of: Item.byGroup) }
        #expect(size.entries == 1 && size.bytes > 0)
    }

    @Test func groupCommitFromThreadsAndTasks() async throws {
        let tenant = try temporaryStore().createTenant(TenantInfo(name: "t"), schema: Schema([Item.schema]))
        let incoming = (1...20).map { Item(id: RecordID($0), group: 1, tag: "a", code: nil, start: 20_000, end: nil, amount: 1) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for e in incoming { group.addTask { try await tenant.writeGrouped { try $0.insert(e) } } }
            try await group.waitForAll()
        }
        let done = DispatchGroup()
        let threads = (21...36).map { id in
            Thread {
                try? tenant.writeGrouped { try $0.insert(Item(id: RecordID(id), group: 2, tag: "b", code: nil, start: 20_000, end: nil, amount: 1)) }
                done.leave()
            }
        }
        threads.forEach { done.enter(); $0.start() }
        #expect(done.wait(timeout: .now() + 30) == .success)
        #expect(try tenant.read { try $0.recordCount(Item.self) } == 36)
    }

    @Test func theChangeFeed() throws {
        let store = try temporaryStore()
        let source = try store.createTenant(TenantInfo(name: "source"), schema: Schema([Item.schema]))
        try source.bulkLoad((1...10).map { Item(id: RecordID($0), group: 1, tag: "a", code: nil, start: 20_000, end: nil, amount: 1) })
        try source.setSetting("s", [1])
        let replica = try store.createTenant(TenantInfo(name: "replica"), schema: Schema([Item.schema]))
        var seen: UInt64 = 0
        while case let page = try source.changes(after: seen, limit: 500), !page.isEmpty {
            try replica.write { w in for change in page { try w.replay(change) } }
            seen = page.last!.sequence
        }
        var written = 0, names: [String] = [], days: [Day] = []
        for change in try source.changes(after: 0) {
            for (id, bytes) in zip(change.recordIDs, change.payloads) where id > 0 && !bytes.isEmpty { written += 1 }
            if change.operation == .setting, let name = change.settingName { names.append(name) }
            if change.operation == .advanceDay, let day = change.day { days.append(day) }
            for (id, bytes) in change.writtenRecords { #expect(id > 0 && !bytes.isEmpty) }
        }
        #expect(written == 10 && names == ["s"] && days.isEmpty)
        let fact = ChangeRecord(sequence: 1, timestamp: 0, actor: "system", operation: .setting, recordType: nil,
                                recordIDs: [], payload: [1], detail: "setting s", settingName: "s")
        #expect(fact.settingName == "s")
        #expect(try replica.read { try $0.recordCount(Item.self) } == 10)
        #expect(try replica.setting("s") == [1])
    }
}
