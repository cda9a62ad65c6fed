import HosoDomain

/// Chooses how to answer a `SELECT`: a count index when the whole condition and grouping are
/// ones it keeps, else the narrowest value, unique or interval index the condition allows, else a
/// full scan. Every candidate row from an index is checked against the full condition.
///
/// ```swift
/// guard case .select(let statement) = try Parser.parse("SELECT COUNT(*) FROM persons WHERE status = 'addict' AS OF '2025-12-10'") else { return }
/// let plan = try Planner(context: context).plan(statement)
/// print(plan.count != nil)   // true
/// ```
public struct Planner {
    /// The tenant.
    public let context: QueryContext
    /// Creates a planner.
    public init(context: QueryContext) { self.context = context }

    /// The widest day range the engine holds (event and history days lie in 1900–2200).
    static let allDays = DayRange(Day(year: 1900, month: 1, day: 1)!, Day(year: 2300, month: 1, day: 1)!)

    /// What the conjuncts of a condition ask of the indexed columns.
    struct Restrictions {
        var ids: Set<RecordID>?
        var nationalID: String?
        var statuses: Set<Status>?
        var communes: Set<Int32>?
        var kinds: Set<CaseEvent.Kind>?
        var ranges: [String: DayRange] = [:]
        var consumed: [Bool] = []
    }

    /// Plans a statement.
    public func plan(_ s: SelectStatement) throws(QueryError) -> Plan {
        guard let table = TableSchema.named(s.table) else {
            var m = "unknown table '\(s.table)'"
            if let g = TableSchema.Name.codeList.suggestion(for: s.table) { m += " — did you mean '\(g)'?" }
            throw QueryError(m + " (tables: \(SQLTables.all.map(\.name).joined(separator: ", ")))", at: s.tableToken)
        }
        let binder = Binder(context: context)
        var asOf = context.today
        var explicitAsOf = false
        if let (text, token) = s.asOf {
            guard table.name == .persons || table.name == .overdue else {
                throw QueryError("AS OF applies to persons (status on a day) and overdue; \(table.name.rawValue) has no as-of columns", at: token)
            }
            do { asOf = try Day.parse(text) } catch { throw QueryError("not a date after AS OF: \(error.reason) (write '2025-12-10' or '10/12/2025')", at: token) }
            explicitAsOf = asOf != context.today
        }
        var placesDay: (Day, Token)?
        if let (text, token) = s.placesAsOf {
            let day: Day
            do { day = try Day.parse(text) } catch {
                throw QueryError("BY PLACES AS OF: not a date: \(error.reason) (write '2025-03-01' or '01/03/2025')", at: token)
            }
            // From 1 July 2025 the communes are today's: the default.
            if day < PlaceHistory.reformDay { placesDay = (day, token) }
        }
        let predicate = try s.condition.map { c throws(QueryError) in try binder.bind(c, in: table) }

        // Outputs.
        var outputs: [Plan.Output] = []
        var plainColumns: [(Int, Token)] = []
        var hasAggregate = false
        for item in s.items {
            switch item {
            case .star(let t):
                outputs += table.columns.indices.map { .column($0) }
                plainColumns += table.columns.indices.map { ($0, t) }
            case let .column(n, t):
                let c = try binder.column(n, t, in: table)
                outputs.append(.column(c)); plainColumns.append((c, t))
            case .count: outputs.append(.count); hasAggregate = true
            case let .sum(n, t):
                let c = try binder.column(n, t, in: table)
                guard table.columns[c].type == .integer else { throw QueryError("SUM needs a number column; \(table.columns[c].name) is \(table.columns[c].type.rawValue)", at: t) }
                outputs.append(.sum(c)); hasAggregate = true
            }
        }
        var groupBy: [Int] = []
        for (n, t) in s.groupBy { groupBy.append(try binder.column(n, t, in: table)) }
        // By the old communes a commune's name and province go with its code, and a 2025 commune
        // whose files are not placed in the old tree may share its code with an old one: they
        // are grouped apart by name.
        if placesDay != nil, let commune = table.index(of: "commune"), groupBy.contains(commune) {
            for name in ["commune_name", "province"] { if let c = table.index(of: name), !groupBy.contains(c) { groupBy.append(c) } }
        }
        let aggregates = hasAggregate || !groupBy.isEmpty
        if aggregates {
            for (c, t) in plainColumns where !groupBy.contains(c) {
                throw QueryError("column '\(table.columns[c].name)' must appear in GROUP BY or inside COUNT/SUM", at: t)
            }
        }

        // Order.
        var order: [Plan.SortKey] = []
        for item in s.orderBy {
            if let p = item.position {
                guard (1...outputs.count).contains(p) else { throw QueryError("ORDER BY \(p): there are \(outputs.count) output columns", at: item.token) }
                order.append(.init(index: p - 1, isOutput: true, descending: item.descending))
                continue
            }
            switch item.key {
            case .count:
                guard let i = outputs.firstIndex(of: .count) else { throw QueryError("ORDER BY COUNT(*) needs COUNT(*) in the select list", at: item.token) }
                order.append(.init(index: i, isOutput: true, descending: item.descending))
            case let .sum(n, t):
                let c = try binder.column(n, t, in: table)
                guard let i = outputs.firstIndex(of: .sum(c)) else { throw QueryError("ORDER BY SUM(\(n)) needs it in the select list", at: item.token) }
                order.append(.init(index: i, isOutput: true, descending: item.descending))
            case let .column(n, t):
                let names = outputs.indices.map { i -> String in
                    switch outputs[i] { case .count: "count"; case .sum(let c): "sum_" + table.columns[c].name; case .column(let c): table.columns[c].name }
                }
                if aggregates {
                    guard let i = names.firstIndex(of: n.lowercased()) else {
                        throw QueryError("ORDER BY '\(n)': an aggregate query sorts by its output columns (\(names.joined(separator: ", ")))", at: t)
                    }
                    order.append(.init(index: i, isOutput: true, descending: item.descending))
                } else {
                    order.append(.init(index: try binder.column(n, t, in: table), isOutput: false, descending: item.descending))
                }
            case .star: break
            }
        }

        var plan = Plan(table: table, asOf: asOf, predicate: predicate, access: .personsScan, count: nil, residual: [], estimate: 0,
                        outputs: outputs, groupBy: groupBy, aggregates: aggregates, order: order, limit: s.limit, offset: s.offset ?? 0)
        let conjuncts = predicate?.conjuncts ?? []
        let r = restrictions(conjuncts, table)
        plan.residual = conjuncts.indices.filter { !r.consumed[$0] }.map { conjuncts[$0] }
        do {
            if let (day, token) = placesDay {
                try choosePlaces(&plan, r, conjuncts: conjuncts, day: day, token: token, explicitAsOf: explicitAsOf)
            } else {
                try choose(&plan, r, conjuncts: conjuncts, explicitAsOf: explicitAsOf)
            }
        } catch let e as QueryError { throw e } catch {
            throw QueryError("could not read the indexes: \(error)", location: nil)
        }
        return plan
    }

