import HosoStore

/// What happened to a person on a day. Person events are facts appended to the management file;
/// the status history is derived from them and the tenant's ``TermRules``. A correction is a new
/// event that voids an earlier one: history is never overwritten.
///
/// ```swift
/// try program.addPerson(Person(id: 1, fullName: "Nguyễn Văn An", commune: congSon, fileOpened: Day(year: 2025, month: 3, day: 10)!))
/// let decision = PersonEvent(date: Day(year: 2025, month: 3, day: 10)!, kind: .managementDecision)
/// let person = try program.record(decision, for: 1)
/// print(person.events.count)   // 1
/// ```
public struct PersonEvent: Sendable, Hashable {
    /// The kinds of person event.
    ///
    /// ``rehabAbsconding`` and ``rehabReturn`` pause and resume a compulsory rehab's term (it
    /// ends later by the days away); ``absenceWithoutNotice`` and ``absenceReturn`` bound an
    /// absence from the residence that does not count toward a post-rehab term.
    ///
    /// ```swift
    /// print(PersonEvent.Kind.rehabAbsconding.rawValue, PersonEvent.Kind.absenceReturn.code)   // 21 absence_return
    /// ```
    public enum Kind: Int, CodedEnum {
        case testResult = 1, addictionDetermination, managementDecision, rehabDecision, rehabStart, rehabCompletion,
             rehabSelfTermination, methadoneStart, methadoneExit, relapse, moveOut, moveIn, psychosisEpisode, death,
             imprisonment, release, highRiskSet, highRiskCleared, educationMeasure, correction,
             // Appended: raw values are stored, never renumber.
             rehabAbsconding, rehabReturn, absenceWithoutNotice, absenceReturn

        /// What a kind is called in messages.
        public static let codeName = "person event kind"

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
            case .rehabAbsconding: "rehab_absconding"
            case .rehabReturn: "rehab_return"
            case .absenceWithoutNotice: "absence_without_notice"
            case .absenceReturn: "absence_return"
            }
        }

        /// The Vietnamese name of the kind.
        public var label: String {
            switch self {
            case .testResult: "kết quả xét nghiệm"
            case .addictionDetermination: "xác định tình trạng nghiện"
            case .managementDecision: "quyết định quản lý người sử dụng trái phép chất ma túy"
            case .rehabDecision: "quyết định cai nghiện"
            case .rehabStart: "bắt đầu cai nghiện"
            case .rehabCompletion: "hoàn thành cai nghiện"
            case .rehabSelfTermination: "tự ý chấm dứt cai nghiện"
            case .methadoneStart: "bắt đầu điều trị methadone"
            case .methadoneExit: "ra khỏi điều trị methadone"
            case .relapse: "tái nghiện"
            case .moveOut: "chuyển đi"
            case .moveIn: "chuyển đến"
            case .psychosisEpisode: "rối loạn tâm thần (loạn thần)"
            case .death: "chết"
            case .imprisonment: "chấp hành án phạt tù"
            case .release: "chấp hành xong án phạt tù"
            case .highRiskSet: "xác định có nguy cơ cao"
            case .highRiskCleared: "hết nguy cơ cao"
            case .educationMeasure: "biện pháp giáo dục tại xã, phường"
            case .correction: "đính chính"
            case .rehabAbsconding: "bỏ trốn khỏi cơ sở cai nghiện bắt buộc"
            case .rehabReturn: "trở lại cơ sở cai nghiện bắt buộc"
            case .absenceWithoutNotice: "vắng mặt không thông báo tại nơi cư trú"
            case .absenceReturn: "có mặt trở lại tại nơi cư trú"
            }
        }
    }

    /// Outcomes of tests, determinations and exits.
    public enum Outcome: Int, CodedEnum {
        case positive = 1, negative, addicted, notAddicted, completed, voluntaryExit, forcedExit

        /// What an outcome is called in messages.
        public static let codeName = "outcome"

        /// The code used in queries and files.
        ///
        /// ```swift
        /// print(PersonEvent.Outcome.notAddicted.code)   // not_addicted
        /// ```
        public var code: String {
            switch self {
            case .positive: "positive"
            case .negative: "negative"
            case .addicted: "addicted"
            case .notAddicted: "not_addicted"
            case .completed: "completed"
            case .voluntaryExit: "voluntary_exit"
            case .forcedExit: "forced_exit"
            }
        }

        /// The Vietnamese name of the outcome.
        public var label: String {
            switch self {
            case .positive: "dương tính"
            case .negative: "âm tính"
            case .addicted: "nghiện"
            case .notAddicted: "không nghiện"
            case .completed: "hoàn thành"
            case .voluntaryExit: "tự nguyện ra khỏi chương trình"
            case .forcedExit: "bị buộc ra khỏi chương trình"
            }
        }
    }

    /// Rehab programs.
    public enum Program: Int, CodedEnum {
        case voluntaryAtHome = 1, voluntaryAtFacility, compulsory

        /// What a program is called in messages.
        public static let codeName = "rehab program"

        /// The code used in queries and files.
        ///
        /// ```swift
        /// print(PersonEvent.Program.voluntaryAtHome.code)   // voluntary_at_home
        /// ```
        public var code: String {
            switch self {
            case .voluntaryAtHome: "voluntary_at_home"
            case .voluntaryAtFacility: "voluntary_at_facility"
            case .compulsory: "compulsory"
            }
        }

        /// The Vietnamese name of the program.
        public var label: String {
            switch self {
            case .voluntaryAtHome: "cai nghiện tự nguyện tại gia đình, cộng đồng"
            case .voluntaryAtFacility: "cai nghiện tự nguyện tại cơ sở cai nghiện"
            case .compulsory: "cai nghiện bắt buộc"
            }
        }

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

    /// Writes the event; its note too unless `note` is false (a person's file writes the notes
    /// of its events apart).
    func write(to w: inout RecordWriter, note writesNote: Bool = true) {
        w.write(1, sequence); w.write(2, Int64(date.rawValue)); w.write(3, kind.rawValue)
        w.write(4, outcome.map { Int64($0.rawValue) }); w.write(5, program.map { Int64($0.rawValue) })
        w.write(6, termMonths.map(Int64.init))
        if let commune { w.writeMessage(7) { commune.write(to: &$0) } }
        w.write(8, carriedStatus.map { Int64($0.rawValue) }); w.write(9, carriedTermEnd.map { Int64($0.rawValue) })
        w.write(10, voids.map(Int64.init))
        if writesNote { w.write(11, note) }
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
