import Foundation
import Testing
@testable import HosoStore

/// The change log as a feed: replaying a tenant's facts into an empty tenant rebuilds the same
/// records, settings, day and every index database.
@Suite struct ChangeFeedTests {
    static let schema = Schema([Item.schema, Ledger.schema])
    static let start = Day(year: 2025, month: 1, day: 1)!

    static func item(_ id: Int, _ rng: inout SplitMix64) -> Item {
        let s = start.rawValue + Int32.random(in: 0..<500, using: &rng)
        return Item(id: RecordID(id), group: Int64.random(in: 0..<4, using: &rng), tag: ["a", "b", "c"][Int.random(in: 0..<3, using: &rng)],
                    code: Bool.random(using: &rng) ? "i\(id)" : nil, start: s,
                    end: Bool.random(using: &rng) ? s + Int32.random(in: 1..<200, using: &rng) : nil, amount: Int64.random(in: 1..<9, using: &rng))
    }

    static func ledger(_ id: Int, _ rng: inout SplitMix64) -> Ledger {
        let s = start.rawValue + Int32.random(in: 0..<500, using: &rng)
        return Ledger(id: RecordID(id), group: Int64.random(in: 0..<3, using: &rng), kind: Int64.random(in: 0..<5, using: &rng),
                      code: Bool.random(using: &rng) ? "l\(id)" : nil, start: s,
                      end: Bool.random(using: &rng) ? s + Int32.random(in: 1..<120, using: &rng) : nil, amount: Int64.random(in: 1..<9, using: &rng))
    }

