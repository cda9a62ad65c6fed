import HosoStore

/// The pre-2025 commune a record named, kept beside the 2025 commune it is counted in
/// (``Person/commune``), and how that commune was chosen.
///
/// An import reading old codes (``PlaceCodes/before2025(province:history:)``) sets it: the old
/// commune with its 2024 province and district, and the successor the records went to.
///
/// ```swift
/// let named = NamedPlace(commune: CommuneRef(province: 20, district: 178, commune: 6178), placedBy: .primary)
/// print(named.commune.path, named.placedBy.needsReview)   // [20, 178, 6178] true
/// ```
public struct NamedPlace: Sendable, Hashable {
    /// The old commune as the record named it: 2024 province, district and commune codes.
    public var commune: CommuneRef
    /// How the 2025 commune was chosen.
    public var placedBy: PlacedBy

    /// How a record naming an old commune came to be counted in its 2025 commune.
    public enum PlacedBy: Int, CodedEnum {
        /// The old commune went whole into one new commune.
        case whole = 0
        /// The old commune was split and the record went to the primary successor by default:
        /// an officer should check it (`hoso places review`).
        case primary
        /// The file assigned the successor (`assigned_commune_code`).
        case file
        /// An officer assigned the successor (`hoso places assign ID CODE`).
        case officer
        /// A village rule placed it (``ProgramTenant/addVillageRule(oldCommune:village:to:)``,
        /// `hoso places assign --old CODE --village V --to CODE`): the record's village.
        case village

        /// What a placement is called in messages.
        public static let codeName = "placement"

        /// The code used in queries and files.
        ///
        /// ```swift
        /// print(NamedPlace.PlacedBy.primary.code)   // primary
        /// ```
        public var code: String {
            switch self {
            case .whole: "whole"
            case .primary: "primary"
            case .file: "file"
            case .officer: "officer"
            case .village: "village"
            }
        }

        /// Whether an officer should check the placement (a split commune's default).
        public var needsReview: Bool { self == .primary }
    }

    /// Creates a named place.
    public init(commune: CommuneRef, placedBy: PlacedBy) {
        self.commune = commune; self.placedBy = placedBy
    }

    func write(to w: inout RecordWriter) {
        w.writeMessage(1) { commune.write(to: &$0) }
        w.write(2, placedBy.rawValue)
    }

    static func read(_ r: inout RecordReader) throws(HosoError) -> NamedPlace {
        var n = NamedPlace(commune: CommuneRef(province: 0, commune: 0), placedBy: .whole)
        while let f = try r.next() {
            switch f.number {
            case 1: var m = try f.message(); n.commune = try CommuneRef.read(&m)
            case 2: n.placedBy = PlacedBy(rawValue: try f.int()) ?? .whole
            default: break
            }
        }
        return n
    }
}