    // MARK: Restrictions

    func restrictions(_ conjuncts: [Predicate], _ table: TableSchema) -> Restrictions {
        var r = Restrictions()
        r.consumed = Array(repeating: false, count: conjuncts.count)
        func values(_ p: Predicate) -> (Int, Set<Value>)? {
            switch p {
            case let .compare(c, .equal, v): (c, [v])
            case let .oneOf(c, set): (c, set)
            default: nil
            }
        }
        for (i, p) in conjuncts.enumerated() {
            if let (c, set) = values(p) {
                let name = table.columns[c].name
                switch (table.name, name) {
                case (.persons, "id"), (.events, "id"):
                    let ids = Set(set.compactMap { v -> RecordID? in if case .int(let n) = v, n >= 0 { return RecordID(n) }; return nil })
                    r.ids = r.ids.map { $0.intersection(ids) } ?? ids; r.consumed[i] = true
                case (.persons, "national_id"):
                    if set.count == 1, case .text(let n)? = set.first, r.nationalID == nil { r.nationalID = n; r.consumed[i] = true }
                case (.persons, "status"), (.status_history, "status"), (.status_changes, "status"):
                    let s = Set(set.compactMap { Status(code: $0.text) })
                    r.statuses = r.statuses.map { $0.intersection(s) } ?? s; r.consumed[i] = true
                case (.persons, "commune"), (.events, "commune"), (.status_history, "commune"), (.status_changes, "commune"), (.overdue, "commune"):
                    let s = Set(set.compactMap { v -> Int32? in if case .int(let n) = v { return Int32(exactly: n) }; return nil })
                    r.communes = r.communes.map { $0.intersection(s) } ?? s; r.consumed[i] = true
                case (.events, "kind"), (.overdue, "kind"):
                    let s = Set(set.compactMap { CaseEvent.Kind(code: $0.text) })
                    r.kinds = r.kinds.map { $0.intersection(s) } ?? s; r.consumed[i] = true
                default: break
                }
                continue
            }
            let name: String, range: DayRange
            switch p {
            case let .dateIn(c, ranges) where ranges.count == 1:
                name = table.columns[c].name; range = ranges[0]
            case let .compare(c, .less, .date(d)):
                name = table.columns[c].name; range = DayRange(Planner.allDays.start, max(Planner.allDays.start, d))
            case let .compare(c, .greaterOrEqual, .date(d)):
                name = table.columns[c].name; range = DayRange(min(d, Planner.allDays.end), Planner.allDays.end)
            default: continue
            }
            guard (table.name == .events && name == "date") || (table.name == .status_history && (name == "start" || name == "end"))
                    || (table.name == .status_changes && name == "date") else { continue }
            let old = r.ranges[name] ?? Planner.allDays
            let start = max(old.start, range.start)
            r.ranges[name] = DayRange(start, max(start, min(old.end, range.end)))
            r.consumed[i] = true
        }
        return r
    }

