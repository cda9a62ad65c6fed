import HosoDomain

/// The tables a statement can query: persons, events, communes, status_history, status_changes and overdue.
///
/// ```swift
/// print(TableSchema.named("persons")?.columns.first?.name ?? "")   // id
/// ```
public struct TableSchema: Sendable, Hashable {
    /// The tables.
    public enum Name: String, CodedEnum {
        case persons, events, communes, status_history, status_changes, overdue
        /// What a table is called in messages.
        public static let codeName = "table"
    }
    /// Which table.
    public var name: Name
    /// Columns in `SELECT *` order.
    public var columns: [Column]
    /// What a row is.
    public var summary: String

    /// The index of a column by name (case-insensitive).
    public func index(of column: String) -> Int? {
        let lower = column.lowercased()
        return columns.firstIndex { $0.name == lower }
    }
    /// A column by name.
    public func column(named name: String) -> Column? { index(of: name).map { columns[$0] } }

    /// The schema of a table name (case-insensitive).
    public static func named(_ name: String) -> TableSchema? { all.first { $0.name.rawValue == name.lowercased() } }

    /// Every table.
    public static let all: [TableSchema] = [persons, events, communes, statusHistory, statusChanges, overdue]

    /// Person management files; `status` and `commune` are as of the statement's `AS OF` day
    /// (default: the tenant's current day).
    public static let persons = TableSchema(name: .persons, columns: [
        Column("id", .integer, "record id"),
        Column("full_name", .text, "full name"),
        Column("birth_date", .date, "date of birth"),
        Column("sex", .text, "sex", codes: Person.Sex.self),
        Column("national_id", .text, "12-digit national ID (CCCD); unique index"),
        Column("commune", .commune, "commune code managing the person on the AS OF day"),
        Column("commune_name", .communeName, "that commune's name"),
        Column("province", .integer, "province code"),
        Column("village", .text, "village or quarter"),
        Column("permanent_commune", .integer, "commune code of permanent residence"),
        Column("permanent_village", .text, "village of permanent residence"),
        Column("occupation", .text, "occupation"),
        Column("drugs", .text, "drugs used, ';'-separated"),
        Column("status", .status, "status on the AS OF day", codes: Status.self),
        Column("file_opened", .date, "day the file was opened"),
        Column("not_present", .boolean, "not present at the residence"),
        Column("from_another_locality", .boolean, "residing from another locality"),
        Column("psychosis", .boolean, "a psychosis episode is on file"),
        Column("minor", .boolean, "under 18 on the AS OF day"),
    ], summary: "one row per management file (hồ sơ)")

    /// Case events.
    public static let events = TableSchema(name: .events, columns: [
        Column("id", .integer, "record id"),
        Column("kind", .kind, "kind of event", codes: CaseEvent.Kind.self),
        Column("commune", .commune, "commune code"),
        Column("commune_name", .communeName, "commune name"),
        Column("province", .integer, "province code"),
        Column("date", .date, "day of the event"),
        Column("offence_article", .integer, "Criminal Code article of a drug case (247–259)"),
        Column("stage", .text, "stage of a drug case", codes: CaseEvent.Stage.self),
        Column("arrested", .integer, "persons arrested"),
        Column("area_m2", .integer, "cultivation area destroyed, m²"),
        Column("plants", .integer, "plants destroyed"),
        Column("quantity", .integer, "households reached, commitments, models, people trained"),
        Column("tip_outcome", .text, "decision on a tip", codes: CaseEvent.TipOutcome.self),
        Column("resolved_date", .date, "day a tip was decided or a hotspot cleared"),
        Column("mobile_trial", .boolean, "a mobile trial"),
        Column("person_ids", .text, "ids of the persons involved, ';'-separated"),
        Column("note", .text, "note"),
    ], summary: "one row per case event")

    /// The tenant's communes.
    public static let communes = TableSchema(name: .communes, columns: [
        Column("code", .commune, "official commune code"),
        Column("name", .communeName, "official name"),
        Column("type", .text, "xã, phường, đặc khu"),
        Column("district", .integer, "district code before the 2025 reform (NULL for 2025 communes)"),
        Column("province", .integer, "province code"),
        Column("population", .integer, "population of the current year, when configured"),
        Column("targets", .text, "the targets that name the commune, '; '-separated"),
    ], summary: "one row per commune of the tenant")

    /// Status history intervals.
    public static let statusHistory = TableSchema(name: .status_history, columns: [
        Column("person_id", .integer, "person id"),
        Column("status", .status, "status held", codes: Status.self),
        Column("commune", .commune, "commune managing the person meanwhile"),
        Column("commune_name", .communeName, "its name"),
        Column("start", .date, "first day"),
        Column("end", .date, "first day after (NULL while open)"),
        Column("ends_by_term", .boolean, "end is a term's end computed from the rules"),
    ], summary: "one row per stretch of a person's status history")

    /// Entries into and exits from a status, with their causes (``HosoDomain/StatusChange``).
    public static let statusChanges = TableSchema(name: .status_changes, columns: [
        Column("person_id", .integer, "person id"),
        Column("date", .date, "first day in the status (entry) or first day after it (exit)"),
        Column("direction", .text, "entry or exit", codes: StatusChange.Direction.self),
        Column("status", .status, "status entered or left", codes: Status.self),
        Column("commune", .commune, "commune entered or left"),
        Column("commune_name", .communeName, "its name"),
        Column("cause", .text, "why the status started or ended (a term restarted the day it ended is continued)",
               codes: StatusChange.Cause.self),
        Column("event", .text, "kind of the person event that caused it (NULL when a term ran out)"),
        Column("event_sequence", .integer, "that event's sequence number in the file"),
        Column("other_commune", .commune, "for a move: the commune of the tenant moved from or to (NULL: outside the tenant)"),
        Column("in_province", .boolean, "counts at province level (a move between two of its communes does not)"),
    ], summary: "one row per entry into or exit from a status, with its cause")

    /// Tips undecided and hotspots not cleared past their deadline on the statement's `AS OF`
    /// day (default: the tenant's current day).
    public static let overdue = TableSchema(name: .overdue, columns: [
        Column("id", .integer, "event id"),
        Column("kind", .kind, "tip or hotspot", codes: CaseEvent.Kind.self),
        Column("commune", .commune, "commune code"),
        Column("commune_name", .communeName, "its name"),
        Column("date", .date, "day received (tip) or found (hotspot)"),
        Column("deadline", .date, "last day on time (20 days, 2 or 2 + 2 months for a tip; 2 months for a hotspot)"),
        Column("extensions", .integer, "extensions of a tip's deadline (0, 1, 2)"),
        Column("resolved_date", .date, "day decided or cleared, when later than the AS OF day"),
        Column("days_overdue", .integer, "days past the deadline on the AS OF day"),
    ], summary: "one row per tip or hotspot open past its deadline on the AS OF day")
}
