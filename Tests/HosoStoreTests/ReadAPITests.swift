import Foundation
import Testing
@testable import HosoStore

/// The read API of both handles, so one generic probe runs on a reader and on a writer.
protocol ReadAPI: ~Copyable {
    func info() throws -> TenantInfo
    func today() throws -> Day
    func setting(_ name: String) throws -> [UInt8]?
    func lastChangeSequence() throws -> UInt64
    func changes(after sequence: UInt64, limit: Int) throws -> [ChangeRecord]
    func readFacts(after sequence: UInt64, limit: Int) throws -> [ChangeRecord]
    func get<R: StoredRecord>(_ type: R.Type, id: RecordID) throws -> R?
    func withBytes<R: StoredRecord, T>(of type: R.Type, id: RecordID, _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T?
    func contains<R: StoredRecord>(_ type: R.Type, id: RecordID) throws -> Bool
    func recordCount<R: StoredRecord>(_ type: R.Type) throws -> Int
    func lastID<R: StoredRecord>(_ type: R.Type) throws -> RecordID
    func storedRecordCount<R: StoredRecord>(_ type: R.Type) throws -> Int
    func lookupValue(_ value: String) throws -> String
    func isSealed() throws -> Bool
    func scan<R: StoredRecord>(_ type: R.Type, after continuation: Continuation?, limit: Int?, _ body: (R) throws -> Bool) throws -> Continuation?
    func scanBytes<R: StoredRecord>(_ type: R.Type, after continuation: Continuation?, limit: Int?,
                                    _ body: (RecordID, UnsafeRawBufferPointer) throws -> Bool) throws -> Continuation?
    func scan<R: StoredRecord>(_ type: R.Type, where filter: FieldFilter, after continuation: Continuation?, limit: Int?,
                               rejected: ((RecordID) throws -> Void)?, _ body: (R) throws -> Bool) throws -> Continuation?
    func count<R: StoredRecord>(_ type: R.Type, where filter: FieldFilter, examined: (([RecordID]) throws -> Void)?) throws -> Int
    func ids(in index: IndexDefinition, _ range: KeyRange, after continuation: Continuation?, limit: Int?,
             _ body: (UnsafeRawBufferPointer, RecordID) throws -> Bool) throws -> Continuation?
    func records<R: StoredRecord>(_ type: R.Type, in index: IndexDefinition, _ range: KeyRange, after continuation: Continuation?,
                                  limit: Int?, _ body: (R) throws -> Bool) throws -> Continuation?
    func entryCount(in index: IndexDefinition, _ range: KeyRange) throws -> Int
    func lookup(_ index: IndexDefinition, _ key: Tuple) throws -> RecordID?
    func count(_ index: IndexDefinition, _ key: KeyBytes) throws -> Int64
    func count(_ index: IndexDefinition, _ key: Tuple) throws -> Int64
    func countSum(_ index: IndexDefinition, _ range: KeyRange) throws -> Int64
    func counts(_ index: IndexDefinition, _ range: KeyRange, _ body: (Tuple, Int64) throws -> Void) throws
    func datedCounts(_ index: IndexDefinition, group: Tuple, in range: DayRange) throws -> [Tuple: Int64]
    func datedCounts(_ index: IndexDefinition, group: Tuple, in range: DayRange, remainder: inout [DayRange]) throws -> [Tuple: Int64]
    func datedCount(_ index: IndexDefinition, group: Tuple, subgroup: Tuple?, in range: DayRange) throws -> Int64
    func datedCount(_ index: IndexDefinition, group: Tuple, subgroup: Tuple?, in range: DayRange, remainder: inout [DayRange]) throws -> Int64
    func datedCountsByCode(_ index: IndexDefinition, group: KeyBytes, in range: DayRange, remainder: inout [DayRange]) throws -> [Int64: Int64]
    func datedCount(_ index: IndexDefinition, group: KeyBytes, subgroup: KeyBytes, in range: DayRange, remainder: inout [DayRange]) throws -> Int64
    func datedCountDifference(_ index: IndexDefinition, group: KeyBytes, minus other: KeyBytes, subgroup: KeyBytes, in range: DayRange,
                              remainder: inout [DayRange]) throws -> Int64
    func intervals(_ index: IndexDefinition, _ groups: KeyRange, on day: Day, _ body: (IntervalHit) throws -> Void) throws
    func intervals(_ index: IndexDefinition, _ groups: KeyRange, edge: IntervalEdge, in range: DayRange, _ body: (IntervalHit) throws -> Void) throws
    func intervalCount(_ index: IndexDefinition, group: KeyBytes, edge: IntervalEdge, in range: DayRange) throws -> Int
    func size(of index: IndexDefinition) throws -> IndexSize
}

extension TenantReader: ReadAPI {}
extension TenantWriter: ReadAPI {}

/// Every public read method, asked inside a write after changes that are still pending, gives
/// the answer the committed tenant gives; and every public read method is in that list.
@Suite struct ReadAPITests {
    static let schema = Schema([Ledger.schema])
    static let base = Day(year: 2025, month: 1, day: 1)!.rawValue
    static let june = DayRange(Day(year: 2025, month: 6, day: 1)!, Day(year: 2025, month: 7, day: 1)!)
    static let year = DayRange(Day(year: 2025, month: 1, day: 1)!, Day(year: 2026, month: 1, day: 1)!)
    /// Days 20 May … 9 July: partial months at both ends around June, for the index of months.
    static let partial = DayRange(Day(year: 2025, month: 5, day: 20)!, Day(year: 2025, month: 7, day: 10)!)

