@testable import HosoStore

/// A second embedder record type: integer subgroups (so ``TenantReader/datedCountsByCode(_:group:in:remainder:)``
/// has something to count), a dated index of months only, and a transition index declared by kind.
struct Ledger: StoredRecord, Hashable {
    var id: RecordID
    var group: Int64
    var kind: Int64
    var code: String?
    var start: Int32
    var end: Int32?
    var amount: Int64

    static let byGroup = IndexDefinition("group", kind: .value, key: "(group)")
    static let byCode = IndexDefinition("code", kind: .unique, key: "(code)")
    static let perGroupKind = IndexDefinition("per_group_kind", kind: .count, key: "(group, kind)")
    static let perDay = IndexDefinition("per_day", kind: .datedCount, key: "(group) by (kind)")
    static let perMonth = IndexDefinition("per_month", kind: .datedCount, key: "(group) by (kind)", finest: .month)
    static let spans = IndexDefinition("spans", kind: .interval, key: "(group)")
    static let openNow = IndexDefinition("open_now", kind: .value, key: "(open) now")
    static let changes = IndexDefinition("changes", kind: .transition, key: "(day)")
    static let schema = RecordSchema(Ledger.self, name: "ledger",
                                     indexes: [byGroup, byCode, perGroupKind, perDay, perMonth, spans, openNow, changes])

    func isOpen(on day: Int32) -> Bool { start <= day && (end.map { day < $0 } ?? true) }

    func indexEntries(_ e: inout IndexEntries, context: IndexContext) {
        e.value(Self.byGroup, [.int(group)])
        if let code { e.value(Self.byCode, [.string(code)]) }
        e.count(Self.perGroupKind, [.int(group), .int(kind)])
        e.dated(Self.perDay, group: [.int(group)], day: start, subgroup: [.int(kind)], amount)
        e.dated(Self.perMonth, group: [.int(group)], day: start, subgroup: [.int(kind)], amount)
        e.interval(Self.spans, group: [.int(group)], start: start, end: end ?? .max)
        e.value(Self.openNow, [isOpen(on: context.today) ? 1 : 0])
        e.value(Self.changes, [.int(Int64(start))])
        if let end { e.value(Self.changes, [.int(Int64(end))]) }
    }

    func encode(to w: inout RecordWriter) {
        w.write(1, group); w.write(2, kind); w.write(3, code); w.write(4, Int64(start)); w.write(5, end.map(Int64.init)); w.write(6, amount)
    }

    init(id: RecordID, group: Int64, kind: Int64, code: String?, start: Int32, end: Int32?, amount: Int64) {
        self.id = id; self.group = group; self.kind = kind; self.code = code; self.start = start; self.end = end; self.amount = amount
    }

    init(id: RecordID, reader r: inout RecordReader) throws(HosoError) {
        self.init(id: id, group: 0, kind: 0, code: nil, start: 0, end: nil, amount: 0)
        while let f = try r.next() {
            switch f.number {
            case 1: group = try f.int64()
            case 2: kind = try f.int64()
            case 3: code = try f.string()
            case 4: start = Int32(try f.int64())
            case 5: end = Int32(try f.int64())
            case 6: amount = try f.int64()
            default: break
            }
        }
    }
}
