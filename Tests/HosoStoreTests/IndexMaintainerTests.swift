import Foundation
import Testing
@testable import HosoStore

/// Index kinds as the schema describes them, and the maintainers behind them.
@Suite struct IndexMaintainerTests {
    @Test func schemasDescribeWhatEachIndexAnswers() throws {
        let d = Ledger.schema.indexDescriptions
        #expect(d.map(\.kind) == [.value, .unique, .count, .datedCount, .datedCount, .interval, .value, .transition])
        #expect(d.map(\.name) == Ledger.schema.indexes.map(\.name))
        #expect(Ledger.schema.transitionIndex === Ledger.changes)
        #expect(Ledger.schema.indexes(answering: .countOverDays) == [Ledger.perDay, Ledger.perMonth])
        #expect(Ledger.schema.indexes(answering: .recordByKey) == [Ledger.byCode])
        #expect(Ledger.schema.indexes(answering: .intervalsOnDay) == [Ledger.spans])
        #expect(Ledger.schema.indexes(answering: .recordsChangingOnDay) == [Ledger.changes])
        #expect(d.first { $0.index === Ledger.spans }?.databases == ["i.ledger.spans.start", "i.ledger.spans.end"])
        #expect(d.first { $0.index === Ledger.perMonth }?.keyLayout == "(group) by (kind); group, bucket (year, month), period, subgroup")
        // A value index named as the transition index is kept as one.
        #expect(Item.schema.indexDescriptions.first { $0.index === Item.boundaries }?.kind == .transition)
        #expect(Item.boundaries.questions == [.recordsInKeyRange])
        #expect(Schema([Item.schema, Ledger.schema]).indexDescriptions.count == 16)
        #expect(d[3].description.contains("ledger.per_day (datedCount)"))
    }

    @Test func everyQuestionNamesMethodsOfTheReader() throws {
        let readAPI = Set(try SourceAPI.publicMethods(of: "TenantReader").map(SourceAPI.docName))
        for kind in IndexRegistry.maintainers {
            let questions = kind.questions(for: IndexDefinition("x", kind: kind.kind))
            #expect(!questions.isEmpty, "\(kind.kind) answers nothing")
            for q in questions {
                for method in q.readMethods { #expect(readAPI.contains(method), "\(q.name) names \(method), which TenantReader does not declare") }
            }
        }
    }

    @Test func theDatabasesDescribedAreTheDatabasesOpened() throws {
        let t = try temporaryStore().createTenant(TenantInfo(name: "t"), schema: Schema([Item.schema, Ledger.schema]))
        let opened = Set(try t.describe().databases.map(\.name))
        let described = Set(t.schema.indexDescriptions.flatMap(\.databases))
        #expect(described.isSubset(of: opened))
        #expect(opened.subtracting(described) == ["r.item", "r.ledger", "changelog"])
    }

    @Test func aKindWithoutAMaintainerIsRefusedAtOpen() throws {
        struct Odd: StoredRecord {
            static let weird = IndexDefinition("weird", kind: IndexDefinition.Kind(rawValue: "bitmap"))
            static let schema = RecordSchema(Odd.self, name: "odd", indexes: [weird])
            var id: RecordID
            func encode(to writer: inout RecordWriter) {}
            init(id: RecordID, reader: inout RecordReader) throws(HosoError) { self.id = id }
            func indexEntries(_ entries: inout IndexEntries, context: IndexContext) {}
        }
        #expect(Odd.weird.questions.isEmpty)
        #expect(Odd.schema.indexDescriptions.isEmpty)
        let store = try temporaryStore()
        #expect(throws: HosoError.unknownSchemaElement("index kind 'bitmap' of odd.weird (known kinds: value, unique, count, datedCount, runningCount, interval, transition)")) {
            _ = try store.createTenant(TenantInfo(name: "t"), schema: Schema([Odd.schema]))
        }
    }

    @Test func sizesComeFromTheMaintainers() throws {
        let t = try temporaryStore().createTenant(TenantInfo(name: "t"), schema: Schema([Ledger.schema]))
        try t.bulkLoad((1...300).map(ReadAPITests.ledger))
        try t.read { (r: borrowing TenantReader) throws -> Void in
            #expect(try r.size(of: Ledger.byGroup).entries == 300)
            #expect(try r.size(of: Ledger.byCode).entries == 300)
            #expect(try r.size(of: Ledger.perGroupKind).entries == 12)       // 3 groups × 4 kinds
            #expect(try r.size(of: Ledger.spans).entries == 300)            // one interval each
            #expect(try r.size(of: Ledger.spans).bytes > 0)
        }
        #expect(throws: HosoError.self) { try t.read { try $0.count(Ledger.byGroup, [1]) } }
        #expect(throws: HosoError.self) { try t.read { try $0.ids(in: Ledger.perGroupKind) { _, _ in true } } }
    }
}
