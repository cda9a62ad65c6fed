import Foundation
import Testing
@testable import HosoStore

/// A record type with running count indexes and dated count twins over the same entries: the
/// twins and a brute force over the records are the oracles.
struct Tally: StoredRecord, Hashable {
    var id: RecordID
    var group: Int64
    var kind: Int64
    var day: Int32
    var amount: Int64

    static let running = IndexDefinition("running", kind: .runningCount, key: "(group) by (kind)")
    static let runningMonths = IndexDefinition("running_months", kind: .runningCount, key: "(group) by (kind)", finest: .month)
    static let dated = IndexDefinition("dated", kind: .datedCount, key: "(group) by (kind)")
    static let datedMonths = IndexDefinition("dated_months", kind: .datedCount, key: "(group) by (kind)", finest: .month)
    static let schema = RecordSchema(Tally.self, name: "tally", indexes: [running, runningMonths, dated, datedMonths])

    func indexEntries(_ e: inout IndexEntries, context: IndexContext) {
        for index in [Self.running, Self.runningMonths, Self.dated, Self.datedMonths] {
            e.dated(index, group: [.int(group)], day: day, subgroup: [.int(kind)], amount)
        }
    }

    func encode(to w: inout RecordWriter) { w.write(1, group); w.write(2, kind); w.write(3, Int64(day)); w.write(4, amount) }

    init(id: RecordID, group: Int64, kind: Int64, day: Int32, amount: Int64) {
        self.id = id; self.group = group; self.kind = kind; self.day = day; self.amount = amount
    }

    init(id: RecordID, reader r: inout RecordReader) throws(HosoError) {
        self.init(id: id, group: 0, kind: 0, day: 0, amount: 0)
        while let f = try r.next() {
            switch f.number {
            case 1: group = try f.int64()
            case 2: kind = try f.int64()
            case 3: day = Int32(try f.int64())
            case 4: amount = try f.int64()
            default: break
            }
        }
    }
}

/// The same record type as an older build declared it: the index `running` kept as buckets.
struct OlderTally: StoredRecord, Hashable {
    var tally: Tally
    var id: RecordID { tally.id }
    static let running = IndexDefinition("running", kind: .datedCount, key: "(group) by (kind)")
    static let schema = RecordSchema(OlderTally.self, name: "tally", indexes: [running])
    func indexEntries(_ e: inout IndexEntries, context: IndexContext) {
        e.dated(Self.running, group: [.int(tally.group)], day: tally.day, subgroup: [.int(tally.kind)], tally.amount)
    }
    func encode(to w: inout RecordWriter) { tally.encode(to: &w) }
    init(_ tally: Tally) { self.tally = tally }
    init(id: RecordID, reader r: inout RecordReader) throws(HosoError) { tally = try Tally(id: id, reader: &r) }
}

@Suite struct RunningCountTests {
    static let epoch = DayBuckets.epoch
    static func day(_ y: Int, _ m: Int, _ d: Int) -> Int32 { Day(year: y, month: m, day: d)!.rawValue }

    /// Days spread over 1895–2030 (some before the epoch, which no range counts), most in a few
    /// busy months so that steps share years and months.
    static func randomDay(_ rng: inout SplitMix64) -> Int32 {
        switch Int.random(in: 0..<10, using: &rng) {
        case 0: return Int32.random(in: day(1895, 1, 1)...day(1905, 12, 31), using: &rng)
        case 1...3: return Int32.random(in: day(2024, 11, 20)...day(2025, 2, 10), using: &rng)
        default: return Int32.random(in: day(1990, 1, 1)...day(2030, 12, 31), using: &rng)
        }
    }

