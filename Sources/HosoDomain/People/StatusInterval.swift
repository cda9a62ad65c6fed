import HosoStore

/// One stretch of a person's status history: a status held in a commune over `[start, end)`.
///
/// ```swift
/// let person = try program.addPerson(Person(id: 1, fullName: "Nguyễn Văn An", commune: congSon, fileOpened: Day(year: 2025, month: 3, day: 10)!),
///                                    events: [PersonEvent(date: Day(year: 2025, month: 3, day: 10)!, kind: .managementDecision)])
/// for interval in person.history where interval.contains(day) {
///     print(interval.status)   // illegal_user
/// }
/// ```
public struct StatusInterval: Sendable, Hashable, CustomStringConvertible {
    /// The status.
    public var status: Status
    /// The commune managing the person during it.
    public var commune: CommuneRef
    /// First day.
    public var start: Day
    /// First day after it; `nil` while open-ended.
    public var end: Day?
    /// Whether ``end`` is a term's end computed from the rules (it may lie in the future).
    public var endsByTerm: Bool

    /// Creates an interval.
    public init(status: Status, commune: CommuneRef, start: Day, end: Day?, endsByTerm: Bool = false) {
        self.status = status; self.commune = commune; self.start = start; self.end = end; self.endsByTerm = endsByTerm
    }

    /// Whether `day` lies inside.
    public func contains(_ day: Day) -> Bool { start <= day && (end.map { day < $0 } ?? true) }

    public var description: String { "\(status)@\(commune) \(start)…\(end.map(\.description) ?? "open")" }

    func write(to w: inout RecordWriter) {
        w.write(1, status.rawValue)
        w.writeMessage(2) { commune.write(to: &$0) }
        w.write(3, Int64(start.rawValue))
        w.write(4, end.map { Int64($0.rawValue) })
        w.write(5, endsByTerm)
    }

    static func read(_ r: inout RecordReader) throws(HosoError) -> StatusInterval {
        var i = StatusInterval(status: .none, commune: CommuneRef(province: 0, commune: 0), start: Day(rawValue: 0), end: nil)
        while let f = try r.next() {
            switch f.number {
            case 1:
                let raw = try f.int()
                guard let s = Status(rawValue: raw) else { throw HosoError.corruptRecord(type: "status interval", id: nil, reason: "unknown status \(raw)") }
                i.status = s
            case 2: var m = try f.message(); i.commune = try CommuneRef.read(&m)
            case 3: i.start = Day(rawValue: Int32(truncatingIfNeeded: try f.int64()))
            case 4: i.end = Day(rawValue: Int32(truncatingIfNeeded: try f.int64()))
            case 5: i.endsByTerm = try f.bool()
            default: break
            }
        }
        return i
    }
}
