import HosoDomain

/// Runs a ``Plan``: reads candidate rows from its index (or answers its aggregate from count
/// indexes), applies the condition, groups, sorts and limits. Reads only; checks Ctrl-C between
/// rows.
///
/// ```swift
/// guard case .select(let select) = try Parser.parse("SELECT COUNT(*) FROM persons") else { return }
/// let plan = try Planner(context: context).plan(select)
/// let result = try Executor(context: context).run(plan)
/// print(result.rows[0][0])   // 40
/// ```
public struct Executor {
    /// The tenant.
    public let context: QueryContext
    let builder: RowBuilder
    /// Creates an executor.
    public init(context: QueryContext) { self.context = context; builder = RowBuilder(context: context) }

    /// Runs a plan.
    public func run(_ plan: Plan) throws -> ResultSet {
        if plan.aggregates { return try aggregate(plan) }
        let outputs = plan.outputs.map { if case .column(let c) = $0 { return c }; return 0 }
        var rows: [[Value]] = []
        if plan.order.isEmpty {
            var skipped = 0
            try produce(plan) { row in
                if skipped < plan.offset { skipped += 1; return true }
                if let limit = plan.limit, rows.count >= limit { return false }
                rows.append(outputs.map { row[$0] })
                return plan.limit.map { rows.count < $0 } ?? true
            }
        } else {
            var all: [[Value]] = []
            try produce(plan) { all.append($0); return true }
            all = try Executor.sorted(all, plan.order.map { ($0.index, $0.descending) })
            let slice = all.dropFirst(plan.offset).prefix(plan.limit ?? Int.max)
            rows = slice.map { row in outputs.map { row[$0] } }
        }
        return ResultSet(columns: plan.columnNames, rows: rows)
    }

    /// Rows sorted by keys (column, descending), in ``Value``'s order. Text keys are folded once
    /// per distinct text before sorting (not once per comparison), so sorting by a name costs
    /// about what sorting by a number costs; Ctrl-C is checked while folding and after sorting.
    static func sorted(_ rows: [[Value]], _ keys: [(Int, Bool)]) throws -> [[Value]] {
        var cache: [String: String] = [:]
        var folded: [[String?]] = []
        folded.reserveCapacity(rows.count)
        for (n, row) in rows.enumerated() {
            if n & 4095 == 0 { try Interruption.check() }
            folded.append(keys.map { key -> String? in
                guard case .text(let s) = row[key.0] else { return nil }
                if let f = cache[s] { return f }
                let f = s.utf8.allSatisfy({ $0 < 0x80 }) ? s.lowercased() : Gazetteer.fold(s)
                if cache.count < 500_000 { cache[s] = f }
                return f
            })
        }
        let order = rows.indices.sorted { x, y in
            for (k, key) in keys.enumerated() {
                let (a, b) = (rows[x][key.0], rows[y][key.0])
                if a == b { continue }
                if let fa = folded[x][k], let fb = folded[y][k], case .text(let ta) = a, case .text(let tb) = b {
                    let less = fa != fb ? fa < fb : ta < tb
                    return key.1 ? !less : less
                }
                return key.1 ? b < a : a < b
            }
            return false
        }
        try Interruption.check()
        return order.map { rows[$0] }
    }

    static func ordered(_ a: [Value], _ b: [Value], _ keys: [(Int, Bool)]) -> Bool {
        for (i, descending) in keys where a[i] != b[i] { return descending ? b[i] < a[i] : a[i] < b[i] }
        return false
    }

    // MARK: Rows

    /// How the plan uses personal fields: `shown`, it shows or groups by one (a read of it on
    /// every row it yields); `compared`, its condition compares one (a read of it on every row
    /// examined). Throws the refusal for a principal that may not read them.
    private func personalUse(_ plan: Plan) throws -> (shown: Bool, compared: Bool) {
        let personalColumns = PersonalReads.columns[plan.table.name.rawValue] ?? []
        let shown = plan.outputs.contains { if case .column(let i) = $0 { return personalColumns.contains(plan.table.columns[i].name) }; return false }
            || plan.groupBy.contains { personalColumns.contains(plan.table.columns[$0].name) }
        let compared = plan.predicate.map { !$0.columnsUsed.filter { personalColumns.contains(plan.table.columns[$0].name) }.isEmpty } ?? false
        var used = Set(plan.groupBy).union(plan.order.filter { !$0.isOutput }.map(\.index)).union(plan.predicate?.columnsUsed ?? [])
        for case .column(let i) in plan.outputs { used.insert(i) }
        if let refusal = PersonalReads.refusal(of: used.map { plan.table.columns[$0].name }, in: plan.table.name.rawValue,
                                               allColumns: plan.table.columns.map(\.name), program: context.program) { throw refusal }
        return (shown, compared)
    }

