import HosoStore

/// A commune with its place in the hierarchy: province, district (before the 2025 reform;
/// 0 after it) and commune codes. Its key elements make a province or district rollup a prefix.
///
/// ```swift
/// let congSon = CommuneRef(province: 20, commune: 6253)
/// print(congSon.path)   // [20, 6253]
/// ```
public struct CommuneRef: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Province code.
    public var province: Int32
    /// District code, 0 for the two-tier structure in force since 1 July 2025.
    public var district: Int32
    /// Commune code (unique nationally).
    public var commune: Int32

    /// Creates a reference.
    public init(province: Int32, district: Int32 = 0, commune: Int32) {
        self.province = province; self.district = district; self.commune = commune
    }

    /// The hierarchical key path: `[province, commune]` or `[province, district, commune]`.
    public var path: [Int32] { district == 0 ? [province, commune] : [province, district, commune] }

    /// Number of elements of the key path (2, or 3 with a district).
    public var depth: Int { district == 0 ? 2 : 3 }

    /// Whether two references agree on their first `depth` key elements.
    @inline(__always)
    func samePrefix(as other: CommuneRef, depth: Int) -> Bool {
        if depth >= 1 && province != other.province { return false }
        if depth >= 2 && district != other.district { return false }
        if depth >= 2 && district == 0 && commune != other.commune { return false }
        if depth >= 3 && commune != other.commune { return false }
        return true
    }

    public static func < (a: CommuneRef, b: CommuneRef) -> Bool { a.path.lexicographicallyPrecedes(b.path) }
    public var description: String { path.map(String.init).joined(separator: "/") }

    func write(to w: inout RecordWriter) {
        w.write(1, Int64(province)); w.write(2, Int64(district)); w.write(3, Int64(commune))
    }
    static func read(_ r: inout RecordReader) throws(HosoError) -> CommuneRef {
        var c = CommuneRef(province: 0, commune: 0)
        while let f = try r.next() {
            switch f.number {
            case 1: c.province = Int32(truncatingIfNeeded: try f.int64())
            case 2: c.district = Int32(truncatingIfNeeded: try f.int64())
            case 3: c.commune = Int32(truncatingIfNeeded: try f.int64())
            default: break
            }
        }
        return c
    }
}

/// Where a count or list is asked about: the whole tenant, a province, a district or one commune.
public enum Area: Sendable, Hashable, CustomStringConvertible {
    /// A province (the usual tenant).
    case province(Int32)
    /// A pre-2025 district of a province.
    case district(province: Int32, district: Int32)
    /// One commune.
    case commune(CommuneRef)

    /// The key path prefix of the area.
    public var path: [Int32] {
        switch self {
        case .province(let p): [p]
        case .district(let p, let d): [p, d]
        case .commune(let c): c.path
        }
    }
    public var description: String {
        switch self {
        case .province(let p): "province \(p)"
        case .district(let p, let d): "district \(p)/\(d)"
        case .commune(let c): "commune \(c)"
        }
    }
}
