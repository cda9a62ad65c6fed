import Foundation
import Testing
@testable import HosoStore

/// The bulk path (records appended, counting indexes loaded on a second core and merged)
/// against the ordinary path (one insert at a time, each index updated record by record): the
/// oracle is a second tenant written through the ordinary path, compared index database by
/// index database, entry by entry, and each tenant's own `verify` (a rebuild from the records).
@Suite struct BulkLoadPathTests {
    static let schema = Schema([Ledger.schema, Tally.schema])
    static let base = Day(year: 2024, month: 11, day: 20)!.rawValue

    /// A ledger; every fifth code is longer than the 24 bytes a bulk run's sort compares in words.
    static func ledger(_ id: Int, _ rng: inout SplitMix64) -> Ledger {
        let start = base + Int32(rng.next() % 500)
        let end: Int32? = rng.next() % 3 == 0 ? nil : start + Int32(1 + rng.next() % 200)
        return Ledger(id: RecordID(id), group: Int64(rng.next() % 7), kind: Int64(rng.next() % 5),
                      code: rng.next() % 4 == 0 ? nil : id % 5 == 0 ? "a code longer than twenty-four bytes, \(id)" : "c\(id)", start: start, end: end, amount: Int64(rng.next() % 9) - 2)
    }

    static func tally(_ id: Int, _ rng: inout SplitMix64) -> Tally {
        Tally(id: RecordID(id), group: Int64(rng.next() % 5), kind: Int64(rng.next() % 4),
              day: base + Int32(rng.next() % 800) - 400, amount: Int64(rng.next() % 7) - 3)
    }

    /// A tenant holding `ledgers` and `tallies`, written through the ordinary path (100 inserts per transaction).
    static func insertedOneByOne(_ ledgers: [Ledger], _ tallies: [Tally], name: String, clock: ManualClock? = nil) throws -> Tenant {
        let t = try temporaryStore(clock, name: name).createTenant(TenantInfo(name: "oracle"), schema: schema)
        for chunk in stride(from: 0, to: ledgers.count, by: 100) {
            try t.write { w in for l in ledgers[chunk..<min(chunk + 100, ledgers.count)] { try w.insert(l) } }
        }
        for chunk in stride(from: 0, to: tallies.count, by: 100) {
            try t.write { w in for x in tallies[chunk..<min(chunk + 100, tallies.count)] { try w.insert(x) } }
        }
        return t
    }

    /// The index databases of `a` and `b` that differ, and how many databases were compared.
    static func differences(_ a: Tenant, _ b: Tenant) throws -> (differences: [VerifyReport.Difference], databases: Int) {
        try a.read { ra in
            try b.read { rb in
                let (d, n, _) = try TenantCore.compareIndexes(of: a.core, ra.txn, with: b.core, rb.txn)
                return (d, n)
            }
        }
    }

    @Test(arguments: [UInt64(14), 2026])
    func aBulkLoadBuildsWhatInsertsOneByOneBuild(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let ledgers = (1...7_000).map { Self.ledger($0, &rng) }
        let tallies = (1...6_000).map { Self.tally($0, &rng) }
        #expect(ledgers.count >= 2 * WriteSession.parallelLoadThreshold, "the batches must take the parallel path")
        let loaded = try temporaryStore(name: "bulk\(seed)").createTenant(TenantInfo(name: "bulk"), schema: Self.schema)
        try loaded.bulkLoad(ledgers, batchSize: 3_000)
        try loaded.bulkLoad(tallies.shuffled(using: &rng), batchSize: 2_500)
        let oracle = try Self.insertedOneByOne(ledgers, tallies, name: "oracle\(seed)")
        let (differences, databases) = try Self.differences(loaded, oracle)
        #expect(differences.isEmpty, "seed \(seed): \(differences)")
        #expect(databases == 13, "seed \(seed)")
        #expect(try loaded.verify().isConsistent, "seed \(seed)")
        // With a second core, each batch of 2,000 records or more was prepared while the one
        // before it was written: two of the three ledger batches, two of the three tally ones.
        if ProcessInfo.processInfo.activeProcessorCount > 1 {
            #expect(loaded.core.preparedBatchesWritten.load(ordering: .relaxed) == 4, "seed \(seed)")
        }
    }

