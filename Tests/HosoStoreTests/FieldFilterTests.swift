import Foundation
import Testing
@testable import HosoStore

/// Filters decided on the stored bytes against a brute force over the decoded records: random
/// records (fields left out, zeros, texts in two canonically equivalent spellings) and random
/// conditions; the filtered scan, the count on every core and the rejected ids agree with it.
@Suite struct FieldFilterTests {
    static let schema = Schema([Item.schema])
    /// "Lái xe" precomposed and with combining accents, other Vietnamese and plain texts.
    /// Longer ones too, some with the accent past the eighth byte, so that a text is read eight
    /// bytes at a time before the accent is met.
    static let tags = ["L\u{00E1}i xe", "La\u{0301}i xe", "B\u{1ED1}c v\u{00E1}c", "Bo\u{0302}\u{0301}c va\u{0301}c", "free", "", "\u{212B}ngstr\u{00F6}m", "\u{00C5}ngstr\u{00F6}m",
                       "Lao \u{0111}\u{1ED9}ng t\u{1EF1} do", "Lao \u{0111}o\u{0323}\u{0302}ng tu\u{031B}\u{0323} do", "unemployed day labourer",
                       "Nhan vien van phong x\u{00E1}", "Nhan vien van phong xa\u{0301}"]
    static let codes = ["C1", "C2", "Nguy\u{1EC5}n", "Nguye\u{0302}\u{0303}n"]

    static func item(_ id: RecordID, _ rng: inout SplitMix64) -> Item {
        let code: String? = Int.random(in: 0..<4, using: &rng) == 0 ? nil : "C\(id)"   // unique index
        let end: Int32? = Int.random(in: 0..<3, using: &rng) == 0 ? nil : Int32.random(in: -5..<60, using: &rng)
        var item = Item(id: id, group: Int64.random(in: -3..<4, using: &rng), tag: tags[Int.random(in: 0..<tags.count, using: &rng)], code: code,
                        start: Int32.random(in: -2..<50, using: &rng), end: end, amount: Int64.random(in: -2..<3, using: &rng))
        let note = Int.random(in: 0..<3, using: &rng)
        item.note = note == 0 ? "" : note == 1 ? "n\(id % 10)" : codes[Int.random(in: 0..<codes.count, using: &rng)]
        return item
    }

    /// The decoded value of each field the conditions name (nil: the record does not write it),
    /// as `Item.encode` writes them: group 1, tag 2, code 3, start 4, end 5, amount 6, note 7.
    static func integer(_ field: Int, _ r: Item) -> Int64? {
        switch field {
        case 1: r.group == 0 ? nil : r.group
        case 4: r.start == 0 ? nil : Int64(r.start)
        case 5: r.end.map(Int64.init)
        case 6: r.amount == 0 ? nil : r.amount
        default: nil
        }
    }
    static func text(_ field: Int, _ r: Item) -> String? {
        switch field {
        case 2: r.tag
        case 3: r.code
        case 7: r.note
        default: nil
        }
    }

    static func holds(_ c: FieldFilter.Condition, _ r: Item) -> Bool {
        func compare(_ a: Int64, _ op: FieldFilter.Comparison, _ b: Int64) -> Bool {
            switch op {
            case .equal: a == b
            case .notEqual: a != b
            case .less: a < b
            case .lessOrEqual: a <= b
            case .greater: a > b
            case .greaterOrEqual: a >= b
            }
        }
        switch c {
        case let .integer(f, op, v, absent): return (integer(f, r) ?? absent).map { compare($0, op, v) } ?? false
        case let .integerIn(f, set, absent): return (integer(f, r) ?? absent).map { set.contains($0) } ?? false
        case let .text(f, set): return text(f, r).map { t in set.contains { $0 == t } } ?? false
        case let .flag(f, b): return (integer(f, r).map { $0 != 0 } ?? false) == b
        case .present(let f): return f == 2 || f == 7 ? true : (integer(f, r) ?? text(f, r).map { _ in 0 }) != nil
        case .all(let cs): return cs.allSatisfy { holds($0, r) }
        case .any(let cs): return cs.contains { holds($0, r) }
        case .not(let c): return !holds(c, r)
        }
    }

