import HosoStore

/// What happened to a person on a day. Person events are facts appended to the management file;
/// the status history is derived from them and the tenant's ``TermRules``. A correction is a new
/// event that voids an earlier one: history is never overwritten.
///
/// ```swift
/// let decision = PersonEvent(date: Day(year: 2025, month: 3, day: 10)!, kind: .managementDecision)
/// try program.record(decision, for: personID)
/// ```
public struct PersonEvent: Sendable, Hashable {
    /// The kinds of person event.
    public enum Kind: Int, CaseIterable, Sendable, Hashable, CustomStringConvertible {
        case testResult = 1, addictionDetermination, managementDecision, rehabDecision, rehabStart, rehabCompletion,
             rehabSelfTermination, methadoneStart, methadoneExit, relapse, moveOut, moveIn, psychosisEpisode, death,
             imprisonment, release, highRiskSet, highRiskCleared, educationMeasure, correction

        /// The code used in queries and files.
        public var code: String {
            switch self {
            case .testResult: "test_result"
            case .addictionDetermination: "addiction_determination"
            case .managementDecision: "management_decision"
            case .rehabDecision: "rehab_decision"
            case .rehabStart: "rehab_start"
            case .rehabCompletion: "rehab_completion"
            case .rehabSelfTermination: "rehab_self_termination"
            case .methadoneStart: "methadone_start"
            case .methadoneExit: "methadone_exit"
            case .relapse: "relapse"
            case .moveOut: "move_out"
            case .moveIn: "move_in"
            case .psychosisEpisode: "psychosis_episode"
            case .death: "death"
            case .imprisonment: "imprisonment"
            case .release: "release"
            case .highRiskSet: "high_risk_set"
            case .highRiskCleared: "high_risk_cleared"
            case .educationMeasure: "education_measure"
            case .correction: "correction"
            }
        }
        /// The kind with that code.
        public init?(code: String) {
            guard let k = Kind.allCases.first(where: { $0.code == code }) else { return nil }
            self = k
        }
        public var description: String { code }
    }

    /// Outcomes of tests, determinations and exits.
    public enum Outcome: Int, Sendable, Hashable, CaseIterable {
        case positive = 1, negative, addicted, notAddicted, completed, voluntaryExit, forcedExit
    }

    /// Rehab programs.
    public enum Program: Int, Sendable, Hashable, CaseIterable {
        case voluntaryAtHome = 1, voluntaryAtFacility, compulsory
        /// Whether the program is voluntary.
        public var isVoluntary: Bool { self != .compulsory }
    }

    /// Position in the person's file, from 1; assigned when the event is recorded.
    public var sequence: Int
    /// The day it happened (the decision's date for decisions).
    public var date: Day
    /// What happened.
    public var kind: Kind
    /// Test, determination or exit outcome.
    public var outcome: Outcome?
    /// Rehab program (rehab decision and start).
    public var program: Program?
    /// A term set by the decision, in months (rehab), overriding the tenant's default.
    public var termMonths: Int?
    /// The commune moved to (move out within the tenant; `nil` = leaves the tenant) or arrived in (move in).
    public var commune: CommuneRef?
    /// For a move in: the status carried from the other locality and its term end.
    public var carriedStatus: Status?
    /// For a move in: the carried term's end.
    public var carriedTermEnd: Day?
    /// For a correction: the sequence number of the event it voids.
    public var voids: Int?
    /// Free text.
    public var note: String?

    /// Creates an event; `sequence` is assigned when it is recorded.
    public init(date: Day, kind: Kind, outcome: Outcome? = nil, program: Program? = nil, termMonths: Int? = nil,
                commune: CommuneRef? = nil, carriedStatus: Status? = nil, carriedTermEnd: Day? = nil,
                voids: Int? = nil, note: String? = nil, sequence: Int = 0) {
        self.sequence = sequence; self.date = date; self.kind = kind; self.outcome = outcome; self.program = program
        self.termMonths = termMonths; self.commune = commune; self.carriedStatus = carriedStatus
        self.carriedTermEnd = carriedTermEnd; self.voids = voids; self.note = note
    }

    func write(to w: inout RecordWriter) {
        w.write(1, sequence); w.write(2, Int64(date.rawValue)); w.write(3, kind.rawValue)
        w.write(4, outcome.map { Int64($0.rawValue) }); w.write(5, program.map { Int64($0.rawValue) })
        w.write(6, termMonths.map(Int64.init))
        if let commune { w.writeMessage(7) { commune.write(to: &$0) } }
        w.write(8, carriedStatus.map { Int64($0.rawValue) }); w.write(9, carriedTermEnd.map { Int64($0.rawValue) })
        w.write(10, voids.map(Int64.init)); w.write(11, note)
    }

    static func read(_ r: inout RecordReader) throws(HosoError) -> PersonEvent {
        var e = PersonEvent(date: Day(rawValue: 0), kind: .testResult)
        var kind = 0
        while let f = try r.next() {
            switch f.number {
            case 1: e.sequence = try f.int()
            case 2: e.date = Day(rawValue: Int32(truncatingIfNeeded: try f.int64()))
            case 3: kind = try f.int()
            case 4: e.outcome = Outcome(rawValue: try f.int())
            case 5: e.program = Program(rawValue: try f.int())
            case 6: e.termMonths = try f.int()
            case 7: var m = try f.message(); e.commune = try CommuneRef.read(&m)
            case 8: e.carriedStatus = Status(rawValue: try f.int())
            case 9: e.carriedTermEnd = Day(rawValue: Int32(truncatingIfNeeded: try f.int64()))
            case 10: e.voids = try f.int()
            case 11: e.note = try f.string()
            default: break
            }
        }
        guard let k = Kind(rawValue: kind) else {
            throw HosoError.corruptRecord(type: "person event", id: nil, reason: "unknown event kind \(kind)")
        }
        e.kind = k
        return e
    }
}