    func refs(_ codes: Set<Int32>?) -> [CommuneRef]? {
        codes.map { $0.sorted().compactMap { context.communes.entry(code: $0)?.ref } }
    }

    // MARK: Choice

    /// `BY PLACES AS OF` a day before the reform: counts of persons (now or on a day) and of
    /// events by the old communes from the count and dated indexes (no record is read); other
    /// questions of persons, events and status changes read their rows through an index or a
    /// scan, each row naming its commune of then.
    private func choosePlaces(_ plan: inout Plan, _ r: Restrictions, conjuncts: [Predicate], day: Day, token: Token, explicitAsOf: Bool) throws {
        let what = "BY PLACES AS OF a day before 1/7/2025 names the communes of then (persons, events and status_changes)"
        guard [.persons, .events, .status_changes].contains(plan.table.name) else {
            throw QueryError(what + "; \(plan.table.name.rawValue) is not read by the old communes", at: token)
        }
        guard r.communes == nil else {
            throw QueryError(what + "; a condition on commune is not read with it (the commune codes differ between the trees): group by commune instead", at: token)
        }
        let groupNames = Set(plan.groupBy.map { plan.table.columns[$0].name })
        // An officer's counts read the records the officer reads (the count indexes span the province).
        let officer = context.program.access.role == .officer
        let countable = !officer && plan.table.name == .persons && plan.aggregates && r.consumed.allSatisfy { $0 } && r.ids == nil && r.nationalID == nil
            && !plan.outputs.contains { if case .sum = $0 { true } else { false } } && groupNames.isSubset(of: ["status", "commune", "commune_name", "province"])
        let statuses = r.statuses.map { $0.sorted { $0.rawValue < $1.rawValue } }
        if countable && !explicitAsOf {
            plan.count = .personsCurrentByPlaces(statuses: statuses, day: day)
            plan.estimate = context.communes.entries.count * 2 * (statuses?.count ?? Status.allCases.count)
            return
        }
        // Events per kind in a period, and the sums of their amounts (the columns named by the
        // measures' codes), from the dated count and sum indexes.
        let measures: [CaseEvent.Measure] = plan.outputs.compactMap {
            guard case .sum(let c) = $0 else { return nil }
            return CaseEvent.Measure(code: plan.table.columns[c].name)
        }
        let sums = plan.outputs.filter { if case .sum = $0 { true } else { false } }.count
        if !officer && plan.table.name == .events && plan.aggregates && r.consumed.allSatisfy({ $0 }) && r.ids == nil
            && measures.count == sums && groupNames.isSubset(of: ["kind", "commune", "commune_name", "province"]) {
            let kinds = r.kinds.map { $0.sorted { $0.rawValue < $1.rawValue } }
            plan.count = .eventsByPlaces(kinds: kinds, range: r.ranges["date"] ?? Planner.allDays, placesDay: day, measures: measures)
            plan.estimate = context.communes.entries.count * 2 * (1 + measures.count * (kinds?.count ?? CaseEvent.Kind.allCases.count))
            return
        }
        // Status changes in a period, by their key; conditions on direction, cause and event are
        // applied to the counted keys.
        let keyColumns: Set<String> = ["status", "direction", "cause", "event"]
        if !officer && plan.table.name == .status_changes && plan.aggregates && r.ids == nil
            && !plan.outputs.contains(where: { if case .sum = $0 { true } else { false } })
            && groupNames.isSubset(of: keyColumns.union(["commune", "commune_name"]))
            && plan.residual.allSatisfy({ $0.columnsUsed.allSatisfy { keyColumns.contains(plan.table.columns[$0].name) } }) {
            let statuses = r.statuses.map { $0.sorted { $0.rawValue < $1.rawValue } }
            plan.count = .changesByPlaces(statuses: statuses, range: r.ranges["date"] ?? Planner.allDays, placesDay: day)
            plan.estimate = context.communes.entries.count * 2
            return
        }
        // In a status on a day (the flow indexes count statuses held, not "none").
        if countable, let statuses, !statuses.contains(.none) {
            plan.count = .personsOnDayByPlaces(statuses: statuses, day: plan.asOf, placesDay: day)
            plan.estimate = context.communes.entries.count * 2 * 2 * 5
            return
        }
        plan.placesDay = day
        do {
            try choose(&plan, r, conjuncts: conjuncts, explicitAsOf: explicitAsOf, counting: false)
        } catch HosoError.accessDenied where officer {
            // The access is chosen before its estimate, which counts the province: unknown to an officer.
            plan.estimate = 0
        }
    }