    static func condition(_ rng: inout SplitMix64, depth: Int = 0) -> FieldFilter.Condition {
        let ops: [FieldFilter.Comparison] = [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual]
        let absent: Int64? = Int.random(in: 0..<3, using: &rng) == 0 ? Int64.random(in: -1..<2, using: &rng) : nil
        let intField = [1, 4, 5, 6][Int.random(in: 0..<4, using: &rng)]
        let textField = [2, 3, 7][Int.random(in: 0..<3, using: &rng)]
        let pick = Int.random(in: 0..<(depth < 2 ? 8 : 4), using: &rng)
        switch pick {
        case 0: return .integer(intField, ops[Int.random(in: 0..<ops.count, using: &rng)], Int64.random(in: -3..<40, using: &rng), absent: absent)
        case 1: return .integerIn(intField, Set((0..<Int.random(in: 0..<4, using: &rng)).map { _ in Int64.random(in: -3..<5, using: &rng) }), absent: absent)
        case 2:
            let pool = tags + codes + ["n7", "n8", "C5", "C9"]
            return .text(textField, oneOf: Set((0..<Int.random(in: 1..<3, using: &rng)).map { _ in pool[Int.random(in: 0..<pool.count, using: &rng)] }))
        case 3:
            if Int.random(in: 0..<2, using: &rng) == 0 { return .flag(intField, Int.random(in: 0..<2, using: &rng) == 0) }
            return .present([1, 3, 5, 6][Int.random(in: 0..<4, using: &rng)])
        case 4, 5: return .all((0..<Int.random(in: 0..<4, using: &rng)).map { _ in condition(&rng, depth: depth + 1) })
        case 6: return .any((0..<Int.random(in: 0..<4, using: &rng)).map { _ in condition(&rng, depth: depth + 1) })
        default: return .not(condition(&rng, depth: depth + 1))
        }
    }

    @Test(arguments: [UInt64(11), 12, 13])
    func filtersDecideAsTheDecodedRecordsDo(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let store = try temporaryStore(name: "filters\(seed)")
        let tenant = try store.createTenant(TenantInfo(name: "f"), schema: Self.schema)
        let items = (1...600).map { Self.item(RecordID($0), &rng) }
        try tenant.write { txn in for i in items { try txn.insert(i) } }
        for round in 0..<150 {
            let c = Self.condition(&rng)
            let filter = FieldFilter(c)
            let expected = items.filter { Self.holds(c, $0) }.map(\.id)
            var scanned: [RecordID] = [], rejected: [RecordID] = []
            var examined: [RecordID] = []
            let (n, counted) = try tenant.read { txn in
                try txn.scan(Item.self, where: filter, rejected: { rejected.append($0) }) { scanned.append($0.id); return true }
                return (try txn.count(Item.self, where: filter), try txn.count(Item.self, where: filter) { examined += $0 })
            }
            #expect(scanned == expected, "seed \(seed) round \(round): \(filter)")
            #expect(n == expected.count && counted == n, "seed \(seed) round \(round): \(filter)")
            #expect(examined == items.map(\.id), "seed \(seed) round \(round): every record examined, once, in order")
            #expect(Set(rejected).union(scanned) == Set(items.map(\.id)) && Set(rejected).isDisjoint(with: scanned), "seed \(seed) round \(round)")
            for i in items.prefix(40) {
                let bytes = i.encoded()
                #expect(try bytes.withUnsafeBytes { try filter.matches($0) } == Self.holds(c, i), "seed \(seed) round \(round) item \(i.id): \(filter)")
            }
        }
    }

