import HosoStore

/// One entry into or exit from a status, with its cause: what the program counts as "new",
/// "arrived", "left" and "moved away" (DOMAIN.md, "New is not arrived").
///
/// Every ``StatusInterval`` of a person's history starts with an entry and, when it ends, ends
/// with an exit; ``Person/statusChanges`` lists them in time order. A move between communes is an
/// exit (``Cause/movedAway``) from the old commune and an entry (``Cause/arrived``) into the new
/// one, carrying the status and its remaining term; a term restarted on the day it ends is an
/// exit and an entry with cause ``Cause/continued``. Neither is new: only a decision, a
/// determination, a rehab or methadone start, a completion, a release or a commune's setting is.
///
/// At the level of an area (a province, a district) a move between two of its communes is
/// neither entry nor exit; a move in from outside it is an arrival, a move out of it a
/// departure. ``otherCommune`` tells which: it is the commune moved from (entry) or to (exit)
/// when that commune belongs to the tenant, `nil` when the move crosses the tenant's border.
///
/// ```swift
/// let person = Person(id: 1, fullName: "Nguyễn Văn An", commune: CommuneRef(province: 20, commune: 6253), fileOpened: Day(year: 2025, month: 3, day: 10)!)
/// let events = [PersonEvent(date: Day(year: 2025, month: 3, day: 10)!, kind: .managementDecision, sequence: 1),
///               PersonEvent(date: Day(year: 2025, month: 6, day: 1)!, kind: .moveOut, commune: CommuneRef(province: 20, commune: 6280), sequence: 2)]
/// let derived = StatusMachine.derive(events: events, registeredIn: person.commune, birthDate: nil, rules: TermRuleBook())
/// for c in derived.changes { print(c.date, c.direction, c.cause, c.commune.commune) }
/// // 2025-03-10 entry new 6253
/// // 2025-06-01 exit moved_away 6253
/// // 2025-06-01 entry arrived 6280
/// // 2026-03-10 exit left 6280
/// ```
public struct StatusChange: Sendable, Hashable, CustomStringConvertible {
    /// Into or out of a status.
    public enum Direction: Int, CodedEnum {
        /// The status starts.
        case entry = 1
        /// The status ends.
        case exit = 2

        /// What a direction is called in messages.
        public static let codeName = "direction"

        /// The code used in queries and files.
        public var code: String {
            switch self {
            case .entry: "entry"
            case .exit: "exit"
            }
        }

        /// The Vietnamese name.
        public var label: String {
            switch self {
            case .entry: "vào"
            case .exit: "ra"
            }
        }
    }

    /// Why a status started or ended.
    public enum Cause: Int, CodedEnum {
        /// A real entry: a management decision, an addiction determination, a relapse, a rehab
        /// or methadone start, a completion (→ post-rehab), a release, a prison term, a
        /// commune's high-risk setting, a death.
        case new = 1
        /// Arrived by a move, carrying the status (and its remaining term) from another commune.
        case arrived = 2
        /// The same status goes on: a term restarted by a new decision on the day it ended. Not
        /// new, not left.
        case continued = 3
        /// Moved away to another commune (of the tenant, or out of it), taking the status along.
        case movedAway = 4
        /// A real exit: the term ran out, a completion, a self-termination, an early stop
        /// (addiction found, education measure), prison, death, cleared by the commune.
        case left = 5

        /// What a cause is called in messages.
        public static let codeName = "cause"

        /// The code used in queries and files.
        public var code: String {
            switch self {
            case .new: "new"
            case .arrived: "arrived"
            case .continued: "continued"
            case .movedAway: "moved_away"
            case .left: "left"
            }
        }

        /// The Vietnamese name.
        public var label: String {
            switch self {
            case .new: "mới phát sinh"
            case .arrived: "chuyển đến"
            case .continued: "tiếp tục quản lý"
            case .movedAway: "chuyển đi"
            case .left: "kết thúc"
            }
        }

        /// Whether the cause is a move (arrival or departure).
        public var isMove: Bool { self == .arrived || self == .movedAway }
    }