    /// Visits the rows that satisfy the plan's condition; `body` returns false to stop.
    public func produce(_ plan: Plan, _ body: ([Value]) throws -> Bool) throws {
        let program = context.program
        func emit(_ row: [Value], passes: Bool? = nil) throws -> Bool {
            try Interruption.check()
            guard passes ?? plan.predicate.map({ $0.evaluate(row) == true }) ?? true else { return true }
            return try body(row)
        }
        let province = Area.province(context.province)
        func areas(_ communes: [CommuneRef]?) -> [Area] { communes.map { $0.map { Area.commune($0) } } ?? [province] }
        let (personal, filters) = try personalUse(plan)
        func person(_ p: Person) throws -> Bool {
            let row = builder.person(p, on: plan.asOf, placesDay: plan.placesDay)
            let passes = plan.predicate.map { $0.evaluate(row) == true } ?? true
            if filters || (personal && passes) { context.personalReads.insert(p.id) }
            return try emit(row, passes: passes)
        }
        func event(_ e: CaseEvent) throws -> Bool {
            let row = builder.event(e, placesDay: plan.placesDay)
            let passes = plan.predicate.map { $0.evaluate(row) == true } ?? true
            if e.note != nil, filters || (personal && passes) { context.personalReads.insert(contentsOf: e.personIDs) }
            return try emit(row, passes: passes)
        }
        func history(_ p: Person) throws -> Bool {
            for row in builder.history(p) where try !emit(row) { return false }
            return true
        }
        switch plan.access {
        case .personsByID(let ids):
            try program.persons(from: .ids(ids), person)
        case .personByNationalID(let n):
            try program.persons(from: .nationalID(n), person)
        case let .personsCurrent(statuses, communes):
            try program.persons(from: .current(statuses: statuses, areas: areas(communes)), person)
        case let .personsOnDay(statuses, communes, day):
            try program.persons(from: .onDay(statuses: statuses, areas: areas(communes), day: day), person)
        case .personsScan:
            try program.persons(from: .all, person)
        case .personsFiltered(let filter):
            // Files the filter turns away had their fields compared: logged as examined.
            let reads = context.personalReads
            try program.read { q in try q.persons(matching: filter, rejected: filters ? { reads.insert($0) } : nil, person) }
        case let .historyByEdge(statuses, edge, range, communes):
            try program.persons(from: .flow(statuses: statuses, edge: edge, areas: areas(communes), range: range), history)
        case .historyScan:
            try program.persons(from: .all, history)
        case let .changesByDate(range, communes):
            try program.read { q in
                // By the communes of a day before the reform, each change is placed by its file.
                var files: [RecordID: Person] = [:]
                for area in areas(communes) {
                    var ids: Set<RecordID> = []
                    if plan.placesDay != nil {
                        _ = try q.statusChanges(in: area, during: range) { c in ids.insert(c.personID); return true }
                        _ = try q.persons(ids: ids.filter { files[$0] == nil }) { p in files[p.id] = p; return true }
                    }
                    guard try q.statusChanges(in: area, during: range, { c in try emit(builder.change(c, of: files[c.personID], placesDay: plan.placesDay)) }) else { return }
                }
            }
        case let .overdueOnDay(kinds, communes, day):
            try program.read { q in
                for area in areas(communes) {
                    for kind in kinds {
                        guard try q.overdue(kind, in: area, on: day, { try emit(builder.overdue($0, on: day)) }) else { return }
                    }
                }
            }
        case .overdueScan(let day):
            try program.events(from: .all) { e in try !e.isOverdue(on: day) || emit(builder.overdue(e, on: day)) }
        case .changesScan:
            try program.persons(from: .all) { p in
                for c in p.statusChanges where try !emit(builder.change(c, of: p, placesDay: plan.placesDay)) { return false }
                return true
            }
        case .eventsByID(let ids):
            try program.events(from: .ids(ids), event)
        case let .eventsByCommuneKindDate(communes, kinds, range):
            try program.events(from: .communeKindDays(communes: communes, kinds: kinds, range: range), event)
        case .eventsByDate(let range):
            try program.events(from: .days(range), event)
        case .eventsScan:
            try program.events(from: .all, event)
        case .communeList:
            let targets = try context.program.targetBook().targets
            for c in context.communes.entries where try !emit(builder.commune(c, targets: targets)) { break }
        }
    }

    // MARK: Aggregates

    /// One input of an aggregation: a row standing for `count` rows with the given sums.
    struct Weighted {
        var row: [Value]
        var count: Int64
        var sums: [Int: Int64]?
    }

