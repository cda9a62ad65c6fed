/// Vietnam's places with their dates: the pre-reform province → district → commune tree
/// (the 2024 gazetteer), in force until 30 June 2025, and the two-tier province → commune tree
/// of 1 July 2025, with the official mapping between them. What a record naming an old commune
/// is counted in today, which old communes a new one took over, and which old communes the
/// mapping does not cover (those must be reported, never dropped).
///
/// ```swift
/// let places = try PlaceHistory.official()
/// print(places.hierarchy(on: Day(year: 2025, month: 6, day: 30)!), places.hierarchy(on: PlaceHistory.reformDay))   // before2025 since2025
/// let old = places.before.communes(inProvince: 20)[0]
/// let placed = places.placement(ofOldCommune: old.code)
/// print(placed.commune.map { places.after.commune(code: $0)!.provinceCode } ?? 0)   // 20
/// print(places.predecessors(ofNewCommune: placed.commune!).contains { $0.oldCode == old.code })   // true
/// ```
public struct PlaceHistory: Sendable {
    /// The first day of the two-tier structure: 1 July 2025.
    public static let reformDay = Day(year: 2025, month: 7, day: 1)!

    /// Which tree of places is in force on a day.
    public enum Hierarchy: String, Sendable, Hashable, CustomStringConvertible {
        /// Province → district → commune, until 30 June 2025 (63 provinces, 696 districts).
        case before2025
        /// Province → commune, from 1 July 2025 (34 provinces).
        case since2025
        public var description: String { rawValue }
    }

    /// Where an old commune's records are counted in the 2025 tree.
    public enum Placement: Sendable, Hashable {
        /// The old commune went whole into this commune.
        case whole(Int32)
        /// The old commune was split (the mapping has several rows for it); its records go to
        /// `primary` unless assigned (by village, or by an officer) to another of `among`
        /// (which holds `primary` too). Where the mapping marks no row primary, or several,
        /// `primary` is the first row marked so, else the first row.
        case split(primary: Int32, among: [Int32])
        /// The mapping has no row for the old commune: its records must be reported and
        /// placed by hand.
        case unmapped

        /// The commune the records are counted in by default (nil when unmapped).
        public var commune: Int32? {
            switch self {
            case .whole(let c): c
            case .split(let primary, _): primary
            case .unmapped: nil
            }
        }
    }

    /// An old commune a new commune took over, whole or in part.
    public struct Predecessor: Sendable, Hashable {
        /// The old commune's code (2024 gazetteer).
        public var oldCode: Int32
        /// Its district (2024).
        public var oldDistrict: Int32
        /// Its name as the mapping gives it.
        public var name: String
        /// Whether it went whole into the new commune (else it was split, and this is one part).
        public var whole: Bool
        /// Whether the new commune is the split commune's primary successor.
        public var primary: Bool
    }

    /// The pre-reform tree (2024).
    public let before: Gazetteer
    /// The 2025 tree.
    public let after: Gazetteer
    /// The official mapping between them.
    public let mapping: CommuneMapping
    private let byNew: [Int32: [Predecessor]]

    /// The official trees and mapping bundled with Hoso.
    public static func official() throws(GazetteerError) -> PlaceHistory {
        try cached.get()
    }
    private static let cached = Result { () throws(GazetteerError) -> PlaceHistory in
        PlaceHistory(before: try Gazetteer.official2024(), after: try Gazetteer.official2025(), mapping: try CommuneMapping.official2024to2025())
    }

    /// A history of two trees and their mapping.
    public init(before: Gazetteer, after: Gazetteer, mapping: CommuneMapping) {
        self.before = before; self.after = after; self.mapping = mapping
        var parts: [Int32: Int] = [:]
        for r in mapping.rows { parts[r.oldCommuneCode, default: 0] += 1 }
        var byNew: [Int32: [Predecessor]] = [:]
        for r in mapping.rows {
            byNew[r.newCommuneCode, default: []].append(Predecessor(oldCode: r.oldCommuneCode, oldDistrict: r.oldDistrictCode, name: r.oldCommuneName,
                                                                    whole: parts[r.oldCommuneCode] == 1, primary: r.isPrimary))
        }
        self.byNew = byNew
    }

    /// The tree in force on `day`.
    public func hierarchy(on day: Day) -> Hierarchy { day < Self.reformDay ? .before2025 : .since2025 }

    /// The gazetteer of the tree in force on `day`.
    public func gazetteer(on day: Day) -> Gazetteer { hierarchy(on: day) == .before2025 ? before : after }

    /// Where the records of old commune `code` are counted in the 2025 tree.
    public func placement(ofOldCommune code: Int32) -> Placement {
        let successors = mapping.successors(ofOldCommune: code)
        guard !successors.isEmpty else { return .unmapped }
        if successors.count == 1 { return .whole(successors[0].newCode) }
        let among = successors.map(\.newCode)
        return .split(primary: successors.first { $0.isPrimary }?.newCode ?? among[0], among: among)
    }

    /// The old communes new commune `code` took over, whole or in part, in the mapping's order.
    public func predecessors(ofNewCommune code: Int32) -> [Predecessor] { byNew[code] ?? [] }

    /// The old communes the mapping has no row for (optionally of one old province): their
    /// records cannot be placed in the 2025 tree by themselves.
    public func unmappedOldCommunes(inProvince province: Int32? = nil) -> [Commune] {
        (province.map { before.communes(inProvince: $0) } ?? before.communes).filter { mapping.successors(ofOldCommune: $0.code).isEmpty }
    }

    /// The old communes that were split across several new communes.
    public func splitOldCommunes(inProvince province: Int32? = nil) -> [Commune] {
        (province.map { before.communes(inProvince: $0) } ?? before.communes).filter { mapping.successors(ofOldCommune: $0.code).count > 1 }
    }
}
