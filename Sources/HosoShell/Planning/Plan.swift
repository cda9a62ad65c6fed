import HosoDomain

/// How rows are found: an index that yields candidate records (the full condition is then
/// applied to each), or a scan.
///
/// ```swift
/// let access = AccessPath.personsOnDay(statuses: [.addict], communes: nil, day: day)   // interval index
/// print(access == .personsOnDay(statuses: [.addict], communes: nil, day: day))   // true
/// ```
public enum AccessPath: Sendable, Hashable {
    /// Persons by id (record get).
    case personsByID([RecordID])
    /// Person by national ID (unique index).
    case personByNationalID(String)
    /// Persons by current status and/or commune (`status_commune` / `commune` value indexes).
    case personsCurrent(statuses: [Status]?, communes: [CommuneRef]?)
    /// Persons in a status on a day (interval index).
    case personsOnDay(statuses: [Status], communes: [CommuneRef]?, day: Day)
    /// Every person.
    case personsScan
    /// Every person whose stored fields pass the filter (the conjuncts of the condition that
    /// the stored bytes decide, ``Planner/storedConditions(_:in:)``): a full scan decoding only
    /// the files that pass.
    case personsFiltered(PersonFilter)
    /// History of persons who entered (`start`) or left (`end`) a status during a range (interval index by start or end).
    case historyByEdge(statuses: [Status], edge: IntervalEdge, range: DayRange, communes: [CommuneRef]?)
    /// History of every person.
    case historyScan
    /// Status changes during a range (index `person.status_change`), per commune.
    case changesByDate(range: DayRange, communes: [CommuneRef]?)
    /// Status changes of every person.
    case changesScan
    /// Tips and hotspots open past their deadline on a day (interval index `event.overdue`).
    case overdueOnDay(kinds: [CaseEvent.Kind], communes: [CommuneRef]?, day: Day)
    /// Every event, keeping those open past their deadline on a day.
    case overdueScan(day: Day)
    /// Events by id.
    case eventsByID([RecordID])
    /// Events by `(commune, kind, day)`.
    case eventsByCommuneKindDate(communes: [CommuneRef], kinds: [CaseEvent.Kind], range: DayRange)
    /// Events by day.
    case eventsByDate(DayRange)
    /// Every event.
    case eventsScan
    /// The tenant's commune list.
    case communeList
}

