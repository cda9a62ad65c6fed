import HosoDomain

extension Planner {
    /// The conjuncts of a condition on persons that each file's stored bytes decide: its own
    /// fields (birth date, file opened, sex, names, villages, occupation, the two flags)
    /// compared with constants. A full scan hands them to ``HosoDomain/PersonFilter`` so
    /// that only the files passing them are decoded; the whole condition is still checked on
    /// each row, so a conjunct left out here only costs time.
    ///
    /// ```swift
    /// guard case .select(let s) = try Parser.parse("SELECT * FROM persons WHERE occupation = 'Lái xe' AND status = 'addict'"),
    ///       let condition = s.condition else { return }
    /// let p = try Binder(context: context).bind(condition, in: .persons)
    /// print(Planner.storedConditions(p.conjuncts, in: .persons).count)   // 1
    /// ```
    public static func storedConditions(_ conjuncts: [Predicate], in table: TableSchema) -> [PersonFilter.Condition] {
        guard table.name == .persons else { return [] }
        return conjuncts.compactMap { storedCondition($0, table) }
    }

    private static func storedCondition(_ p: Predicate, _ table: TableSchema) -> PersonFilter.Condition? {
        func name(_ c: Int) -> String { table.columns[c].name }
        func texts(_ column: String, _ values: Set<String>) -> PersonFilter.Condition? {
            switch column {
            case "full_name": .fullName(values)
            case "village": .village(values)
            case "permanent_village": .permanentVillage(values)
            case "occupation": .occupation(values)
            case "sex":
                values.allSatisfy { Person.Sex(code: $0) != nil } ? .sex(Set(values.compactMap { Person.Sex(code: $0) })) : nil
            default: nil
            }
        }
        switch p {
        case let .compare(c, op, .date(d)):
            let o = stored(op)
            switch name(c) {
            case "birth_date": return .birthDate(o, d)
            case "file_opened": return .fileOpened(o, d)
            default: return nil
            }
        case let .compare(c, .equal, .text(t)):
            return texts(name(c), [t])
        case let .dateIn(c, ranges):
            switch name(c) {
            case "birth_date": return .birthDateIn(ranges)
            case "file_opened": return .fileOpenedIn(ranges)
            default: return nil
            }
        case let .oneOf(c, set):
            var values = Set<String>()
            for v in set { guard case .text(let t) = v else { return nil }; values.insert(t) }
            return texts(name(c), values)
        case .truth(let c):
            return flag(name(c), true)
        case .not(.truth(let c)):
            return flag(name(c), false)
        default:
            return nil
        }
    }

    private static func flag(_ column: String, _ value: Bool) -> PersonFilter.Condition? {
        switch column {
        case "not_present": .notPresent(value)
        case "from_another_locality": .fromAnotherLocality(value)
        default: nil
        }
    }

    private static func stored(_ op: ComparisonOperator) -> PersonFilter.Comparison {
        switch op {
        case .equal: .equal
        case .notEqual: .notEqual
        case .less: .less
        case .lessOrEqual: .lessOrEqual
        case .greater: .greater
        case .greaterOrEqual: .greaterOrEqual
        }
    }
}