    /// A tenant written every way there is: bulk loads (appended, not appendable, with conflicts),
    /// single writes of every kind, failed and abandoned writes, settings, clock advances by the
    /// store's clock and explicit ones, and grouped writes.
    static func buildSource(_ store: Store, _ clock: ManualClock) async throws -> Tenant {
        var rng = SplitMix64(seed: 2025)
        let t = try store.createTenant(TenantInfo(name: "source"), schema: schema, settings: ["initial": [9]])
        try t.setSetting("populations", [1, 2, 3])
        try t.bulkLoad((1...2_500).map { item($0, &rng) }, batchSize: 700)
        try t.bulkLoad((1...400).map { ledger($0, &rng) }, batchSize: 150)
        for step in 0..<400 {
            let op = Int.random(in: 0..<100, using: &rng)
            let id = Int.random(in: 1...3_000, using: &rng)
            switch op {
            case 0..<4:
                clock.day = clock.day.adding(days: Int.random(in: 1..<40, using: &rng))
                try t.write { _ in }
            case 4..<6:
                try t.setSetting("step", [UInt8(step % 256)])
            case 6..<8:
                struct Abandon: Error {}
                let record = item(id + 10_000, &rng)
                _ = try? t.write { w in try w.insert(record); throw Abandon() }
            case 8..<40:
                let record = item(id, &rng)
                _ = try? t.write { try $0.put(record) }          // may fail on a unique code: then nothing lands
            case 40..<55:
                let record = ledger(id % 600 + 1, &rng)
                _ = try? t.write { try $0.put(record) }
            case 55..<65:
                _ = try t.write { try $0.delete(Item.self, id: RecordID(id)) }
            case 65..<70:
                _ = try t.write { try $0.delete(Ledger.self, id: RecordID(id % 600 + 1)) }
            case 70..<80:
                let record = item(id, &rng)
                _ = try? t.write { try $0.update(record) }
            default:
                let record = ledger(id % 600 + 1, &rng)
                _ = try? t.write { try $0.insert(record) }
            }
        }
        // An explicit advance past the store's clock.
        try t.write { try $0.advanceDay(to: clock.day.adding(days: 3)) }
        // A bulk load that does not extend the id range (the ordinary insert path), and one
        // whose conflicts are set aside.
        try t.write { try $0.insert(item(9_000, &rng)) }
        try t.bulkLoad((5_001...5_100).map { item($0, &rng) }, batchSize: 40)
        var conflicting = (9_001...9_060).map { item($0, &rng) } + [item(40, &rng)]
        conflicting[3].code = "i9001"
        conflicting[0].code = "i9001"
        var refused = 0
        var rows = conflicting.makeIterator()
        try t.bulkLoad(Item.self, batchSize: 25, conflicts: { _, _ in refused += 1 }) { rows.next() }
        #expect(refused >= 2)
        // Grouped writes, some failing alone.
        struct Refused: Error {}
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<24 {
                var r = SplitMix64(seed: UInt64(i))
                let record = ledger(1_000 + i, &r)
                group.addTask {
                    _ = try? await t.writeGrouped { w in try w.insert(record); if i % 5 == 0 { throw Refused() } }
                }
            }
            try await group.waitForAll()
        }
        return t
    }

    @Test func replayingTheFeedIntoAnEmptyTenantRebuildsIt() async throws {
        let clock = ManualClock(Self.start)
        let store = try temporaryStore(clock)
        let source = try await Self.buildSource(store, clock)
        #expect(try source.verify().isConsistent)

        // The feed: bulk facts carry their records.
        var facts: [ChangeRecord] = []
        var seen: UInt64 = 0
        while case let page = try source.changes(after: seen, limit: 37), !page.isEmpty {
            facts += page
            seen = page.last!.sequence
        }
        let bulk = facts.filter { $0.operation == .bulkInsert }
        #expect(bulk.count >= 8)
        for fact in bulk {
            #expect(fact.payloads.count == fact.recordIDs.count && !fact.payloads.isEmpty)
            #expect(fact.writtenRecords.map(\.id) == fact.recordIDs)
        }
        let firstItem = try #require(bulk.first { $0.recordType == "item" })
        let decoded = try firstItem.payloads[0].withUnsafeBytes { try Item.decode(id: firstItem.recordIDs[0], $0) }
        #expect(decoded.id == firstItem.recordIDs[0])
        #expect(Set(facts.map(\.operation)).isSuperset(of: [.insert, .update, .delete, .bulkInsert, .advanceDay, .setting]))

        // The replica starts empty on the day the source started; its clock stays there, so only
        // the replayed facts move its day.
        let replicaClock = ManualClock(Self.start)
        let replicaStore = try temporaryStore(replicaClock, name: "replica")
        let replica = try replicaStore.createTenant(TenantInfo(name: "replica"), schema: Self.schema, settings: ["initial": [9]])
        var position: UInt64 = 0
        while case let page = try source.changes(after: position, limit: 50), !page.isEmpty {
            try replica.write { w in for change in page { try w.replay(change) } }
            position = page.last!.sequence
        }

        try source.read { s in
            try replica.read { r in
                #expect(try r.today() == s.today())
                for name in ["initial", "populations", "step"] { #expect(try r.setting(name) == s.setting(name), "setting \(name)") }
                #expect(try r.recordCount(Item.self) == s.recordCount(Item.self))
                #expect(try r.recordCount(Ledger.self) == s.recordCount(Ledger.self))
                // Every record, byte for byte.
                for (name, type) in source.core.types {
                    let (d, n) = try TenantCore.compare(actual: r.txn, replica.core.types[name]!.records, expected: s.txn, type.records,
                                                        label: name, describeValue: { "\($0.count) bytes" })
                    #expect(d == nil, "records of \(name): \(String(describing: d))")
                    #expect(n > 100)
                }
                // Every index database, entry by entry, maintainer by maintainer.
                let (differences, databases, entries) = try TenantCore.compareIndexes(of: replica.core, r.txn, with: source.core, s.txn)
                #expect(differences.isEmpty, "\(differences)")
                #expect(databases == 18)
                #expect(entries > 10_000)
            }
        }
        #expect(try replica.verify().isConsistent)
        // Replaying the feed again is refused at the first record it would duplicate, and changes nothing.
        let before = try replica.read { try $0.lastChangeSequence() }
        #expect(throws: HosoError.self) { try replica.write { w in for change in facts { try w.replay(change) } } }
        #expect(try replica.read { try $0.lastChangeSequence() } == before)
    }

    @Test func aFactWithoutItsRecordsIsRefusedByName() throws {
        let t = try temporaryStore().createTenant(TenantInfo(name: "t"), schema: Self.schema)
        let old = ChangeRecord(sequence: 7, timestamp: 0, actor: "system", operation: .bulkInsert, recordType: "item",
                               recordIDs: [1, 2], payload: nil, detail: "2 records")
        #expect(throws: HosoError.corruptRecord(type: "change", id: 7, reason: "the bulk-insert fact carries no records, so it cannot be replayed")) {
            try t.write { try $0.replay(old) }
        }
        let unknown = ChangeRecord(sequence: 8, timestamp: 0, actor: "system", operation: .delete, recordType: "nothing",
                                   recordIDs: [1], payload: nil, detail: nil)
        #expect(throws: HosoError.self) { try t.write { try $0.replay(unknown) } }
    }
}