    func aggregate(_ plan: Plan) throws -> ResultSet {
        struct Group { var count: Int64 = 0; var sums: [Int: Int64] = [:] }
        var groups: [[Value]: Group] = [:]
        let sumColumns = plan.outputs.compactMap { if case .sum(let c) = $0 { return c }; return nil }
        func add(_ w: Weighted) {
            let key = plan.groupBy.map { w.row[$0] }
            var g = groups[key] ?? Group()
            g.count += w.count
            for c in sumColumns {
                if let sums = w.sums { if let v = sums[c] { g.sums[c, default: 0] += v } }
                else if case .int(let v) = w.row[c] { g.sums[c, default: 0] += v }
            }
            groups[key] = g
        }
        if let count = plan.count {
            for w in try countRows(count, plan) where w.count > 0 { add(w) }
        } else {
            try produce(plan) { add(Weighted(row: $0, count: 1, sums: nil)); return true }
        }
        if plan.groupBy.isEmpty && groups.isEmpty { groups[[]] = Group() }
        var rows: [[Value]] = groups.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map { key, g in
            plan.outputs.map { out -> Value in
                switch out {
                case .column(let c): key[plan.groupBy.firstIndex(of: c)!]
                case .count: .int(g.count)
                case .sum(let c): g.sums[c].map { .int($0) } ?? .null
                }
            }
        }
        if !plan.order.isEmpty {
            rows = try Executor.sorted(rows, plan.order.map { ($0.index, $0.descending) })
        }
        rows = Array(rows.dropFirst(plan.offset).prefix(plan.limit ?? Int.max))
        return ResultSet(columns: plan.columnNames, rows: rows)
    }

    /// Counts keyed by status or kind codes.
    func byCode<K: CodedEnum>(_ byPlace: [PlaceAsOf: [K: Int]]) -> [PlaceAsOf: [String: Int]] {
        byPlace.mapValues { counts in Dictionary(uniqueKeysWithValues: counts.map { ($0.key.code, $0.value) }) }
    }

    /// The rows of counts by the communes of `day` (before the reform): one per place and
    /// value of column `column` (a status or kind code), keeping the codes `kept` (nil: all).
    func placedRows(_ byPlace: [PlaceAsOf: [String: Int]], _ kept: [String]?, _ column: String, _ day: Day, _ table: TableSchema,
                    sums: (PlaceAsOf, String) -> [Int: Int64] = { _, _ in [:] }) throws -> [Weighted] {
        let codeColumn = table.index(of: column)!
        var out: [Weighted] = []
        for (place, counts) in byPlace {
            try Interruption.check()
            var row = [Value](repeating: .null, count: table.columns.count)
            // The record's commune of then is the place itself (or, unplaced, its 2025 commune).
            let named = place.hierarchy == .before2025 ? NamedPlace(commune: place.commune, placedBy: .whole) : nil
            let (code, name, province) = builder.placed(place.commune, named: named, placedIn: place.commune, day)
            row[table.index(of: "province")!] = province
            row[table.index(of: "commune")!] = code
            row[table.index(of: "commune_name")!] = name
            for (s, n) in counts where n != 0 && kept?.contains(s) ?? true {
                var r = row; r[codeColumn] = .text(s)
                out.append(Weighted(row: r, count: Int64(n), sums: sums(place, s)))
            }
        }
        return out
    }