/// An aggregate answered from count indexes, without reading records.
public enum CountPath: Sendable, Hashable {
    /// Current persons per status (count index `current_count`), per commune or for the province.
    case personsCurrent(statuses: [Status]?, communes: [CommuneRef]?, perCommune: Bool)
    /// Persons per status on a day (dated indexes `status_flow` for the province and
    /// `commune_flow` per commune: entries minus exits).
    case personsOnDay(statuses: [Status], communes: [CommuneRef]?, perCommune: Bool, day: Day)
    /// The persons whose own fields pass the filter (every conjunct of the condition), counted
    /// on each file's stored bytes with no file decoded, on every core
    /// (``HosoDomain/ProgramSnapshot/countPersons(matching:examined:)``): a full scan, but no
    /// row built. A condition on a personal field compares it in every file examined, and
    /// those files are logged as read, as the scan that decodes them logs them.
    case personsMatching(PersonFilter)
    /// Events per kind (dated count indexes `province_per_day` / `area_per_month`) and sums
    /// (`province_amounts_per_day` / `area_amounts_per_month`) during a range.
    case events(kinds: [CaseEvent.Kind]?, communes: [CommuneRef]?, perCommune: Bool, range: DayRange, measures: [CaseEvent.Measure])
    /// Current persons per status by the communes in force on `day` before the 2025 reform
    /// (`BY PLACES AS OF`): the count indexes `current_count` and `named_count` per commune, their
    /// keys mapped to the old communes (``HosoDomain/ProgramSnapshot/currentCountsByPlaces(on:in:)``).
    case personsCurrentByPlaces(statuses: [Status]?, day: Day)
    /// Persons per status on `day` by the communes in force on `placesDay` before the 2025
    /// reform (`AS OF … BY PLACES AS OF`): the running count indexes `commune_flow` and
    /// `named_flow` per commune, entries minus exits, their keys mapped to the old communes
    /// (``HosoDomain/ProgramSnapshot/countPersonsByPlaces(on:placesAsOf:in:)``).
    case personsOnDayByPlaces(statuses: [Status], day: Day, placesDay: Day)
    /// Events per kind during `range` by the communes in force on `placesDay` before the 2025
    /// reform: the dated count indexes `area_per_month` (days of partial months from
    /// `commune_kind_date`) and `named_per_day` per commune, their keys mapped to the old
    /// communes (``HosoDomain/ProgramSnapshot/countEventsByPlaces(during:placesAsOf:in:)``); the
    /// sums of `measures` likewise from `area_amounts_per_month` and `named_amounts_per_day`
    /// (``HosoDomain/ProgramSnapshot/sumEventsByPlaces(_:kind:during:placesAsOf:in:)``).
    case eventsByPlaces(kinds: [CaseEvent.Kind]?, range: DayRange, placesDay: Day, measures: [CaseEvent.Measure])
    /// Status changes per key during `range` by the communes in force on `placesDay` before the
    /// 2025 reform: the dated count indexes `commune_changes` (days of partial months from
    /// `status_change`) and `named_changes` per commune, their keys mapped to the old communes
    /// (``HosoDomain/ProgramSnapshot/countStatusChangesByPlaces(during:placesAsOf:in:)``); the
    /// plan's residual conditions (on direction, cause, event) are applied to the keys.
    case changesByPlaces(statuses: [Status]?, range: DayRange, placesDay: Day)
}

/// A planned query: where the rows come from, the condition, grouping, order and limits.
///
/// ```swift
/// guard case .select(let statement) = try Parser.parse("SELECT * FROM persons WHERE status = 'addict'") else { return }
/// let plan = try Planner(context: context).plan(statement)
/// print(plan.explain().isEmpty)   // false
/// ```
public struct Plan: Sendable {
    /// The table.
    public var table: TableSchema
    /// The day `status`, `commune` and `minor` of persons are read on.
    public var asOf: Day
    /// `BY PLACES AS OF` a day before the 2025 reform: rows name the communes in force then
    /// (``HosoDomain/PlaceHistory/place(on:current:named:placedIn:)``); nil for today's communes.
    public var placesDay: Day?
    /// The bound condition (applied to every candidate row), nil for none.
    public var predicate: Predicate?
    /// Rows from an index or a scan, when ``count`` is nil.
    public var access: AccessPath
    /// An aggregate answered from count indexes.
    public var count: CountPath?
    /// Conjuncts the index does not answer (applied after it).
    public var residual: [Predicate]
    /// Estimated rows read (or index keys, for a count path).
    public var estimate: Int
    /// Output columns.
    public var outputs: [Output]
    /// Group-by column positions.
    public var groupBy: [Int]
    /// Whether it aggregates.
    public var aggregates: Bool
    /// Sort keys.
    public var order: [SortKey]
    /// Limits.
    public var limit: Int?, offset: Int

    /// One output column.
    public enum Output: Sendable, Hashable {
        /// A table column.
        case column(Int)
        /// `COUNT(*)`.
        case count
        /// `SUM(column)`.
        case sum(Int)
    }

    /// A sort key: an output position (aggregates) or a table column (plain rows).
    public struct SortKey: Sendable, Hashable {
        /// Position in the output (aggregates), or in the table row (plain rows).
        public var index: Int
        /// Whether the index is an output position.
        public var isOutput: Bool
        /// Descending.
        public var descending: Bool
    }

    /// Output column names.
    public var columnNames: [String] {
        outputs.map {
            switch $0 {
            case .column(let c): table.columns[c].name
            case .count: "count"
            case .sum(let c): "sum_" + table.columns[c].name
            }
        }
    }

