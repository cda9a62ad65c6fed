import Foundation
@testable import HosoStore

/// A record type defined outside the engine (as an embedder would), exercising every index kind.
struct Item: StoredRecord, Hashable {
    var id: RecordID
    var group: Int64
    var tag: String
    var code: String?
    var start: Int32
    var end: Int32?
    var amount: Int64
    var note: String = ""

    static let byGroup = IndexDefinition("group", kind: .value)
    static let byTagGroup = IndexDefinition("tag_group", kind: .value)
    static let byCode = IndexDefinition("code", kind: .unique)
    static let perGroupTag = IndexDefinition("per_group_tag", kind: .count)
    static let perDay = IndexDefinition("per_day", kind: .datedCount)
    static let spans = IndexDefinition("spans", kind: .interval)
    static let activeNow = IndexDefinition("active_now", kind: .value)
    static let boundaries = IndexDefinition("boundaries", kind: .value)
    static let schema = RecordSchema(Item.self, name: "item", indexes: [byGroup, byTagGroup, byCode, perGroupTag, perDay, spans, activeNow, boundaries],
                                     transitionIndex: boundaries, maximumRecordSize: 4096)

    func isActive(on day: Int32) -> Bool { start <= day && (end.map { day < $0 } ?? true) }

    func indexEntries(_ e: inout IndexEntries, context: IndexContext) {
        e.value(Self.byGroup, [.int(group)])
        e.value(Self.byTagGroup, [.string(tag), .int(group)])
        if let code { e.value(Self.byCode, [.string(code)]) }
        e.count(Self.perGroupTag, [.int(group), .string(tag)])
        e.dated(Self.perDay, group: [.int(group)], day: start, subgroup: [.string(tag)], amount)
        e.interval(Self.spans, group: [.string(tag), .int(group)], start: start, end: end ?? .max)
        e.value(Self.activeNow, [isActive(on: context.today) ? 1 : 0])
        e.value(Self.boundaries, [.int(Int64(start))])
        if let end { e.value(Self.boundaries, [.int(Int64(end))]) }
    }

    func encode(to w: inout RecordWriter) {
        w.write(1, group); w.write(2, tag); w.write(3, code); w.write(4, Int64(start))
        w.write(5, end.map(Int64.init)); w.write(6, amount); w.write(7, note)
    }

    init(id: RecordID, group: Int64, tag: String, code: String?, start: Int32, end: Int32?, amount: Int64) {
        self.id = id; self.group = group; self.tag = tag; self.code = code; self.start = start; self.end = end; self.amount = amount
    }

    init(id: RecordID, reader r: inout RecordReader) throws(HosoError) {
        self.init(id: id, group: 0, tag: "", code: nil, start: 0, end: nil, amount: 0)
        while let f = try r.next() {
            switch f.number {
            case 1: group = try f.int64()
            case 2: tag = try f.string()
            case 3: code = try f.string()
            case 4: start = Int32(try f.int64())
            case 5: end = Int32(try f.int64())
            case 6: amount = try f.int64()
            case 7: note = try f.string()
            default: break
            }
        }
    }
}

func temporaryStore(_ clock: ManualClock? = nil, smallMap: Bool = false, name: String = #function) throws -> Store {
    let path = NSTemporaryDirectory() + "hoso-store-\(name.filter { $0.isLetter })-\(UUID().uuidString)"
    var options = Store.Options()
    if let clock { options.today = { clock.day } }
    if smallMap { options.growth = MapGrowthPolicy(initialSize: 1 << 20, threshold: 0.8) }
    return try Store(directory: path, options: options)
}
