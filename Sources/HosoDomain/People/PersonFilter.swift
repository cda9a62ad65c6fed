import HosoStore

/// Conditions on a person's own fields (not on what is derived as of a day: status, commune),
/// every one of which must hold. A scan with a filter (``PersonSource/matching(_:)``,
/// ``ProgramTenant/countPersons(matching:)``) decides it on each file's stored bytes and
/// decodes only the files that pass, so asking for the few drivers born before 1980 among a
/// province's files costs little more than reading them.
///
/// ```swift
/// let drivers = PersonFilter([.occupation(["Lái xe"]), .birthDate(.less, Day(year: 1980, month: 1, day: 1)!)])
/// var p = Person(id: 1, fullName: "Nguyễn Văn An", commune: congSon, fileOpened: Day(year: 2020, month: 1, day: 1)!)
/// p.occupation = "Lái xe"; p.birthDate = Day(year: 1975, month: 3, day: 2)!
/// print(drivers.matches(p))   // true
/// ```
public struct PersonFilter: Sendable, Hashable, CustomStringConvertible {
    /// How a day field is compared with a day.
    public typealias Comparison = HosoStore.FieldFilter.Comparison

    /// One condition on a file's own fields. A condition on a field the file leaves empty (no
    /// birth date, no occupation, an empty text) does not hold.
    public enum Condition: Sendable, Hashable {
        /// The birth date compared with a day.
        case birthDate(Comparison, Day)
        /// The birth date lies in one of the ranges.
        case birthDateIn([DayRange])
        /// The day the file was opened compared with a day.
        case fileOpened(Comparison, Day)
        /// The day the file was opened lies in one of the ranges.
        case fileOpenedIn([DayRange])
        /// The sex is one of these.
        case sex(Set<Person.Sex>)
        /// The full name is one of these (exact text, as Swift's `==`).
        case fullName(Set<String>)
        /// The village of the current residence is one of these.
        case village(Set<String>)
        /// The village of the permanent residence is one of these.
        case permanentVillage(Set<String>)
        /// The occupation is one of these.
        case occupation(Set<String>)
        /// The file is (true) or is not (false) marked not present at the residence.
        case notPresent(Bool)
        /// The file is (true) or is not (false) marked residing from another locality.
        case fromAnotherLocality(Bool)
    }

    /// The conditions, all of which must hold.
    public let conditions: [Condition]
    /// The conditions as the engine decides them on the stored bytes.
    let fieldFilter: FieldFilter

    /// A filter of all `conditions` (none: every file).
    public init(_ conditions: [Condition]) {
        self.conditions = conditions
        fieldFilter = FieldFilter(.all(conditions.map(Self.stored)))
    }

    /// Whether a decoded file satisfies the filter: the same decision the scan makes on its
    /// stored bytes.
    public func matches(_ p: Person) -> Bool {
        conditions.allSatisfy { c in
            switch c {
            case let .birthDate(op, d): p.birthDate.map { op.holds(Int64($0.rawValue), Int64(d.rawValue)) } ?? false
            case .birthDateIn(let ranges): p.birthDate.map { b in ranges.contains { $0.start <= b && b < $0.end } } ?? false
            case let .fileOpened(op, d): op.holds(Int64(p.fileOpened.rawValue), Int64(d.rawValue))
            case .fileOpenedIn(let ranges): ranges.contains { $0.start <= p.fileOpened && p.fileOpened < $0.end }
            case .sex(let set): set.contains(p.sex)
            case .fullName(let set): Self.text(p.fullName, in: set)
            case .village(let set): Self.text(p.village, in: set)
            case .permanentVillage(let set): Self.text(p.permanentVillage, in: set)
            case .occupation(let set): Self.text(p.occupation, in: set)
            case .notPresent(let b): p.notPresent == b
            case .fromAnotherLocality(let b): p.fromAnotherLocality == b
            }
        }
    }

    public var description: String {
        conditions.map { c -> String in
            func texts(_ s: Set<String>) -> String { s.sorted().map { "'\($0)'" }.joined(separator: ", ") }
            func ranges(_ r: [DayRange]) -> String { r.map(\.description).joined(separator: " or ") }
            switch c {
            case let .birthDate(op, d): return "birth_date \(op.rawValue) \(d)"
            case .birthDateIn(let r): return "birth_date in \(ranges(r))"
            case let .fileOpened(op, d): return "file_opened \(op.rawValue) \(d)"
            case .fileOpenedIn(let r): return "file_opened in \(ranges(r))"
            case .sex(let s): return "sex IN (\(s.map(\.code).sorted().joined(separator: ", ")))"
            case .fullName(let s): return "full_name IN (\(texts(s)))"
            case .village(let s): return "village IN (\(texts(s)))"
            case .permanentVillage(let s): return "permanent_village IN (\(texts(s)))"
            case .occupation(let s): return "occupation IN (\(texts(s)))"
            case .notPresent(let b): return b ? "not_present" : "NOT not_present"
            case .fromAnotherLocality(let b): return b ? "from_another_locality" : "NOT from_another_locality"
            }
        }.joined(separator: " AND ")
    }

    private static func text(_ value: String?, in set: Set<String>) -> Bool {
        guard let value, !value.isEmpty else { return false }
        return set.contains(value)
    }

    /// The condition on the fields of ``Person``'s encoding (``Person/encode(to:)``): birth
    /// date 2, sex 3, full name 1, village 6, permanent village 8, occupation 9, file opened
    /// 11 (a zero day is not written), not present 12, from another locality 13 (false is not
    /// written).
    private static func stored(_ c: Condition) -> FieldFilter.Condition {
        func within(_ field: Int, _ ranges: [DayRange], absent: Int64?) -> FieldFilter.Condition {
            .any(ranges.map { .all([.integer(field, .greaterOrEqual, Int64($0.start.rawValue), absent: absent),
                                    .integer(field, .less, Int64($0.end.rawValue), absent: absent)]) })
        }
        func texts(_ field: Int, _ set: Set<String>) -> FieldFilter.Condition { .text(field, oneOf: set.filter { !$0.isEmpty }) }
        switch c {
        case let .birthDate(op, d): return .integer(2, op, Int64(d.rawValue))
        case .birthDateIn(let r): return within(2, r, absent: nil)
        case let .fileOpened(op, d): return .integer(11, op, Int64(d.rawValue), absent: 0)
        case .fileOpenedIn(let r): return within(11, r, absent: 0)
        case .sex(let set): return .integerIn(3, Set(set.map { Int64($0.rawValue) }), absent: 0)
        case .fullName(let set): return texts(1, set)
        case .village(let set): return texts(6, set)
        case .permanentVillage(let set): return texts(8, set)
        case .occupation(let set): return texts(9, set)
        case .notPresent(let b): return .flag(12, b)
        case .fromAnotherLocality(let b): return .flag(13, b)
        }
    }
}