    func countRows(_ path: CountPath, _ plan: Plan) throws -> [Weighted] {
        let program = context.program
        let table = plan.table
        let width = table.columns.count
        func areas(_ communes: [CommuneRef]?, _ perCommune: Bool) -> [Area] {
            (communes ?? (perCommune ? context.communes.entries.map(\.ref) : nil))?.map { .commune($0) } ?? [.province(context.province)]
        }
        func base(_ area: Area) -> [Value] {
            var row = [Value](repeating: .null, count: width)
            if let i = table.index(of: "province") { row[i] = .int(Int64(context.province)) }
            if case .commune(let c) = area {
                row[table.index(of: "commune")!] = .int(Int64(c.commune))
                row[table.index(of: "commune_name")!] = .text(context.communes.name(of: c.commune))
            }
            return row
        }
        var out: [Weighted] = []
        switch path {
        case .personsMatching(let filter):
            // A condition on a personal field compared it in every file examined: logged as read.
            let (_, compared) = try personalUse(plan)
            let reads = context.personalReads
            let n = try program.read { q in
                try q.countPersons(matching: filter, examined: compared ? { reads.insert(contentsOf: $0) } : nil)
            }
            out.append(Weighted(row: [Value](repeating: .null, count: width), count: Int64(n), sums: [:]))
        case let .personsCurrent(statuses, communes, perCommune):
            let statusColumn = table.index(of: "status")!
            for area in areas(communes, perCommune) {
                try Interruption.check()
                for (s, n) in try program.currentCounts(in: area) where statuses?.contains(s) ?? true {
                    var row = base(area); row[statusColumn] = .text(s.code)
                    out.append(Weighted(row: row, count: Int64(n), sums: [:]))
                }
            }
        case let .personsOnDay(statuses, communes, perCommune, day):
            let statusColumn = table.index(of: "status")!
            for area in areas(communes, perCommune) {
                try Interruption.check()
                for (s, n) in try program.countPersonsByStatus(in: area, on: day) where statuses.contains(s) {
                    var row = base(area); row[statusColumn] = .text(s.code)
                    out.append(Weighted(row: row, count: Int64(n), sums: [:]))
                }
            }
        case let .personsCurrentByPlaces(statuses, day):
            out = try placedRows(byCode(try program.currentCountsByPlaces(on: day, in: .province(context.province))), statuses.map { $0.map(\.code) }, "status", day, table)
        case let .personsOnDayByPlaces(statuses, day, placesDay):
            out = try placedRows(byCode(try program.countPersonsByPlaces(on: day, placesAsOf: placesDay, in: .province(context.province))), statuses.map(\.code), "status", placesDay, table)
        case let .changesByPlaces(statuses, range, placesDay):
            let byPlace = try program.countStatusChangesByPlaces(during: range, placesAsOf: placesDay, in: .province(context.province))
            let columns = ["status", "direction", "cause", "event"].map { table.index(of: $0)! }
            for (place, tally) in byPlace {
                try Interruption.check()
                var row = [Value](repeating: .null, count: width)
                let named = place.hierarchy == .before2025 ? NamedPlace(commune: place.commune, placedBy: .whole) : nil
                (row[table.index(of: "commune")!], row[table.index(of: "commune_name")!], _) = builder.placed(place.commune, named: named, placedIn: place.commune, placesDay)
                for (key, n) in tally.counts where statuses?.contains(key.status) ?? true {
                    var r = row
                    for (c, v) in zip(columns, [key.status.code, key.direction.code, key.cause.code, key.event?.code]) { r[c] = v.map { .text($0) } ?? .null }
                    guard plan.residual.allSatisfy({ $0.evaluate(r) == true }) else { continue }
                    out.append(Weighted(row: r, count: Int64(n), sums: [:]))
                }
            }
        case let .eventsByPlaces(kinds, range, placesDay, measures):
            // Counts and sums from one snapshot.
            let province = Area.province(context.province)
            let (byPlace, amounts) = try program.read { q -> ([PlaceAsOf: [CaseEvent.Kind: Int]], [PlaceAsOf: [String: [Int: Int64]]]) in
                let byPlace = try q.countEventsByPlaces(during: range, placesAsOf: placesDay, in: province)
                var amounts: [PlaceAsOf: [String: [Int: Int64]]] = [:]
                let counted = Set(byPlace.values.flatMap(\.keys)).filter { kinds?.contains($0) ?? true }
                for m in measures {
                    let column = table.index(of: m.code)!
                    for k in counted.sorted(by: { $0.rawValue < $1.rawValue }) {
                        for (place, v) in try q.sumEventsByPlaces(m, kind: k, during: range, placesAsOf: placesDay, in: province) {
                            amounts[place, default: [:]][k.code, default: [:]][column] = Int64(v)
                        }
                    }
                }
                return (byPlace, amounts)
            }
            let zeros = Dictionary(uniqueKeysWithValues: measures.map { (table.index(of: $0.code)!, Int64(0)) })
            out = try placedRows(byCode(byPlace), kinds.map { $0.map(\.code) }, "kind", placesDay, table) { place, kind in
                zeros.merging(amounts[place]?[kind] ?? [:]) { _, v in v }
            }
        case let .events(kinds, communes, perCommune, range, measures):
            let kindColumn = table.index(of: "kind")!
            let measureColumns = measures.map { table.index(of: $0.code)! }
            for area in areas(communes, perCommune) {
                try Interruption.check()
                for (k, n) in try program.countEvents(in: area, during: range) where kinds?.contains(k) ?? true {
                    var row = base(area); row[kindColumn] = .text(k.code)
                    var sums: [Int: Int64] = [:]
                    for (m, c) in zip(measures, measureColumns) {
                        sums[c] = Int64(try program.sumEvents(m, kind: k, in: area, during: range))
                    }
                    out.append(Weighted(row: row, count: Int64(n), sums: sums))
                }
            }
        }
        return out
    }
}