    static func ledger(_ id: Int) -> Ledger {
        let start = base + Int32(id * 7 % 300)
        return Ledger(id: RecordID(id), group: Int64(id % 3), kind: Int64(id % 4), code: "c\(id)", start: start,
                      end: id % 2 == 0 ? start + Int32(30 + id % 90) : nil, amount: Int64(1 + id % 5))
    }

    /// The change made before each probe, kept pending: inserts, an update, a delete, a setting
    /// and a clock advance, touching every index of the group and month probed.
    static func change(_ w: borrowing TenantWriter) throws {
        let inJune = Day(year: 2025, month: 6, day: 15)!.rawValue
        try w.insert(Ledger(id: 100, group: 1, kind: 2, code: "new", start: inJune, end: inJune + 40, amount: 7))
        try w.insert(Ledger(id: 101, group: 1, kind: 3, code: nil, start: inJune + 2, end: nil, amount: 2))
        var moved = ledger(4)
        moved.group = 1; moved.kind = 2; moved.start = inJune - 3; moved.amount = 9
        try w.update(moved)
        _ = try w.delete(Ledger.self, id: 7)
        try w.logRead(of: Ledger.self, ids: [4, 100], what: "probe")
        try w.setSetting("s", [2, 3])
        try w.advanceDay(to: Day(rawValue: base + 200))
    }