    private func choose(_ plan: inout Plan, _ r: Restrictions, conjuncts: [Predicate], explicitAsOf: Bool, counting: Bool = true) throws {
        let program = context.program
        let allConsumed = r.consumed.allSatisfy { $0 }
        let groupNames = Set(plan.groupBy.map { plan.table.columns[$0].name })
        let perCommune = groupNames.contains("commune") || groupNames.contains("commune_name")
        let province = Area.province(context.province)
        let communes = refs(r.communes)
        func areas() -> [Area] { (communes ?? (perCommune ? context.communes.entries.map(\.ref) : nil))?.map { .commune($0) } ?? [province] }

        switch plan.table.name {
        case .persons:
            let countable = counting && plan.aggregates && allConsumed && r.ids == nil && r.nationalID == nil
                && plan.outputs.allSatisfy { if case .sum = $0 { return false }; return true }
                && groupNames.isSubset(of: ["status", "commune", "commune_name", "province"])
            let statuses = r.statuses.map { $0.sorted { $0.rawValue < $1.rawValue } }
            if countable && !explicitAsOf {
                plan.count = .personsCurrent(statuses: statuses, communes: communes, perCommune: perCommune)
                plan.estimate = areas().count * (statuses?.count ?? Status.allCases.count)
                return
            }
            if countable && counting, let statuses, !statuses.contains(.none) {
                plan.count = .personsOnDay(statuses: statuses, communes: communes, perCommune: perCommune, day: plan.asOf)
                plan.estimate = areas().count * 2 * 5
                return
            }
            if let ids = r.ids {
                plan.access = .personsByID(ids.sorted()); plan.estimate = ids.count; return
            }
            if let n = r.nationalID { plan.access = .personByNationalID(n); plan.estimate = 1; return }
            if !explicitAsOf, statuses != nil || communes != nil {
                plan.access = .personsCurrent(statuses: statuses, communes: communes)
                var n = 0
                for area in communes.map({ $0.map { Area.commune($0) } }) ?? [province] {
                    let counts = try program.currentCounts(in: area)
                    n += statuses.map { $0.reduce(0) { $0 + (counts[$1] ?? 0) } } ?? counts.values.reduce(0, +)
                }
                plan.estimate = n
                return
            }
            if explicitAsOf, let statuses, !statuses.contains(.none) {
                plan.access = .personsOnDay(statuses: statuses, communes: communes, day: plan.asOf)
                var n = 0
                for area in communes.map({ $0.map { Area.commune($0) } }) ?? [province] {
                    let counts = try program.countPersonsByStatus(in: area, on: plan.asOf)
                    n += statuses.reduce(0) { $0 + (counts[$1] ?? 0) }
                }
                plan.estimate = n
                return
            }
            let stored = Planner.storedConditions(conjuncts, in: plan.table)
            plan.access = stored.isEmpty ? .personsScan : .personsFiltered(PersonFilter(stored))
            plan.estimate = try program.read { try $0.storedPersonCount() }
            // COUNT(*) alone, every conjunct decided on the stored bytes: counted on them, no file decoded.
            if counting, plan.aggregates, plan.groupBy.isEmpty, !stored.isEmpty, stored.count == conjuncts.count,
               plan.outputs.allSatisfy({ $0 == .count }) {
                plan.count = .personsMatching(PersonFilter(stored))
            }
        case .events:
            // The amounts the sum indexes keep are the columns named by their measures' codes.
            let measures: [CaseEvent.Measure] = plan.outputs.compactMap {
                guard case .sum(let c) = $0 else { return nil }
                return CaseEvent.Measure(code: plan.table.columns[c].name)
            }
            let sums = plan.outputs.filter { if case .sum = $0 { return true }; return false }.count
            let countable = counting && plan.aggregates && allConsumed && r.ids == nil && measures.count == sums
                && groupNames.isSubset(of: ["kind", "commune", "commune_name", "province"])
            let kinds = r.kinds.map { $0.sorted { $0.rawValue < $1.rawValue } }
            let range = r.ranges["date"] ?? Planner.allDays
            if countable {
                plan.count = .events(kinds: kinds, communes: communes, perCommune: perCommune, range: range, measures: measures)
                plan.estimate = areas().count * (1 + measures.count * (kinds?.count ?? CaseEvent.Kind.allCases.count))
                return
            }
            if let ids = r.ids { plan.access = .eventsByID(ids.sorted()); plan.estimate = ids.count; return }
            func estimate(_ areas: [Area]) throws -> Int {
                var n = 0
                for a in areas {
                    let counts = try program.countEvents(in: a, during: range)
                    n += kinds.map { $0.reduce(0) { $0 + (counts[$1] ?? 0) } } ?? counts.values.reduce(0, +)
                }
                return n
            }
            if let communes {
                plan.access = .eventsByCommuneKindDate(communes: communes, kinds: kinds ?? CaseEvent.Kind.allCases, range: range)
                plan.estimate = try estimate(communes.map { .commune($0) })
                return
            }
            if r.ranges["date"] != nil {
                plan.access = .eventsByDate(range)
                plan.estimate = try program.countEvents(in: province, during: range).values.reduce(0, +)
                return
            }
            if let kinds {
                plan.access = .eventsByCommuneKindDate(communes: context.communes.entries.map(\.ref), kinds: kinds, range: range)
                plan.estimate = try estimate([province])
                return
            }
            plan.access = .eventsScan
            plan.estimate = try program.read { try $0.storedEventCount() }
        case .communes:
            plan.access = .communeList
            plan.estimate = context.communes.entries.count
        case .status_history:
            if let statuses = r.statuses.map({ $0.sorted { $0.rawValue < $1.rawValue } }), !statuses.contains(.none),
               let edge = r.ranges["start"].map({ (IntervalEdge.start, $0) }) ?? r.ranges["end"].map({ (IntervalEdge.end, $0) }) {
                plan.access = .historyByEdge(statuses: statuses, edge: edge.0, range: edge.1, communes: communes)
                var n = 0
                for area in communes.map({ $0.map { Area.commune($0) } }) ?? [province] {
                    for s in statuses { n += try program.countFlow(s, edge.0, in: area, during: edge.1) }
                }
                plan.estimate = n
                // Consumed conjuncts other than the chosen edge's are still applied by the full condition.
                return
            }
            plan.access = .historyScan
            plan.estimate = try program.read { try $0.storedPersonCount() }
        case .status_changes:
            if let range = r.ranges["date"] {
                // Status and commune conjuncts stay in the full condition.
                plan.access = .changesByDate(range: range, communes: communes)
                plan.estimate = try program.countStatusChanges(in: province, during: range).counts.values.reduce(0, +)
                return
            }
            plan.access = .changesScan
            plan.estimate = try program.read { try $0.storedPersonCount() }
        case .overdue:
            let kinds = [CaseEvent.Kind.tip, .hotspot].filter { r.kinds?.contains($0) ?? true }
            plan.access = .overdueOnDay(kinds: kinds, communes: communes, day: plan.asOf)
            plan.estimate = try program.read { q in
                try kinds.reduce(0) { n, k in try n + q.overdueCount(k, in: province, on: plan.asOf) }
            }
        }
    }
}
