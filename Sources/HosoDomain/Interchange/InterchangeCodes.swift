// Code strings of the domain enumerations that had none yet, as written in CSV and NDJSON files
// (FORMATS.md). Kinds and statuses already have theirs (`PersonEvent.Kind.code`,
// `CaseEvent.Kind.code`, `Status.code`).

extension Person.Sex {
    /// The sex with that ``code`` (`male`, `female`, `unknown`).
    ///
    /// ```swift
    /// Person.Sex(code: "female")   // .female
    /// Person.Sex(code: "f")        // nil
    /// ```
    public init?(code: String) {
        switch code {
        case "unknown": self = .unknown
        case "male": self = .male
        case "female": self = .female
        default: return nil
        }
    }
}

extension PersonEvent.Outcome {
    /// The code used in queries and files: `positive`, `negative`, `addicted`, `not_addicted`,
    /// `completed`, `voluntary_exit`, `forced_exit`.
    ///
    /// ```swift
    /// PersonEvent.Outcome.notAddicted.code   // "not_addicted"
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

    /// The outcome with that ``code``.
    ///
    /// ```swift
    /// PersonEvent.Outcome(code: "forced_exit")   // .forcedExit
    /// ```
    public init?(code: String) {
        guard let o = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = o
    }
}

extension PersonEvent.Program {
    /// The code used in queries and files: `voluntary_at_home`, `voluntary_at_facility`, `compulsory`.
    ///
    /// ```swift
    /// PersonEvent.Program.voluntaryAtHome.code   // "voluntary_at_home"
    /// ```
    public var code: String {
        switch self {
        case .voluntaryAtHome: "voluntary_at_home"
        case .voluntaryAtFacility: "voluntary_at_facility"
        case .compulsory: "compulsory"
        }
    }

    /// The program with that ``code``.
    ///
    /// ```swift
    /// PersonEvent.Program(code: "compulsory")   // .compulsory
    /// ```
    public init?(code: String) {
        guard let p = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = p
    }
}

extension CaseEvent.Stage {
    /// The code used in queries and files: `detected`, `investigated`, `prosecuted`, `tried`.
    ///
    /// ```swift
    /// CaseEvent.Stage.tried.code   // "tried"
    /// ```
    public var code: String {
        switch self {
        case .detected: "detected"
        case .investigated: "investigated"
        case .prosecuted: "prosecuted"
        case .tried: "tried"
        }
    }

    /// The stage with that ``code``.
    ///
    /// ```swift
    /// CaseEvent.Stage(code: "prosecuted")   // .prosecuted
    /// ```
    public init?(code: String) {
        guard let s = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = s
    }
}

extension CaseEvent.TipOutcome {
    /// The code used in queries and files: `pending`, `prosecute`, `not_prosecute`, `suspend`.
    ///
    /// ```swift
    /// CaseEvent.TipOutcome.notProsecute.code   // "not_prosecute"
    /// ```
    public var code: String {
        switch self {
        case .pending: "pending"
        case .prosecute: "prosecute"
        case .notProsecute: "not_prosecute"
        case .suspend: "suspend"
        }
    }

    /// The decision with that ``code``.
    ///
    /// ```swift
    /// CaseEvent.TipOutcome(code: "suspend")   // .suspend
    /// ```
    public init?(code: String) {
        guard let o = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = o
    }
}