    /// One probe per public read method, by its signature, answering as text.
    static func probes<Rd: ReadAPI & ~Copyable>(_: Rd.Type) -> [(String, (borrowing Rd) throws -> String)] {
        let g1: Tuple = [1]
        let group1 = KeyBytes(Tuple([1]))
        return [
            ("info()", { r in "\(try r.info().name)" }),
            ("today()", { r in "\(try r.today())" }),
            ("setting(_:String)", { r in "\(try r.setting("s") ?? [])" }),
            ("lastChangeSequence()", { r in "\(try r.lastChangeSequence())" }),
            ("changes(after:UInt64,limit:Int)", { r in
                try r.changes(after: 0, limit: 1000).map { "\($0.sequence) \($0.operation) \($0.recordIDs) \($0.payload?.count ?? 0) \($0.payloads.count)" }
                    .joined(separator: "; ")
            }),
            ("readFacts(after:UInt64,limit:Int)", { r in
                try r.readFacts(after: 0, limit: 1000).map { "\($0.sequence) \($0.operation) \($0.recordIDs) \($0.detail ?? "")" }.joined(separator: "; ")
            }),
            ("get(_:R.Type,id:RecordID)", { r in "\(String(describing: try r.get(Ledger.self, id: 4)))" }),
            ("withBytes(of:R.Type,id:RecordID,_:closure)", { r in "\(try r.withBytes(of: Ledger.self, id: 4) { Array($0) } ?? [])" }),
            ("contains(_:R.Type,id:RecordID)", { r in "\(try r.contains(Ledger.self, id: 100)) \(try r.contains(Ledger.self, id: 7))" }),
            ("recordCount(_:R.Type)", { r in "\(try r.recordCount(Ledger.self))" }),
            ("lastID(_:R.Type)", { r in "\(try r.lastID(Ledger.self))" }),
            ("storedRecordCount(_:R.Type)", { r in "\(try r.storedRecordCount(Ledger.self))" }),
            ("lookupValue(_:String)", { r in try r.lookupValue("g1") }),
            ("isSealed()", { r in "\(try r.isSealed())" }),
            ("scan(_:R.Type,after:Continuation?,limit:Int?,_:closure)", { r in
                var out: [RecordID] = []
                _ = try r.scan(Ledger.self, after: nil, limit: nil) { out.append($0.id); return true }
                return "\(out)"
            }),
            ("scanBytes(_:R.Type,after:Continuation?,limit:Int?,_:closure)", { r in
                var out: [Int] = []
                _ = try r.scanBytes(Ledger.self, after: nil, limit: nil) { _, b in out.append(b.count); return true }
                return "\(out)"
            }),
            ("scan(_:R.Type,where:FieldFilter,after:Continuation?,limit:Int?,rejected:closure,_:closure)", { r in
                var out: [RecordID] = [], rejected = 0
                _ = try r.scan(Ledger.self, where: FieldFilter(.integer(1, .equal, 1)), after: nil, limit: nil, rejected: { _ in rejected += 1 }) {
                    out.append($0.id); return true
                }
                return "\(out) \(rejected)"
            }),
            ("count(_:R.Type,where:FieldFilter,examined:closure)", { r in
                var ids: [RecordID] = []
                let n = try r.count(Ledger.self, where: FieldFilter(.integer(1, .equal, 1))) { ids += $0 }
                return "\(try r.count(Ledger.self, where: FieldFilter(.any([.integer(1, .equal, 1), .integer(2, .equal, 3)])), examined: nil)) \(n) \(ids)"
            }),
            ("ids(in:IndexDefinition,_:KeyRange,after:Continuation?,limit:Int?,_:closure)", { r in
                var out: [RecordID] = []
                _ = try r.ids(in: Ledger.byGroup, .exactly(g1), after: nil, limit: nil) { _, id in out.append(id); return true }
                return "\(out)"
            }),
            ("records(_:R.Type,in:IndexDefinition,_:KeyRange,after:Continuation?,limit:Int?,_:closure)", { r in
                var out: [Int64] = []
                _ = try r.records(Ledger.self, in: Ledger.openNow, .exactly([1]), after: nil, limit: nil) { out.append($0.amount); return true }
                return "\(out)"
            }),
            ("entryCount(in:IndexDefinition,_:KeyRange)", { r in "\(try r.entryCount(in: Ledger.byGroup, .exactly(g1)))" }),
            ("lookup(_:IndexDefinition,_:Tuple)", { r in "\(String(describing: try r.lookup(Ledger.byCode, ["new"])))" }),
            ("count(_:IndexDefinition,_:KeyBytes)", { r in "\(try r.count(Ledger.perGroupKind, KeyBytes(Tuple([1, 2]))))" }),
            ("count(_:IndexDefinition,_:Tuple)", { r in "\(try r.count(Ledger.perGroupKind, [1, 2]))" }),
            ("countSum(_:IndexDefinition,_:KeyRange)", { r in "\(try r.countSum(Ledger.perGroupKind, .prefix(g1)))" }),
            ("counts(_:IndexDefinition,_:KeyRange,_:closure)", { r in
                var out: [String] = []
                try r.counts(Ledger.perGroupKind, .all) { k, n in out.append("\(k)=\(n)") }
                return out.joined(separator: " ")
            }),
            ("datedCounts(_:IndexDefinition,group:Tuple,in:DayRange)", { r in
                "\(try r.datedCounts(Ledger.perDay, group: g1, in: june).sorted { $0.value < $1.value })"
            }),
            ("datedCounts(_:IndexDefinition,group:Tuple,in:DayRange,remainder:[DayRange])", { r in
                var days: [DayRange] = []
                let c = try r.datedCounts(Ledger.perMonth, group: g1, in: partial, remainder: &days)
                return "\(c.sorted { $0.value < $1.value }) \(days)"
            }),
            ("datedCount(_:IndexDefinition,group:Tuple,subgroup:Tuple?,in:DayRange)", { r in
                "\(try r.datedCount(Ledger.perDay, group: g1, subgroup: [2], in: year))"
            }),
            ("datedCount(_:IndexDefinition,group:Tuple,subgroup:Tuple?,in:DayRange,remainder:[DayRange])", { r in
                var days: [DayRange] = []
                return "\(try r.datedCount(Ledger.perMonth, group: g1, subgroup: nil, in: year, remainder: &days)) \(days)"
            }),
            ("datedCount(_:IndexDefinition,group:KeyBytes,subgroup:KeyBytes,in:DayRange,remainder:[DayRange])", { r in
                var days: [DayRange] = []
                let tuple = try r.datedCount(Ledger.perMonth, group: g1, subgroup: [2], in: year, remainder: &days)
                var again: [DayRange] = []
                let bytes = try r.datedCount(Ledger.perMonth, group: group1, subgroup: KeyBytes(Tuple([2])), in: year, remainder: &again)
                guard bytes == tuple, again == days else {
                    throw HosoError.unknownSchemaElement("datedCount with key bytes: \(bytes) \(again) ≠ the tuple form's \(tuple) \(days)")
                }
                return "\(bytes) \(again)"
            }),
            ("datedCountDifference(_:IndexDefinition,group:KeyBytes,minus:KeyBytes,subgroup:KeyBytes,in:DayRange,remainder:[DayRange])", { r in
                var days: [DayRange] = [], a: [DayRange] = [], b: [DayRange] = []
                let d = try r.datedCountDifference(Ledger.perMonth, group: group1, minus: KeyBytes(Tuple([2])), subgroup: KeyBytes(Tuple([2])),
                                                   in: partial, remainder: &days)
                let x = try r.datedCount(Ledger.perMonth, group: g1, subgroup: [2], in: partial, remainder: &a)
                let y = try r.datedCount(Ledger.perMonth, group: [2], subgroup: [2], in: partial, remainder: &b)
                guard d == x - y, days == a, a == b else {
                    throw HosoError.unknownSchemaElement("datedCountDifference: \(d) \(days) ≠ \(x) - \(y) \(a)")
                }
                return "\(d) \(days)"
            }),
            ("datedCountsByCode(_:IndexDefinition,group:KeyBytes,in:DayRange,remainder:[DayRange])", { r in
                var days: [DayRange] = []
                return "\(try r.datedCountsByCode(Ledger.perMonth, group: group1, in: year, remainder: &days).sorted { $0.key < $1.key })"
            }),
            ("intervals(_:IndexDefinition,_:KeyRange,on:Day,_:closure)", { r in
                var out: [RecordID] = []
                try r.intervals(Ledger.spans, .all, on: Day(year: 2025, month: 6, day: 20)!) { out.append($0.id) }
                return "\(out)"
            }),
            ("intervals(_:IndexDefinition,_:KeyRange,edge:IntervalEdge,in:DayRange,_:closure)", { r in
                var out: [RecordID] = []
                try r.intervals(Ledger.spans, .prefix(g1), edge: .start, in: june) { out.append($0.id) }
                return "\(out)"
            }),
            ("intervalCount(_:IndexDefinition,group:KeyBytes,edge:IntervalEdge,in:DayRange)", { r in
                "\(try r.intervalCount(Ledger.spans, group: group1, edge: .start, in: year))"
            }),
            ("size(of:IndexDefinition)", { r in "\(try r.size(of: Ledger.perGroupKind).entries) \(try r.size(of: Ledger.byGroup).entries)" }),
        ]
    }