    /// The fields of each record written in a random order (the decision must not depend on the
    /// order `Item.encode` uses): a filter decided field by field (a conjunction, each conjunct
    /// as soon as its field is read) and the same filter decided after the whole walk (wrapped in
    /// a one-way `any`) both agree with the brute force over the decoded record.
    @Test(arguments: [UInt64(31), 32])
    func fieldsInAnyOrderDecideAsTheDecodedRecordDoes(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let items = (1...300).map { Self.item(RecordID($0), &rng) }
        let records: [[UInt8]] = items.map { i in
            var writes: [(inout RecordWriter) -> Void] = [
                { $0.write(1, i.group) }, { $0.write(2, i.tag) }, { $0.write(3, i.code) }, { $0.write(4, Int64(i.start)) },
                { $0.write(5, i.end.map(Int64.init)) }, { $0.write(6, i.amount) }, { $0.write(7, i.note) },
            ]
            writes.shuffle(using: &rng)
            var w = RecordWriter(formatVersion: 1)
            for write in writes { write(&w) }
            return w.bytes
        }
        var conjunctions = 0
        for round in 0..<300 {
            // Every other round a conjunction of one-field conditions, the shape decided early.
            var c = Self.condition(&rng)
            if round % 2 == 0 {
                c = .all((0..<Int.random(in: 1..<5, using: &rng)).map { _ in
                    var leaf = Self.condition(&rng, depth: 2)
                    while case .not = leaf { leaf = Self.condition(&rng, depth: 2) }
                    return leaf
                })
            }
            let filter = FieldFilter(c), whole = FieldFilter(.any([c]))
            if FieldFilter.Matcher(filter).firstConjunct.count > 0 { conjunctions += 1 }
            #expect(FieldFilter.Matcher(whole).firstConjunct.count == 0)
            for (i, bytes) in zip(items, records) {
                let expected = Self.holds(c, i)
                let early = try bytes.withUnsafeBytes { try filter.matches($0) }
                let late = try bytes.withUnsafeBytes { try whole.matches($0) }
                #expect(early == expected && late == expected, "seed \(seed) round \(round) item \(i.id): \(filter)")
            }
        }
        #expect(conjunctions >= 150, "seed \(seed): \(conjunctions) conjunctions decided field by field")
    }