    /// A load whose records stop with an error in its third batch, while the second is being
    /// written: the first two are loaded, whole, and nothing of the third.
    @Test func anErrorInTheNextBatchWaitsForTheOneBeingWritten() throws {
        let seed: UInt64 = 0x3E
        var rng = SplitMix64(seed: seed)
        let ledgers = (1...7_000).map { Self.ledger($0, &rng) }
        let loaded = try temporaryStore().createTenant(TenantInfo(name: "bulk"), schema: Self.schema)
        struct Unreadable: Error {}
        var handed = 0, reported: [Int] = []
        do {
            try loaded.bulkLoad(Ledger.self, batchSize: 2_000, progress: { reported.append($0.recordsLoaded) }) {
                guard handed < 4_500 else { throw Unreadable() }
                handed += 1
                return ledgers[handed - 1]
            }
            Issue.record("seed \(seed): the error was not thrown")
        } catch is Unreadable {}
        #expect(reported == [2_000, 4_000], "seed \(seed): \(reported)")
        #expect(try loaded.read { try $0.recordCount(Ledger.self) } == 4_000)
        let oracle = try Self.insertedOneByOne(Array(ledgers[..<4_000]), [], name: "nextoracle")
        #expect(try Self.differences(loaded, oracle).differences.isEmpty, "seed \(seed)")
        #expect(try loaded.verify().isConsistent, "seed \(seed)")
    }

    /// Records refused by the store (ids stored already) are set aside from batches written
    /// while the next is prepared; the rest of each batch loads.
    @Test func conflictsAreSetAsideFromPreparedBatches() throws {
        let seed: UInt64 = 0xC0
        var rng = SplitMix64(seed: seed)
        let ledgers = (1...8_000).map { Self.ledger($0, &rng) }
        let loaded = try temporaryStore().createTenant(TenantInfo(name: "bulk"), schema: Self.schema)
        let stored = ledgers[2_500..<2_600] + ledgers[6_100..<6_150]
        try loaded.write { w in for l in stored { try w.insert(l) } }
        var refused: [RecordID] = [], reasons = 0
        var rows = ledgers.makeIterator()
        let summary = try loaded.bulkLoad(Ledger.self, batchSize: 2_000, conflicts: { ledger, why in
            refused.append(ledger.id)
            if case .recordAlreadyExists = why { reasons += 1 }
        }) { rows.next() }
        #expect(refused == stored.map(\.id) && reasons == stored.count, "seed \(seed): \(refused.count) refused")
        #expect(summary.recordsLoaded == ledgers.count - stored.count && summary.batchesCommitted == 4, "seed \(seed): \(summary)")
        let oracle = try Self.insertedOneByOne(ledgers, [], name: "conflictoracle")
        #expect(try Self.differences(loaded, oracle).differences.isEmpty, "seed \(seed)")
        #expect(try loaded.verify().isConsistent, "seed \(seed)")
    }

    /// A day that moves between a batch's preparation and its transaction (here in the progress
    /// report of the batch before it, which comes in between): the batch is indexed as of the
    /// transaction's day, not the one it was prepared for ("open now" changes with the day).
    @Test func aBatchPreparedForAnotherDayIsIndexedAsOfItsTransactionsDay() throws {
        let seed: UInt64 = 0xDA7
        var rng = SplitMix64(seed: seed)
        let ledgers = (1...8_000).map { Self.ledger($0, &rng) }
        let clock = ManualClock(Day(rawValue: Self.base + 200))
        let loaded = try temporaryStore(clock).createTenant(TenantInfo(name: "bulk"), schema: Self.schema)
        try loaded.bulkLoad(ledgers, batchSize: 2_000) { _ in clock.day = Day(rawValue: clock.day.rawValue + 7) }
        #expect(try loaded.verify().isConsistent, "seed \(seed)")
        // Only the first batch kept its day: the clock moved before every later one was written.
        if ProcessInfo.processInfo.activeProcessorCount > 1 {
            #expect(loaded.core.preparedBatchesWritten.load(ordering: .relaxed) == 1, "seed \(seed)")
        }
        let oracle = try Self.insertedOneByOne(ledgers, [], name: "dayoracle", clock: ManualClock(try loaded.read { try $0.today() }))
        let differences = try Self.differences(loaded, oracle).differences
        #expect(differences.isEmpty, "seed \(seed): \(differences)")
    }

    /// A map that fills up during a prepared batch's transaction: the transaction runs again
    /// after the map grows, from the same prepared batch, and writes it whole again.
    @Test func aPreparedBatchIsWrittenWholeWhenItsTransactionRunsAgain() throws {
        let seed: UInt64 = 0x6F0
        var rng = SplitMix64(seed: seed)
        let ledgers = (1...9_000).map { Self.ledger($0, &rng) }
        let tallies = (1...6_000).map { Self.tally($0, &rng) }
        let loaded = try temporaryStore(smallMap: true).createTenant(TenantInfo(name: "bulk"), schema: Self.schema)
        try loaded.bulkLoad(ledgers, batchSize: 3_000)
        try loaded.bulkLoad(tallies, batchSize: 3_000)
        #expect(try loaded.describe().mapSize > 1 << 20, "seed \(seed): the map did not grow, so no transaction ran again")
        let oracle = try Self.insertedOneByOne(ledgers, tallies, name: "groworacle")
        let differences = try Self.differences(loaded, oracle).differences
        #expect(differences.isEmpty, "seed \(seed): \(differences)")
    }