    /// Reads whose answer the change cannot move.
    static let unaffected: Set<String> = ["info()", "lookupValue(_:String)", "isSealed()"]

    struct Abort: Error {}

    @Test func everyReadInsideAWriteSeesThePendingWrites() throws {
        let store = try temporaryStore(ManualClock(Day(rawValue: Self.base)))
        let t = try store.createTenant(TenantInfo(name: "t"), schema: Self.schema)
        try t.setSetting("s", [1])
        try t.bulkLoad((1...60).map(Self.ledger))
        let before = try t.read { r in try Self.probes(TenantReader.self).map { ($0.0, try $0.1(r)) } }
        // Each probe in its own write, right after the change, through the writer and through
        // its reader; the write is then abandoned, so every probe starts from the same tenant.
        var throughWriter: [String: String] = [:], throughReader: [String: String] = [:]
        for (name, probe) in Self.probes(TenantWriter.self) {
            #expect(throws: Abort.self) {
                try t.write { w in try Self.change(w); throughWriter[name] = try probe(w); throw Abort() }
            }
        }
        for (name, probe) in Self.probes(TenantReader.self) {
            #expect(throws: Abort.self) {
                try t.write { w in try Self.change(w); throughReader[name] = try probe(w.reader); throw Abort() }
            }
        }
        #expect(try t.read { try $0.lastChangeSequence() } == 3)
        try t.write { w in try Self.change(w) }
        let after = try t.read { r in try Self.probes(TenantReader.self).map { ($0.0, try $0.1(r)) } }
        for ((name, old), (_, committed)) in zip(before, after) {
            #expect(throughWriter[name] == committed, "\(name) on the writer: \(throughWriter[name] ?? "-") inside the write, \(committed) committed")
            #expect(throughReader[name] == committed, "\(name) on the writer's reader: \(throughReader[name] ?? "-") inside the write, \(committed) committed")
            if !Self.unaffected.contains(name) { #expect(old != committed, "\(name): the change does not show in this probe, so it tests nothing") }
        }
    }

    @Test func everyPublicReadMethodIsProbedAndOnTheWriter() throws {
        let readAPI = try SourceAPI.publicMethods(of: "TenantReader")
        #expect(readAPI.count >= 29, "the source scan found \(readAPI.count) methods: \(readAPI)")
        let probed = Set(Self.probes(TenantReader.self).map(\.0))
        let unprobed = Set(readAPI).subtracting(probed)
        #expect(unprobed.isEmpty, "public read methods without a probe in ReadAPITests.probes: \(unprobed.sorted())")
        #expect(probed.subtracting(readAPI).isEmpty, "probes of methods the reader does not declare: \(probed.subtracting(readAPI).sorted())")
        let writerAPI = Set(try SourceAPI.publicMethods(of: "TenantWriter"))
        let notOnWriter = Set(readAPI).subtracting(writerAPI)
        #expect(notOnWriter.isEmpty, "read methods the writer does not forward (add them to TenantWriter+Reading.swift): \(notOnWriter.sorted())")
    }
}