    /// The person (0 in a history derived outside a stored file).
    public var personID: RecordID
    /// The day of the change: the first day in the status (entry) or the first day after it (exit).
    public var date: Day
    /// The commune the change happens in: the commune entered or left.
    public var commune: CommuneRef
    /// The status entered or left.
    public var status: Status
    /// Entry or exit.
    public var direction: Direction
    /// Why.
    public var cause: Cause
    /// The kind of the event that caused it; `nil` when a term ran out.
    public var event: PersonEvent.Kind?
    /// The sequence number of that event in the person's file; `nil` when a term ran out.
    public var eventSequence: Int?
    /// For a move: the commune of the tenant moved from (entry) or to (exit); `nil` when the
    /// move crosses the tenant's border, and for changes that are no move.
    public var otherCommune: CommuneRef?

    /// Creates a change.
    public init(personID: RecordID = 0, date: Day, commune: CommuneRef, status: Status, direction: Direction, cause: Cause,
                event: PersonEvent.Kind? = nil, eventSequence: Int? = nil, otherCommune: CommuneRef? = nil) {
        self.personID = personID; self.date = date; self.commune = commune; self.status = status
        self.direction = direction; self.cause = cause; self.event = event; self.eventSequence = eventSequence
        self.otherCommune = otherCommune
    }

    /// Whether the change counts at the level of the area made of the first `depth` elements
    /// of its commune's path (1 = province): a move whose other commune lies in the same area
    /// does not.
    ///
    /// ```swift
    /// let move = StatusChange(date: Day(year: 2025, month: 6, day: 1)!, commune: CommuneRef(province: 20, commune: 6280),
    ///                         status: .addict, direction: .entry, cause: .arrived, otherCommune: CommuneRef(province: 20, commune: 6253))
    /// print(move.counts(atDepth: 1), move.counts(atDepth: 2))   // false true
    /// ```
    public func counts(atDepth depth: Int) -> Bool {
        guard cause.isMove, let other = otherCommune else { return true }
        return !other.samePrefix(as: commune, depth: depth)
    }

    public var description: String {
        "\(date) \(direction.code) \(status.code)@\(commune) \(cause.code)" + (event.map { " by \($0.code)" } ?? " by term")
    }

    // MARK: Encoding (inside a person record)

    func write(to w: inout RecordWriter) {
        w.write(1, Int64(date.rawValue))
        w.writeMessage(2) { commune.write(to: &$0) }
        w.write(3, status.rawValue)
        w.write(4, direction.rawValue)
        w.write(5, cause.rawValue)
        w.write(6, event.map { Int64($0.rawValue) })
        w.write(7, eventSequence.map(Int64.init))
        if let otherCommune { w.writeMessage(8) { otherCommune.write(to: &$0) } }
    }

    static func read(_ r: inout RecordReader, personID: RecordID) throws(HosoError) -> StatusChange {
        var c = StatusChange(personID: personID, date: Day(rawValue: 0), commune: CommuneRef(province: 0, commune: 0),
                             status: .none, direction: .entry, cause: .new)
        while let f = try r.next() {
            switch f.number {
            case 1: c.date = Day(rawValue: Int32(truncatingIfNeeded: try f.int64()))
            case 2: var m = try f.message(); c.commune = try CommuneRef.read(&m)
            case 3:
                let raw = try f.int()
                guard let s = Status(rawValue: raw) else { throw HosoError.corruptRecord(type: "status change", id: personID, reason: "unknown status \(raw)") }
                c.status = s
            case 4:
                let raw = try f.int()
                guard let d = Direction(rawValue: raw) else { throw HosoError.corruptRecord(type: "status change", id: personID, reason: "unknown direction \(raw)") }
                c.direction = d
            case 5:
                let raw = try f.int()
                guard let k = Cause(rawValue: raw) else { throw HosoError.corruptRecord(type: "status change", id: personID, reason: "unknown cause \(raw)") }
                c.cause = k
            case 6: c.event = PersonEvent.Kind(rawValue: try f.int())
            case 7: c.eventSequence = try f.int()
            case 8: var m = try f.message(); c.otherCommune = try CommuneRef.read(&m)
            default: break
            }
        }
        return c
    }
}