    /// The plan in words, one line per step.
    public func explain() -> [String] {
        var lines: [String] = []
        func n(_ index: IndexDefinition) -> String { ProgramTenant.qualifiedName(of: index) }
        let cols = table.columns
        func communes(_ c: [CommuneRef]?) -> String {
            guard let c else { return "all communes" }
            return c.count == 1 ? "commune \(c[0].commune)" : "\(c.count) communes"
        }
        func codes(_ s: [Status]?) -> String { s.map { $0.map(\.code).joined(separator: ", ") } ?? "every status" }
        if let count {
            switch count {
            case let .personsCurrent(statuses, c, per):
                lines.append("COUNT from count index \(n(Person.currentCounts)) (level \(per || c != nil ? "commune" : "province"), status: \(codes(statuses)), \(communes(c))); current day \(asOf)")
            case .personsMatching(let f):
                lines.append("COUNT by a full scan of persons, deciding \(f) on the stored bytes (no file decoded, on every core)")
            case let .personsOnDay(statuses, c, per, day):
                lines.append("COUNT from dated count index \(per || c != nil ? n(Person.communeFlow) : n(Person.statusFlow)): entries minus exits up to \(day) (status: \(codes(statuses)), \(per || c != nil ? "per commune" : "province level"), \(communes(c)))")
            case let .personsCurrentByPlaces(statuses, day):
                lines.append("COUNT from count indexes \(n(Person.currentCounts)) and \(n(Person.namedCounts)) per commune (status: \(codes(statuses))), "
                             + "keys mapped to the communes of \(day) (the pre-2025 tree: each file in the old commune it named, else the only one its commune took over); current day \(asOf)")
            case let .personsOnDayByPlaces(statuses, day, placesDay):
                lines.append("COUNT from dated count indexes \(n(Person.communeFlow)) and \(n(Person.namedFlow)) per commune: entries minus exits up to \(day) (status: \(codes(statuses))), "
                             + "keys mapped to the communes of \(placesDay) (the pre-2025 tree: each file in the old commune it named while in the commune it was placed in, else the only one its commune took over); no record read")
            case let .eventsByPlaces(kinds, range, placesDay, measures):
                lines.append("COUNT from dated count indexes \(n(CaseEvent.perMonth)) (days of partial months: entries of \(n(CaseEvent.byCommuneKindDate))) and \(n(CaseEvent.namedPerDay)) per commune "
                             + "(kind: \(kinds.map { $0.map(\.code).joined(separator: ", ") } ?? "every kind"), days \(Predicate.rangeText(range))), keys mapped to the communes of \(placesDay) "
                             + "(the pre-2025 tree: each event in the old commune it named, else the only one its commune took over); no record read")
                if !measures.isEmpty {
                    lines.append("SUM from dated sum indexes \(n(CaseEvent.amountsPerMonth)) and \(n(CaseEvent.namedAmountsPerDay)) per commune (\(measures.map { "\($0)" }.joined(separator: ", "))), keys mapped likewise")
                }
            case let .changesByPlaces(statuses, range, placesDay):
                lines.append("COUNT from dated count indexes \(n(Person.communeChanges)) (days of partial months: entries of \(n(Person.byStatusChange))) and \(n(Person.namedChanges)) per commune "
                             + "(status: \(codes(statuses)), days \(Predicate.rangeText(range))), keys mapped to the communes of \(placesDay) "
                             + "(the pre-2025 tree: a file's change in the commune it was placed in under the old commune it named, else the only one its commune took over); no record read")
                if !residual.isEmpty { lines.append("filter on the counted keys: " + residual.map { $0.describe(cols) }.joined(separator: " AND ")) }
            case let .events(kinds, c, per, range, measures):
                lines.append("COUNT from the dated count indexes of events (\(n(CaseEvent.perDay)) and its per-area companion) (kind: \(kinds.map { $0.map(\.code).joined(separator: ", ") } ?? "every kind"), \(per || c != nil ? "per commune" : "province level"), \(communes(c)), days \(Predicate.rangeText(range)))")
                if !measures.isEmpty { lines.append("SUM from the dated sum indexes of events (\(n(CaseEvent.amountsPerDay)) and its per-area companion) (\(measures.map { "\($0)" }.joined(separator: ", ")))") }
            }
            if case .personsMatching = count { lines.append("estimated files read: \(estimate)") } else { lines.append("estimated index keys: \(estimate)") }
        } else {
            switch access {
            case .personsByID(let ids): lines.append("GET person by id (\(ids.count) id\(ids.count == 1 ? "" : "s"))")
            case .personByNationalID(let id): lines.append("LOOKUP unique index \(n(Person.byNationalID)) = '\(id)'")
            case let .personsCurrent(s, c):
                lines.append(s != nil ? "SCAN index \(n(Person.byStatusCommune)) (status: \(codes(s)), \(communes(c))); current day \(asOf)"
                                      : "SCAN index \(n(Person.byCommune)) (\(communes(c))); current day \(asOf)")
            case let .personsOnDay(s, c, day): lines.append("SCAN interval index \(n(Person.statusIntervals)) on \(day) (status: \(codes(s)), \(communes(c)))")
            case .personsScan: lines.append("full scan of persons")
            case .personsFiltered(let f): lines.append("full scan of persons, deciding \(f) on the stored bytes (only the files that pass are decoded)")
            case let .historyByEdge(s, edge, range, c):
                lines.append("SCAN interval index \(n(Person.statusIntervals)) by \(edge == .start ? "start" : "end") in \(Predicate.rangeText(range)) (status: \(codes(s)), \(communes(c)))")
            case .historyScan: lines.append("full scan of status_history (every person's history)")
            case let .changesByDate(range, c): lines.append("SCAN index \(n(Person.byStatusChange)) (\(communes(c)), days \(Predicate.rangeText(range)))")
            case .changesScan: lines.append("full scan of status_changes (every person's changes)")
            case let .overdueOnDay(k, c, day):
                lines.append("SCAN interval index \(n(CaseEvent.overdue)) on \(day) (kind: \(k.map(\.code).joined(separator: ", ")), \(communes(c)))")
            case .overdueScan(let day): lines.append("full scan of events, keeping those overdue on \(day)")
            case .eventsByID(let ids): lines.append("GET event by id (\(ids.count) id\(ids.count == 1 ? "" : "s"))")
            case let .eventsByCommuneKindDate(c, k, range):
                lines.append("SCAN index \(n(CaseEvent.byCommuneKindDate)) (\(communes(c)), kind: \(k.count == CaseEvent.Kind.allCases.count ? "every kind" : k.map(\.code).joined(separator: ", ")), days \(Predicate.rangeText(range)))")
            case .eventsByDate(let range): lines.append("SCAN index \(n(CaseEvent.byDate)) (days \(Predicate.rangeText(range)))")
            case .eventsScan: lines.append("full scan of events")
            case .communeList: lines.append("full scan of communes (the tenant's commune list)")
            }
            lines.append("estimated rows: \(estimate)")
            if let placesDay {
                lines.append("each row names its commune of \(placesDay) (the pre-2025 tree: the old commune the record named, else the only one its commune took over)")
            }
            if !residual.isEmpty { lines.append("filter: " + residual.map { $0.describe(cols) }.joined(separator: " AND ")) }
        }
        if aggregates {
            lines.append(groupBy.isEmpty ? "aggregate: one row" : "group by " + groupBy.map { cols[$0].name }.joined(separator: ", "))
        }
        if !order.isEmpty {
            lines.append("sort by " + order.map { ($0.isOutput ? columnNames[$0.index] : cols[$0.index].name) + ($0.descending ? " DESC" : "") }.joined(separator: ", "))
        }
        if let limit { lines.append("limit \(limit)" + (offset > 0 ? " offset \(offset)" : "")) }
        return lines
    }
}

