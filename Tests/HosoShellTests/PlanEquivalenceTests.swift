import Testing
import HosoDomain
@testable import HosoShell
import HosoStore

/// Random statements answered twice: with the plan the planner chose (count indexes, value,
/// unique and interval indexes) and with the same plan forced to a full scan. The answers must
/// be the same rows.
@Suite struct PlanEquivalenceTests {
    struct Random {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(n))
        }
        mutating func pick<T>(_ a: [T]) -> T { a[next(a.count)] }
    }

    func scanned(_ plan: Plan) -> Plan {
        var p = plan
        p.count = nil
        switch p.table.name {
        case .persons: p.access = .personsScan
        case .events: p.access = .eventsScan
        case .status_history: p.access = .historyScan
        case .status_changes: p.access = .changesScan
        case .overdue: p.access = .overdueScan(day: p.asOf)
        case .communes: p.access = .communeList
        }
        return p
    }

    @Test func indexPlansAnswerLikeFullScans() throws {
        let f = try Fixture.get()
        var r = Random(state: 77)
        let communes = f.context.communes.entries
        let periods = ["2024", "2025-H1", "2025-Q3", "2025-06", "2024-12-10", "2026"]
        var kinds = [String: Int]()
        for i in 0..<120 {
            let commune = r.pick(communes)
            let status = r.pick(Status.allCases.filter { $0 != .none }).code
            let second = r.pick(Status.allCases.filter { $0 != .none }).code
            let kind = r.pick(CaseEvent.Kind.allCases).code
            let period = r.pick(periods)
            let day = r.pick(["2024-06-01", "2025-12-10", "10/6/2025", "2026-03-15"])
            let sql: String
            switch i % 8 {
            case 0:
                let group = r.pick(["", " GROUP BY commune_name", " GROUP BY status", " GROUP BY status, commune"])
                let select = group.isEmpty ? "COUNT(*)" : group.replacingOccurrences(of: " GROUP BY ", with: "") + ", COUNT(*)"
                let place = r.pick(["", " AND commune = \(commune.ref.commune)", " AND commune_name IN ('\(commune.name)', '\(r.pick(communes).name)')"])
                let asOf = r.pick(["", " AS OF '\(day)'"])
                sql = "SELECT \(select) FROM persons WHERE status IN ('\(status)', '\(second)')\(place)\(asOf)\(group)"
            case 1:
                let asOf = r.pick(["", " AS OF '\(day)'"])
                let extra = r.pick(["", " AND minor", " AND sex = 'female'", " AND commune = \(commune.ref.commune)"])
                sql = "SELECT id, status, commune FROM persons WHERE status = '\(status)'\(extra)\(asOf)"
            case 2:
                let group = r.pick(["", " GROUP BY kind", " GROUP BY commune", " GROUP BY kind, commune_name"])
                let select = group.isEmpty ? "COUNT(*), SUM(plants)" : group.replacingOccurrences(of: " GROUP BY ", with: "") + ", COUNT(*), SUM(arrested), SUM(quantity)"
                let cond = r.pick(["date = '\(period)'", "kind = '\(kind)' AND date = '\(period)'", "date IN REPORT YEAR 2025 AND commune = \(commune.ref.commune)",
                                   "kind IN ('\(kind)', 'tip') AND date >= '\(day)'", "commune_name = '\(commune.name)'"])
                sql = "SELECT \(select) FROM events WHERE \(cond)\(group)"
            case 3:
                let cond = r.pick(["commune = \(commune.ref.commune) AND kind = '\(kind)'", "date = '\(period)'", "kind = '\(kind)'",
                                   "commune = \(commune.ref.commune) AND date BETWEEN '2024-06-01' AND '\(day)'", "date < '\(day)' AND kind = '\(kind)'"])
                sql = "SELECT id, kind, date FROM events WHERE \(cond) AND plants >= 0"
            case 4:
                let edge = r.pick(["start", "end"])
                let place = r.pick(["", " AND commune = \(commune.ref.commune)"])
                sql = "SELECT person_id, status, start, end FROM status_history WHERE status IN ('\(status)', '\(second)') AND \(edge) = '\(period)'\(place)"
            case 5:
                let place = r.pick(["", " AND commune = \(commune.ref.commune)", " AND status = '\(status)'"])
                let cause = r.pick(["", " AND cause IN ('new', 'arrived')", " AND direction = 'exit' AND in_province"])
                sql = "SELECT person_id, date, direction, status, cause, event FROM status_changes WHERE date = '\(period)'\(place)\(cause)"
            case 6:
                let cond = r.pick(["", " WHERE kind = 'tip'", " WHERE commune = \(commune.ref.commune)", " WHERE kind = 'hotspot' AND days_overdue > 30"])
                sql = "SELECT id, kind, commune, deadline, days_overdue FROM overdue\(cond) AS OF '\(day)'"
            default:
                sql = r.pick(["SELECT id FROM persons WHERE id IN (\(r.next(3000) + 1), \(r.next(3000) + 1))",
                              "SELECT id FROM persons WHERE national_id = '\(f.persons[r.next(f.persons.count)].nationalID ?? "")'",
                              "SELECT id FROM events WHERE id = \(r.next(15000) + 1)"])
            }
            let plan = try f.plan(sql)
            let label = plan.count != nil ? "count" : "\(plan.access)".prefix { $0 != "(" }.description
            kinds[label, default: 0] += 1
            let executor = Executor(context: f.context)
            let fast = try executor.run(plan).rows
            let slow = try executor.run(scanned(plan)).rows
            #expect(bag(fast) == bag(slow), "\(sql)\nplan: \(plan.explain().joined(separator: "; "))")
        }
        // The random statements exercised every kind of plan.
        for k in ["count", "personsByID", "personByNationalID", "personsCurrent", "personsOnDay", "historyByEdge", "changesByDate", "overdueOnDay", "eventsByID", "eventsByCommuneKindDate", "eventsByDate"] {
            #expect(kinds[k, default: 0] > 0, "no statement used \(k): \(kinds)")
        }
    }

    /// Conditions on persons' own fields are decided on the stored bytes during a full scan
    /// (``Planner/storedConditions(_:in:)``): the rows equal those of a scan that decodes every
    /// file and checks the condition on its row, for random conditions on every field the
    /// bytes decide, with other conditions beside them, and texts spelled with combining marks.
    @Test func conditionsDecidedOnTheStoredBytesAnswerLikeDecodedScans() throws {
        let f = try Fixture.get()
        var r = Random(state: 2026)
        let occupations = Array(Set(f.persons.compactMap(\.occupation).filter { !$0.isEmpty })).sorted()
        let villages = Array(Set(f.persons.compactMap(\.village).filter { !$0.isEmpty })).sorted()
        let names = f.persons.prefix(50).map(\.fullName)
        func decomposed(_ s: String) -> String { s.decomposedStringWithCanonicalMapping }
        var filtered = 0, countedOnBytes = 0
        for i in 0..<80 {
            let occupation = r.pick(occupations)
            let day = r.pick(["1975-01-01", "1980-06-15", "1990-01-01", "2000-12-31"])
            var conds = [
                r.pick(["occupation = '\(occupation)'", "occupation = '\(decomposed(occupation))'", "occupation IN ('\(occupation)', '\(r.pick(occupations))')"]),
                r.pick(["birth_date < '\(day)'", "birth_date >= '\(day)'", "birth_date = '1980'", "birth_date BETWEEN '1970-01-01' AND '\(day)'", "birth_date <> '\(day)'"]),
                r.pick(["sex = 'female'", "sex IN ('male', 'unknown')", "not_present", "NOT from_another_locality", "file_opened >= '2024-01-01'"]),
                r.pick(["village = '\(r.pick(villages))'", "full_name = '\(decomposed(r.pick(names)))'", "status = 'addict'", "minor", "commune = \(r.pick(f.context.communes.entries).ref.commune)"]),
            ]
            conds = (0..<(1 + r.next(3))).map { _ in r.pick(conds) }
            let select = i % 3 == 0 ? "COUNT(*)" : "id, full_name, occupation, birth_date, status"
            let asOf = i % 4 == 0 ? " AS OF '2025-06-30'" : ""
            let sql = "SELECT \(select) FROM persons WHERE \(conds.joined(separator: " AND "))\(asOf)"
            let plan = try f.plan(sql)
            if case .personsFiltered = plan.access { filtered += 1 }
            if case .personsMatching? = plan.count { countedOnBytes += 1 }
            let executor = Executor(context: f.context)
            let fast = try executor.run(plan).rows
            let slow = try executor.run(scanned(plan)).rows
            #expect(bag(fast) == bag(slow), "\(sql)\nplan: \(plan.explain().joined(separator: "; "))")
        }
        #expect(filtered > 30, "only \(filtered) statements were decided on the stored bytes")
        #expect(countedOnBytes > 5, "only \(countedOnBytes) counts were counted on the stored bytes")
        // A spelling with combining marks finds the files written precomposed.
        let o = occupations.first { !$0.unicodeScalars.elementsEqual(decomposed($0).unicodeScalars) }!
        let n = try Executor(context: f.context).run(try f.plan("SELECT COUNT(*) FROM persons WHERE occupation = '\(decomposed(o))'")).rows
        #expect(n == [[.int(Int64(f.persons.filter { $0.occupation == o }.count))]])
        #expect(f.persons.contains { $0.occupation == o })
    }
}