    @Test func aBulkLoadIntoAPopulatedTenant() throws {
        let seed: UInt64 = 0x10AD
        var rng = SplitMix64(seed: seed)
        let ledgers = (1...9_000).map { Self.ledger($0, &rng) }
        let tallies = (1...5_000).map { Self.tally($0, &rng) }
        let loaded = try temporaryStore().createTenant(TenantInfo(name: "bulk"), schema: Self.schema)
        // Populated by ordinary writes first (counts, intervals, unique codes already stored)…
        try loaded.write { w in for l in ledgers[..<500] { try w.insert(l) } }
        try loaded.write { w in for x in tallies[..<500] { try w.insert(x) } }
        // …then appended in bulk above the stored ids (merging into stored counts), then
        // batches whose ids fall between stored ones (put where they belong, not appended).
        try loaded.bulkLoad(Array(ledgers[2_000..<6_000]), batchSize: 2_000)
        try loaded.bulkLoad(Array(ledgers[500..<2_000]), batchSize: 2_000)
        try loaded.bulkLoad(Array(ledgers[6_000...]), batchSize: 3_000)
        try loaded.bulkLoad(Array(tallies[1_000...]), batchSize: 2_000)
        try loaded.bulkLoad(Array(tallies[500..<1_000]), batchSize: 2_000)
        let oracle = try Self.insertedOneByOne(ledgers, tallies, name: "populatedoracle")
        let (differences, _) = try Self.differences(loaded, oracle)
        #expect(differences.isEmpty, "seed \(seed): \(differences)")
        #expect(try loaded.verify().isConsistent, "seed \(seed)")
    }

    @Test func aFailedBatchLeavesNothingOfIt() throws {
        let seed: UInt64 = 0xBAD
        var rng = SplitMix64(seed: seed)
        var ledgers = (1...9_000).map { Self.ledger($0, &rng) }
        // A code held by a record of the first batch, on a record near the end of the second:
        // the unique index refuses it while the counting indexes of that batch are being loaded.
        ledgers[5_900].code = "c17"
        ledgers[16].code = "c17"
        let loaded = try temporaryStore().createTenant(TenantInfo(name: "bulk"), schema: Self.schema)
        let before = try loaded.read { try $0.lastChangeSequence() }
        do {
            try loaded.bulkLoad(ledgers, batchSize: 3_000)
            Issue.record("seed \(seed): the duplicate code was accepted")
        } catch let error as BulkLoadError {
            #expect(error.batch == 2 && error.recordsLoaded == 3_000, "seed \(seed): \(error)")
            guard case .uniqueViolation = error.underlying else { Issue.record("seed \(seed): \(error)"); return }
        }
        #expect(try loaded.read { try $0.recordCount(Ledger.self) } == 3_000)
        #expect(try loaded.read { try $0.lastChangeSequence() } == before + 1)
        let oracle = try Self.insertedOneByOne(Array(ledgers[..<3_000]), [], name: "failedoracle")
        let (differences, _) = try Self.differences(loaded, oracle)
        #expect(differences.isEmpty, "seed \(seed): \(differences)")
        #expect(try loaded.verify().isConsistent, "seed \(seed)")
        // The tenant takes the rest once the duplicate is gone.
        ledgers[5_900].code = "c5901"
        try loaded.bulkLoad(Array(ledgers[3_000...]), batchSize: 3_000)
        let full = try Self.insertedOneByOne(ledgers, [], name: "fulloracle")
        #expect(try Self.differences(loaded, full).differences.isEmpty, "seed \(seed)")
    }

    @Test func anIDStoredAlreadyFailsItsBatchBetweenStoredIDs() throws {
        let seed: UInt64 = 0x1D
        var rng = SplitMix64(seed: seed)
        let ledgers = (1...6_000).map { Self.ledger($0, &rng) }
        let loaded = try temporaryStore().createTenant(TenantInfo(name: "bulk"), schema: Self.schema)
        try loaded.bulkLoad(ledgers.filter { $0.id % 2 == 0 }, batchSize: 3_000)
        // Odd ids fall between the stored even ones; one even id among them is stored already.
        var odd = ledgers.filter { $0.id % 2 == 1 }
        odd.append(ledgers[2_999])
        #expect(throws: BulkLoadError.self) { try loaded.bulkLoad(odd, batchSize: 4_000) }
        #expect(try loaded.read { try $0.recordCount(Ledger.self) } == 3_000, "seed \(seed)")
        let oracle = try Self.insertedOneByOne(ledgers.filter { $0.id % 2 == 0 }, [], name: "evenoracle")
        #expect(try Self.differences(loaded, oracle).differences.isEmpty, "seed \(seed)")
        try loaded.bulkLoad(odd.dropLast(), batchSize: 4_000)
        let full = try Self.insertedOneByOne(ledgers, [], name: "alloracle")
        #expect(try Self.differences(loaded, full).differences.isEmpty, "seed \(seed)")
        #expect(try loaded.verify().isConsistent, "seed \(seed)")
    }
}
