/// The management status of a person on a given day (DOMAIN.md, "People under management").
///
/// ```swift
/// let s = Status(code: "addict")    // .addict
/// print(s!.label)   // người nghiện
/// ```
public enum Status: Int, CodedEnum {
    /// Not under management: never, or after a term ended or the person left the locality.
    case none = 0
    /// Illegal user under a commune chairman's management decision (1-year term by default).
    case illegalUser = 1
    /// Addict: determined "addicted" by a qualified health facility.
    case addict = 2
    /// Voluntary rehab at home, in the community or at a facility.
    case voluntaryRehab = 3
    /// Compulsory rehab by court decision.
    case compulsoryRehab = 4
    /// Methadone (substitution) treatment.
    case methadone = 5
    /// Post-rehab management (1 or 2 years).
    case postRehab = 6
    /// Released after a prison term for a drug offence (reintegration period).
    case releasedPrisoner = 7
    /// High-risk person, set by the commune.
    case highRisk = 8
    /// Serving a prison term.
    case imprisoned = 9
    /// Deceased.
    case deceased = 10

    /// What a status is called in messages.
    public static let codeName = "status"

    /// The code used in queries, CSV and NDJSON.
    public var code: String {
        switch self {
        case .none: "none"
        case .illegalUser: "illegal_user"
        case .addict: "addict"
        case .voluntaryRehab: "voluntary_rehab"
        case .compulsoryRehab: "compulsory_rehab"
        case .methadone: "methadone"
        case .postRehab: "post_rehab"
        case .releasedPrisoner: "released_prisoner"
        case .highRisk: "high_risk"
        case .imprisoned: "imprisoned"
        case .deceased: "deceased"
        }
    }

    /// The Vietnamese name used in reports.
    public var label: String {
        switch self {
        case .none: "không quản lý"
        case .illegalUser: "người sử dụng trái phép chất ma túy"
        case .addict: "người nghiện"
        case .voluntaryRehab: "cai nghiện tự nguyện"
        case .compulsoryRehab: "cai nghiện bắt buộc"
        case .methadone: "điều trị thay thế (methadone)"
        case .postRehab: "quản lý sau cai nghiện"
        case .releasedPrisoner: "người chấp hành xong án phạt tù"
        case .highRisk: "người có nguy cơ cao"
        case .imprisoned: "đang chấp hành án phạt tù"
        case .deceased: "đã chết"
        }
    }

    /// The Vietnamese name used in reports (``label``).
    public var vietnameseName: String { label }
}