extension Plan {
    /// The statements the planner answers from each index it uses: the one place where the
    /// shell's plans meet the schema's indexes (`.indexes` lists the schema's indexes from
    /// ``ProgramTenant/indexCatalog`` with these beside them).
    static let statementsServed: [(IndexDefinition, String)] = [
        (Person.byNationalID, "persons WHERE national_id = '…'"),
        (Person.byStatusCommune, "persons WHERE status = … [AND commune = …] (no AS OF, or AS OF today)"),
        (Person.byCommune, "persons WHERE commune = … / commune_name = …"),
        (Person.currentCounts, "COUNT(*) FROM persons WHERE status/commune … GROUP BY status/commune"),
        (Person.statusFlow, "COUNT(*) FROM persons WHERE status = … AS OF 'day' (province)"),
        (Person.communeFlow, "COUNT(*) FROM persons WHERE status = … AS OF 'day' GROUP BY commune (running totals per commune)"),
        (Person.namedFlow, "COUNT(*) FROM persons WHERE status = … AS OF 'day' GROUP BY commune BY PLACES AS OF 'day before 1/7/2025'"),
        (Person.statusIntervals, "persons WHERE status = … AS OF 'day'; status_history WHERE status = … AND start|end in a period"),
        (Person.byStatusChange, "status_changes WHERE date in a period [AND commune = …]"),
        (CaseEvent.overdue, "overdue [WHERE kind = … AND commune = …] [AS OF 'day']"),
        (CaseEvent.byCommuneKindDate, "events WHERE commune = … [AND kind = …] [AND date …]"),
        (CaseEvent.byDate, "events WHERE date in a period"),
        (CaseEvent.perDay, "COUNT(*) FROM events WHERE date/kind … GROUP BY kind (province)"),
        (CaseEvent.perMonth, "COUNT(*) FROM events WHERE date/kind/commune … GROUP BY kind/commune"),
        (Person.namedChanges, "COUNT(*) FROM status_changes WHERE date … GROUP BY commune, status, direction, cause BY PLACES AS OF 'day before 1/7/2025'"),
        (CaseEvent.namedPerDay, "COUNT(*) FROM events WHERE date/kind … GROUP BY commune, kind BY PLACES AS OF 'day before 1/7/2025'"),
        (CaseEvent.namedAmountsPerDay, "SUM(plants|area_m2|…) FROM events WHERE date/kind … GROUP BY commune, kind BY PLACES AS OF 'day before 1/7/2025'"),
        (CaseEvent.amountsPerDay, "SUM(plants|area_m2|…) FROM events … (province)"),
        (CaseEvent.amountsPerMonth, "SUM(plants|area_m2|…) FROM events … GROUP BY commune"),
    ]

    /// The `.indexes` listing: every index of the program's schema as the engine describes it,
    /// with the statements the planner answers from it.
    static func indexCatalogText() -> String {
        let rows = ProgramTenant.indexCatalog.map { d -> (String, String, String, String) in
            let served = statementsServed.filter { $0.0 === d.index }.map(\.1)
            return (d.recordType + "." + d.name, d.kind.description, d.keyLayout + " → " + d.valueLayout,
                    served.isEmpty ? "(engine questions: " + d.questions.map(\.name).joined(separator: ", ") + ")" : served.joined(separator: "; "))
        }
        let w0 = max(5, rows.map(\.0.count).max() ?? 0), w1 = max(4, rows.map(\.1.count).max() ?? 0)
        func pad(_ t: String, _ w: Int) -> String { t + String(repeating: " ", count: max(0, w - t.count)) }
        var out = pad("index", w0) + "  " + pad("kind", w1) + "  answers\n"
        for r in rows {
            out += pad(r.0, w0) + "  " + pad(r.1, w1) + "  " + r.3 + "\n"
            out += pad("", w0) + "  " + pad("", w1) + "  key " + r.2 + "\n"
        }
        return out
    }
}