    /// Whether a text has a single canonical form, eight bytes at a time, against the rule
    /// checked byte by byte: every byte below 0xCC, or 0xE1 followed by 0xB8…0xBB.
    @Test func aTextIsSettledAsByteByByte() {
        func byteByByte(_ b: [UInt8]) -> Bool {
            var i = 0
            while i < b.count {
                if b[i] >= 0xCC {
                    guard b[i] == 0xE1, i + 1 < b.count, (0xB8...0xBB).contains(b[i + 1]) else { return false }
                    i += 2
                } else { i += 1 }
            }
            return true
        }
        var rng = SplitMix64(seed: 41)
        let alphabet: [UInt8] = [0x00, 0x41, 0x7F, 0x80, 0xA1, 0xB8, 0xBB, 0xBC, 0xC3, 0xCB, 0xCC, 0xCD, 0xE1, 0xE2, 0xFF]
        var unsettled = 0
        for round in 0..<20_000 {
            let n = Int.random(in: 0..<40, using: &rng)
            // Mostly bytes that are never unsettled, so that long runs pass eight at a time.
            let bytes = (0..<n).map { _ in Int.random(in: 0..<6, using: &rng) == 0 ? alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] : UInt8.random(in: 0x20..<0xCC, using: &rng) }
            let expected = byteByByte(bytes)
            if !expected { unsettled += 1 }
            #expect(bytes.withUnsafeBytes { FieldFilter.Literal.isSettled($0) } == expected, "round \(round): \(bytes)")
        }
        #expect(unsettled > 2_000 && unsettled < 18_000, "\(unsettled) unsettled of 20,000")
    }

    /// Enough records for the count to run on every core: the parts' sum equals a brute force,
    /// and pages of a filtered scan resume where they stopped.
    @Test func aLargeCountRunsInPartsAndPagesResume() throws {
        var rng = SplitMix64(seed: 21)
        let store = try temporaryStore(name: "filtersLarge")
        let tenant = try store.createTenant(TenantInfo(name: "f"), schema: Self.schema)
        let items = (1...(TenantReader.parallelCountMinimum + 4_321)).map { Self.item(RecordID($0), &rng) }
        _ = try tenant.bulkLoad(items, batchSize: 10_000)
        let conditions: [FieldFilter.Condition] = [
            .text(2, oneOf: ["L\u{00E1}i xe"]), .all([.integer(4, .less, 20), .not(.present(3))]), .any([]), .all([]),
            .integerIn(1, [0, 2], absent: 0),
        ]
        for c in conditions {
            let filter = FieldFilter(c)
            let expected = items.filter { Self.holds(c, $0) }
            #expect(try tenant.read { try $0.count(Item.self, where: filter) } == expected.count, "\(filter)")
            // Counted in parts, the examined ids of every part, once each, in order.
            var examined: [RecordID] = [], calls = 0
            #expect(try tenant.read { try $0.count(Item.self, where: filter) { examined += $0; calls += 1 } } == expected.count, "\(filter)")
            #expect(examined == items.map(\.id) && calls == min(ProcessInfo.processInfo.activeProcessorCount, 8), "\(filter): \(examined.count) ids examined in \(calls) parts")
            var paged: [RecordID] = []
            var token: Continuation? = nil
            repeat {
                token = try tenant.read { txn in try txn.scan(Item.self, where: filter, after: token, limit: 7_000) { paged.append($0.id); return true } }
            } while token != nil
            #expect(paged == expected.map(\.id), "\(filter)")
        }
        // The canonical spellings of "Lái xe" are one text.
        let both = items.filter { $0.tag == "L\u{00E1}i xe" }.count
        #expect(both == items.filter { $0.tag.unicodeScalars.elementsEqual("L\u{00E1}i xe".unicodeScalars) || $0.tag.unicodeScalars.elementsEqual("La\u{0301}i xe".unicodeScalars) }.count)
        #expect(both > items.filter { $0.tag.unicodeScalars.elementsEqual("L\u{00E1}i xe".unicodeScalars) }.count)
    }

    /// A whole scan of enough records decodes on every core: what it hands out (records that
    /// pass, ids turned away, in one id order), where it stops and the continuation it returns
    /// equal a brute force over the records, and a scan of a snapshot that a write has left
    /// behind (every part's transaction sees the write) still hands out that snapshot.
    @Test func aWholeScanDecodesOnEveryCoreAsOneCoreWould() throws {
        var rng = SplitMix64(seed: 22)
        let store = try temporaryStore(name: "scanLarge")
        let tenant = try store.createTenant(TenantInfo(name: "f"), schema: Self.schema)
        // Ids with gaps: the slices are cut by id, not by position.
        let items = (1...(TenantReader.parallelScanMinimum + 3_917)).map { Self.item(RecordID($0 * 3 + Int.random(in: 0..<3, using: &rng)), &rng) }
        _ = try tenant.bulkLoad(items, batchSize: 10_000)
        let cores = min(ProcessInfo.processInfo.activeProcessorCount, 8)
        #expect(try tenant.read { try $0.parallelScanParts(Item.self)?.parts } == (cores > 1 ? cores : nil))
        #expect(try tenant.write { try $0.reader.parallelScanParts(Item.self) } == nil, "a scan inside a write decodes on one core")

        enum Seen: Equatable { case passed(Item), turnedAway(RecordID) }
        let conditions: [FieldFilter.Condition] = [
            .text(2, oneOf: ["L\u{00E1}i xe"]), .all([.integer(4, .less, 20), .not(.present(3))]), .any([]), .all([]),
        ]
        for c in conditions {
            let filter = FieldFilter(c)
            let expected = items.map { Self.holds(c, $0) ? Seen.passed($0) : .turnedAway($0.id) }
            var seen: [Seen] = []
            let token = try tenant.read { txn in
                try txn.scan(Item.self, where: filter, rejected: { seen.append(.turnedAway($0)) }) { seen.append(.passed($0)); return true }
            }
            let same = seen == expected
            #expect(token == nil && same, "\(filter): \(Self.firstDifference(seen, expected))")
            // Stopped at a record that passes: the continuation names it, and the scan resumes after it.
            let passing = items.filter { Self.holds(c, $0) }
            for stopAt in [0, passing.count / 2, passing.count - 1] where passing.indices.contains(stopAt) && c != conditions[3] {
                var handed: [RecordID] = []
                let stopped = try tenant.read { txn in
                    try txn.scan(Item.self, where: filter) { handed.append($0.id); return handed.count <= stopAt }
                }
                #expect(handed == passing[...stopAt].map(\.id), "\(filter) stopped at \(stopAt)")
                #expect(stopped != nil, "\(filter) stopped at \(stopAt)")
                var rest: [RecordID] = []
                _ = try tenant.read { txn in try txn.scan(Item.self, where: filter, after: stopped) { rest.append($0.id); return true } }
                #expect(handed + rest == passing.map(\.id), "\(filter) resumed after \(stopAt)")
            }
        }
        // Under a gate the parts see what it shows: the records it admits, as its view has them.
        struct NonNegativeGroups: RecordGate {
            func admits(_ record: any StoredRecord) -> Bool { ((record as? Item)?.group ?? -1) >= 0 }
            func view<R: StoredRecord>(_ record: R) -> R {
                guard var item = record as? Item else { return record }
                item.note = ""
                return item as? R ?? record
            }
            var withholdsFields: Bool { true }
            func access(to index: IndexDefinition, key: Tuple) -> IndexKeyAccess { .byRecord }
        }
        struct Gated: AccessPolicy {
            func authorize(_ operation: AccessOperation, by principal: Principal) throws(HosoError) {}
            func gate(for recordType: String, by principal: Principal) throws(HosoError) -> (any RecordGate)? { NonNegativeGroups() }
        }
        let gated = tenant.acting(as: Principal(name: "reader", role: "reader"), policy: Gated())
        let shown = items.filter { $0.group >= 0 }.map { var i = $0; i.note = ""; return i }
        for c in [conditions[1], .text(7, oneOf: ["", "n1"]), .text(7, oneOf: ["n1"])] {
            let filter = FieldFilter(c)
            var seen: [Seen] = []
            _ = try gated.read { txn in
                try txn.scan(Item.self, where: filter, rejected: { seen.append(.turnedAway($0)) }) { seen.append(.passed($0)); return true }
            }
            let expected = shown.map { Self.holds(c, $0) ? Seen.passed($0) : .turnedAway($0.id) }
            let same = seen == expected
            #expect(same, "gated \(filter): \(Self.firstDifference(seen, expected))")
        }

        // Every record, decoded on every core.
        var all: [Item] = []
        #expect(try tenant.read { txn in try txn.scan(Item.self) { all.append($0); return true } } == nil)
        let allSame = all == items
        #expect(allSame, "\(Self.firstDifference(all, items))")

        // A write lands after this snapshot began: every part's transaction sees it, so every
        // slice is decoded here, on this snapshot, and the scan hands out the records as they were.
        let changed = items[items.count / 3], removed = items[items.count / 2]
        var during: [Item] = []
        try tenant.read { txn in
            let writer = Thread {
                try? tenant.write { w in
                    var c = changed
                    c.tag = "changed"
                    try w.update(c)
                    _ = try w.delete(Item.self, id: removed.id)
                }
            }
            writer.start()
            while !writer.isFinished { Thread.sleep(forTimeInterval: 0.01) }
            _ = try txn.scan(Item.self) { during.append($0); return true }
        }
        let duringSame = during == items
        #expect(duringSame, "the scan of the snapshot before the write: \(Self.firstDifference(during, items))")
        var after: [Item] = []
        _ = try tenant.read { txn in try txn.scan(Item.self) { after.append($0); return true } }
        #expect(after.count == items.count - 1 && after.contains { $0.id == changed.id && $0.tag == "changed" } && !after.contains { $0.id == removed.id })
    }

    /// Where two sequences first differ, for a failure message that does not print them whole.
    static func firstDifference<T: Equatable>(_ a: [T], _ b: [T]) -> String {
        guard let i = (0..<min(a.count, b.count)).first(where: { a[$0] != b[$0] }) ?? (a.count == b.count ? nil : min(a.count, b.count)) else { return "equal" }
        return "\(a.count) against \(b.count) expected; first difference at \(i): \(i < a.count ? "\(a[i])" : "nothing") against \(i < b.count ? "\(b[i])" : "nothing")"
    }

    @Test func aMalformedRecordIsAnErrorNamingIt() throws {
        let filter = FieldFilter(.integer(4, .less, 3))
        var w = RecordWriter(formatVersion: 1)
        w.write(2, "tag")
        var bytes = w.bytes
        bytes.append(0x22); bytes.append(0x40)   // field 4, bytes, length 64: past the end
        #expect(throws: HosoError.self) { try bytes.withUnsafeBytes { try filter.matches($0) } }
        #expect(throws: HosoError.self) { try [UInt8]().withUnsafeBytes { try filter.matches($0) } }
    }
}
