import Foundation
import Testing
@testable import HosoStore

/// Applies random inserts, updates, upserts, deletes, failed writes and clock advances to a
/// tenant and to an in-memory model, and checks every index query against brute force over the model.
@Suite struct EngineModelTests {
    static let schema = Schema([Item.schema])
    static let tags = ["alpha", "beta", "gamma", "đèn"]
    static let base = Day(year: 2024, month: 1, day: 1)!.rawValue

    struct Model {
        var items: [RecordID: Item] = [:]
        var today: Int32
    }

    func randomItem(id: RecordID, _ rng: inout SplitMix64) -> Item {
        let start = Self.base + Int32.random(in: 0..<900, using: &rng)
        let end: Int32? = Bool.random(using: &rng) ? start + Int32.random(in: 1..<400, using: &rng) : nil
        let code: String? = Int.random(in: 0..<3, using: &rng) == 0 ? nil : "C\(Int.random(in: 0..<400, using: &rng))"
        return Item(id: id, group: Int64.random(in: -3..<5, using: &rng), tag: Self.tags[Int.random(in: 0..<Self.tags.count, using: &rng)],
                    code: code, start: start, end: end, amount: Int64.random(in: 1..<5, using: &rng))
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func randomOperationsMatchTheModel(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let clock = ManualClock(Day(rawValue: Self.base + 200))
        let store = try temporaryStore(clock)
        var tenant = try store.createTenant(TenantInfo(name: "t\(seed)"), schema: Self.schema)
        var model = Model(today: clock.day.rawValue)
        var expectedChanges: UInt64 = 1   // the creation fact
        for step in 0..<2500 {
            let op = Int.random(in: 0..<100, using: &rng)
            let id = RecordID.random(in: 1...300, using: &rng)
            if op < 3 {
                // Move the clock forward; the next write re-indexes "current" entries.
                clock.day = clock.day.adding(days: Int.random(in: 1..<60, using: &rng))
                try tenant.write { _ in }
                model.today = clock.day.rawValue
                expectedChanges += 1
            } else if op < 55 {
                let item = randomItem(id: id, &rng)
                let duplicate = item.code.flatMap { code in model.items.values.first { $0.code == code && $0.id != id } }
                let exists = model.items[id] != nil
                let mode = Int.random(in: 0..<3, using: &rng)
                do {
                    try tenant.write { txn in
                        switch mode {
                        case 0: try txn.insert(item)
                        case 1: try txn.update(item)
                        default: try txn.put(item)
                        }
                    }
                    #expect(duplicate == nil && (mode != 0 || !exists) && (mode != 1 || exists), "seed \(seed) step \(step): write should have failed")
                    model.items[id] = item
                    expectedChanges += 1
                } catch let error as HosoError {
                    switch error {
                    case .uniqueViolation(_, _, let existing, let new): #expect(existing == duplicate?.id && new == id)
                    case .recordAlreadyExists: #expect(mode == 0 && exists)
                    case .recordNotFound: #expect(mode == 1 && !exists)
                    default: Issue.record("seed \(seed) step \(step): unexpected \(error)")
                    }
                }
            } else if op < 70 {
                let deleted = try tenant.write { try $0.delete(Item.self, id: id) }
                #expect(deleted == (model.items[id] != nil))
                if deleted { model.items[id] = nil; expectedChanges += 1 }
            } else if op < 73 {
                // A transaction that throws half-way leaves nothing.
                struct Abort: Error {}
                var item = randomItem(id: 1000 + id, &rng)
                item.code = nil
                #expect(throws: Abort.self) { try tenant.write { txn in try txn.put(item); throw Abort() } }
            } else if op < 74 {
                // Reopen: everything must be read back from disk.
                tenant = try store.openTenant("t\(seed)", schema: Self.schema)
            }
            if step % 250 == 249 { try check(tenant, model, &rng, seed: seed, step: step) }
        }
        try check(tenant, model, &rng, seed: seed, step: -1)
        #expect(try tenant.read { try $0.lastChangeSequence() } == expectedChanges)
        // The change log reads as a gap-free feed in pages.
        var sequence: UInt64 = 0
        while case let page = try tenant.changes(after: sequence, limit: 97), !page.isEmpty {
            for c in page { #expect(c.sequence == sequence + 1); sequence = c.sequence }
        }
        #expect(sequence == expectedChanges)
    }

    func check(_ tenant: Tenant, _ model: Model, _ rng: inout SplitMix64, seed: UInt64, step: Int) throws {
        let items = Array(model.items.values)
        let context = "seed \(seed) step \(step)"
        try tenant.read { txn in
            #expect(try txn.today().rawValue == model.today, "\(context)")
            #expect(try txn.recordCount(Item.self) == items.count, "\(context)")
            // Records.
            var scanned: [Item] = []
            try txn.scan(Item.self) { scanned.append($0); return true }
            #expect(scanned == items.sorted { $0.id < $1.id }, "\(context): scan")
            // Value index by group, every group, and a prefix range over tags.
            for g in Int64(-3)..<5 {
                var ids: [RecordID] = []
                try txn.ids(in: Item.byGroup, .exactly([.int(g)])) { _, id in ids.append(id); return true }
                #expect(ids == items.filter { $0.group == g }.map(\.id).sorted(), "\(context): group \(g)")
            }
            for tag in Self.tags {
                var ids: [RecordID] = []
                try txn.ids(in: Item.byTagGroup, .prefix([.string(tag)])) { _, id in ids.append(id); return true }
                let expected = items.filter { $0.tag == tag }.sorted { ($0.group, $0.id) < ($1.group, $1.id) }.map(\.id)
                #expect(ids == expected, "\(context): tag \(tag)")
                // Range between groups -1 and 2 (half-open).
                var ranged: [RecordID] = []
                try txn.ids(in: Item.byTagGroup, .between([.string(tag), -1], [.string(tag), 2])) { _, id in ranged.append(id); return true }
                #expect(ranged == items.filter { $0.tag == tag && (-1..<2).contains($0.group) }
                    .sorted { ($0.group, $0.id) < ($1.group, $1.id) }.map(\.id), "\(context): range")
            }
            // Paging with continuations gives the same list as one pass.
            var all: [RecordID] = []
            try txn.ids(in: Item.byGroup) { _, id in all.append(id); return true }
            var paged: [RecordID] = []
            var token: Continuation? = nil
            repeat {
                let text = token?.description
                token = try txn.ids(in: Item.byGroup, after: text.flatMap(Continuation.init), limit: 7) { _, id in paged.append(id); return true }
            } while token != nil
            #expect(paged == all, "\(context): paging")
            // Unique index.
            for code in Set(items.compactMap(\.code)) {
                #expect(try txn.lookup(Item.byCode, [.string(code)]) == items.first { $0.code == code }?.id, "\(context): code \(code)")
            }
            #expect(try txn.lookup(Item.byCode, ["no such code"]) == nil)
            // Count index and a prefix rollup.
            for g in Int64(-3)..<5 {
                for tag in Self.tags {
                    #expect(try txn.count(Item.perGroupTag, [.int(g), .string(tag)]) == Int64(items.filter { $0.group == g && $0.tag == tag }.count), "\(context)")
                }
                #expect(try txn.countSum(Item.perGroupTag, .prefix([.int(g)])) == Int64(items.filter { $0.group == g }.count), "\(context)")
            }
            // Dated counts over random ranges, by subgroup.
            for _ in 0..<25 {
                let a = Self.base + Int32.random(in: -30..<950, using: &rng)
                let b = a + Int32.random(in: 0..<500, using: &rng)
                let g = Int64.random(in: -3..<5, using: &rng)
                let got = try txn.datedCounts(Item.perDay, group: [.int(g)], in: DayRange(Day(rawValue: a), Day(rawValue: b)))
                var expected: [Tuple: Int64] = [:]
                for i in items where i.group == g && i.start >= a && i.start < b { expected[[.string(i.tag)], default: 0] += i.amount }
                #expect(got == expected, "\(context): dated \(g) \(a)..<\(b)")
            }
            // Interval index: on a day, and by start and end edge.
            for _ in 0..<25 {
                let d = Self.base + Int32.random(in: -10..<1300, using: &rng)
                let tag = Self.tags[Int.random(in: 0..<Self.tags.count, using: &rng)]
                var on: [RecordID] = []
                try txn.intervals(Item.spans, .prefix([.string(tag)]), on: Day(rawValue: d)) { on.append($0.id) }
                #expect(on.sorted() == items.filter { $0.tag == tag && $0.isActive(on: d) }.map(\.id).sorted(), "\(context): on \(d)")
                let range = DayRange(Day(rawValue: d), Day(rawValue: d + Int32.random(in: 0..<200, using: &rng)))
                var started: [RecordID] = [], ended: [RecordID] = []
                try txn.intervals(Item.spans, .prefix([.string(tag)]), edge: .start, in: range) { started.append($0.id) }
                try txn.intervals(Item.spans, .prefix([.string(tag)]), edge: .end, in: range) { ended.append($0.id) }
                #expect(started.sorted() == items.filter { $0.tag == tag && range.contains(Day(rawValue: $0.start)) }.map(\.id).sorted(), "\(context)")
                #expect(ended.sorted() == items.filter { $0.tag == tag && $0.end.map { range.contains(Day(rawValue: $0)) } == true }.map(\.id).sorted(), "\(context)")
            }
            // Clock-dependent index: active as of the tenant's day.
            var active: [RecordID] = []
            try txn.ids(in: Item.activeNow, .exactly([1])) { _, id in active.append(id); return true }
            #expect(active == items.filter { $0.isActive(on: model.today) }.map(\.id).sorted(), "\(context): active now")
        }
    }
}