    static func randomRange(_ rng: inout SplitMix64) -> DayRange {
        let a = randomDay(&rng), b = randomDay(&rng)
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: return DayRange(.distantPast, Day(rawValue: b))                     // as-of
        case 1: return DayRange(Day(rawValue: a), .distantFuture)
        case 2: return DayRange(Day(rawValue: a), Day(rawValue: a + Int32.random(in: 0...40, using: &rng)))
        case 3: let c = Day(rawValue: a).civil                                      // a whole month or year
                let monthEnd = c.month == 12 ? Day(year: c.year + 1, month: 1, day: 1)! : Day(year: c.year, month: c.month + 1, day: 1)!
                return Bool.random(using: &rng) ? DayRange(Day(year: c.year, month: c.month, day: 1)!, monthEnd)
                    : DayRange(Day(year: c.year, month: 1, day: 1)!, Day(year: c.year + 1, month: 1, day: 1)!)
        default: return DayRange(Day(rawValue: min(a, b)), Day(rawValue: max(a, b)))
        }
    }

    /// Brute force: the amounts of the records of `group` (and `kind`) on days of `range` the
    /// indexes count (from the epoch on).
    static func expected(_ records: [RecordID: Tally], group: Int64, kind: Int64?, _ range: DayRange) -> Int64 {
        records.values.filter { r in
            r.group == group && (kind.map { r.kind == $0 } ?? true) && r.day >= epoch && range.contains(Day(rawValue: r.day))
        }.reduce(0) { $0 + $1.amount }
    }

    static func check(_ t: Tenant, _ records: [RecordID: Tally], _ rng: inout SplitMix64, seed: UInt64, ranges: Int) throws {
        try t.read { r in
            for _ in 0..<ranges {
                let range = randomRange(&rng)
                for group in Int64(0)..<3 {
                    for kind in Int64(0)..<4 {
                        let n = try r.datedCount(Tally.running, group: [.int(group)], subgroup: [.int(kind)], in: range)
                        #expect(n == expected(records, group: group, kind: kind, range), "seed \(seed), group \(group), kind \(kind), \(range)")
                        #expect(n == (try r.datedCount(Tally.dated, group: [.int(group)], subgroup: [.int(kind)], in: range)), "seed \(seed)")
                        // One group minus another, in one call, on every layout; months only hand the same days back.
                        let other = (group + 1) % 3
                        let difference = expected(records, group: group, kind: kind, range) - expected(records, group: other, kind: kind, range)
                        for index in [Tally.running, Tally.dated] {
                            var none: [DayRange] = []
                            #expect(try r.datedCountDifference(index, group: KeyBytes([.int(group)]), minus: KeyBytes([.int(other)]),
                                                               subgroup: KeyBytes([.int(kind)]), in: range, remainder: &none) == difference
                                    && none.isEmpty, "seed \(seed), \(index.name), group \(group) - \(other), kind \(kind), \(range)")
                        }
                        for index in [Tally.runningMonths, Tally.datedMonths] {
                            var rest: [DayRange] = [], single: [DayRange] = []
                            let d = try r.datedCountDifference(index, group: KeyBytes([.int(group)]), minus: KeyBytes([.int(other)]),
                                                               subgroup: KeyBytes([.int(kind)]), in: range, remainder: &rest)
                            let a = try r.datedCount(index, group: [.int(group)], subgroup: [.int(kind)], in: range, remainder: &single)
                            var ignored: [DayRange] = []
                            let b = try r.datedCount(index, group: [.int(other)], subgroup: [.int(kind)], in: range, remainder: &ignored)
                            #expect(d == a - b && rest == single, "seed \(seed), \(index.name), group \(group) - \(other), \(range)")
                        }
                    }
                    #expect(try r.datedCount(Tally.running, group: [.int(group)], in: range) == expected(records, group: group, kind: nil, range),
                            "seed \(seed), group \(group), \(range)")
                    #expect(try r.datedCounts(Tally.running, group: [.int(group)], in: range)
                            == (try r.datedCounts(Tally.dated, group: [.int(group)], in: range)), "seed \(seed), group \(group), \(range)")
                    // Months only: the same total and the same days handed back.
                    var rest: [DayRange] = [], twinRest: [DayRange] = []
                    let months = try r.datedCounts(Tally.runningMonths, group: [.int(group)], in: range, remainder: &rest)
                    let twin = try r.datedCounts(Tally.datedMonths, group: [.int(group)], in: range, remainder: &twinRest)
                    #expect(months == twin && rest == twinRest, "seed \(seed), group \(group), \(range): \(rest) vs \(twinRest)")
                    var codeRest: [DayRange] = []
                    let byCode = try r.datedCountsByCode(Tally.running, group: KeyBytes([.int(group)]), in: range, remainder: &codeRest)
                    #expect(byCode.filter { $0.value != 0 } == Dictionary(uniqueKeysWithValues: (try r.datedCounts(Tally.dated, group: [.int(group)], in: range))
                        .map { ($0.key.elements[0].intValue!, $0.value) }), "seed \(seed)")
                }
            }
        }
    }

    @Test(arguments: [UInt64(0x5EED_0001), 0x5EED_0002])
    func randomWritesMatchBruteForceTheBucketIndexAndARebuild(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let t = try temporaryStore().createTenant(TenantInfo(name: "t"), schema: Schema([Tally.schema]))
        var records: [RecordID: Tally] = [:]
        func random(_ id: RecordID) -> Tally {
            Tally(id: id, group: Int64.random(in: 0..<3, using: &rng), kind: Int64.random(in: 0..<4, using: &rng),
                  day: Self.randomDay(&rng), amount: Int64.random(in: -2...5, using: &rng))
        }
        // A bulk load, then transactions of inserts, backdated and forward moves, deletes.
        let loaded = (1...400).map { random(RecordID($0)) }
        try t.bulkLoad(loaded, batchSize: 150)
        for r in loaded { records[r.id] = r }
        try Self.check(t, records, &rng, seed: seed, ranges: 40)
        var next: RecordID = 401
        for _ in 0..<60 {
            try t.write { w in
                for _ in 0..<Int.random(in: 1...12, using: &rng) {
                    switch Int.random(in: 0..<4, using: &rng) {
                    case 0:
                        let r = random(next); next += 1
                        try w.insert(r); records[r.id] = r
                    case 1, 2:
                        guard var r = records.values.randomElement(using: &rng) else { continue }
                        r.day = Bool.random(using: &rng) ? r.day - Int32.random(in: 1...800, using: &rng) : Self.randomDay(&rng)
                        if Bool.random(using: &rng) { r.kind = Int64.random(in: 0..<4, using: &rng) }
                        try w.update(r); records[r.id] = r
                    default:
                        guard let r = records.values.randomElement(using: &rng) else { continue }
                        _ = try w.delete(Tally.self, id: r.id); records[r.id] = nil
                    }
                }
                // A read inside the write sees its pending changes.
                let range = DayRange(.distantPast, .distantFuture)
                #expect(try w.datedCount(Tally.running, group: [0], in: range) == Self.expected(records, group: 0, kind: nil, range), "seed \(seed)")
            }
        }
        try Self.check(t, records, &rng, seed: seed, ranges: 60)
        let report = try t.verify()
        #expect(report.differences.isEmpty, "seed \(seed): \(report)")
    }

    @Test func keysAreKeptOnlyWhereATotalChanges() throws {
        let t = try temporaryStore().createTenant(TenantInfo(name: "t"), schema: Schema([Tally.schema]))
        // One record on 10 March 2020: year 2021 on (1), April–December 2020 (1 key), 11 March on (1).
        try t.write { try $0.insert(Tally(id: 1, group: 0, kind: 1, day: Self.day(2020, 3, 10), amount: 4)) }
        #expect(try t.read { try $0.size(of: Tally.running).entries } == 3)
        #expect(try t.read { try $0.size(of: Tally.runningMonths).entries } == 2)
        // A second record on the last day of a year adds only a year key (2020 on).
        try t.write { try $0.insert(Tally(id: 2, group: 0, kind: 1, day: Self.day(2019, 12, 31), amount: 1)) }
        #expect(try t.read { try $0.size(of: Tally.running).entries } == 4)
        // Cancelling it removes that key again; so does moving the first one before the epoch.
        try t.write { try $0.update(Tally(id: 2, group: 0, kind: 1, day: Self.day(2019, 12, 31), amount: 0)) }
        #expect(try t.read { try $0.size(of: Tally.running).entries } == 3)
        try t.write { try $0.update(Tally(id: 1, group: 0, kind: 1, day: Self.day(1899, 3, 10), amount: 4)) }
        #expect(try t.read { try $0.size(of: Tally.running).entries } == 0)
        #expect(try t.read { try $0.datedCount(Tally.running, group: [0], in: DayRange(.distantPast, .distantFuture)) } == 0)
    }

    @Test func anIndexBuiltInTheOlderLayoutIsRebuiltOnOpen() throws {
        let store = try temporaryStore()
        var rng = SplitMix64(seed: 0x01D_1A7)
        let records = (1...300).map {
            Tally(id: RecordID($0), group: Int64.random(in: 0..<3, using: &rng), kind: Int64.random(in: 0..<4, using: &rng),
                  day: Self.randomDay(&rng), amount: Int64.random(in: 1...3, using: &rng))
        }
        do {
            let old = try store.createTenant(TenantInfo(name: "old"), schema: Schema([OlderTally.schema]))
            try old.bulkLoad(records.map(OlderTally.init))
            #expect(try old.read { try $0.size(of: OlderTally.running).entries } > 0)
        }
        let t = try store.openTenant("old", schema: Schema([Tally.schema]))
        var byID: [RecordID: Tally] = [:]
        for r in records { byID[r.id] = r }
        try Self.check(t, byID, &rng, seed: 0x01D_1A7, ranges: 40)
        #expect(try t.verify().differences.isEmpty)
        let built = try t.changes(after: 0).filter { $0.operation == .buildIndex }.map { $0.detail ?? "" }
        #expect(built.contains("built index running over 300 records"), "\(built)")
        // Opened again: nothing to rebuild.
        _ = try store.openTenant("old", schema: Schema([Tally.schema]))
        #expect(try t.changes(after: 0).filter { $0.operation == .buildIndex }.count == built.count)
    }
}
