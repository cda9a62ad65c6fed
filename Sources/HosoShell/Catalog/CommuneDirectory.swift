import HosoDomain

/// The tenant's communes by code and by name, for resolving `commune_name = 'Công Sơn'` and
/// completing names: names match ignoring case, diacritics (``Gazetteer/fold(_:)``) and the
/// `Xã`/`Phường`/`Đặc khu` prefix.
///
/// ```swift
/// let directory = CommuneDirectory(context.program.settings.communes)
/// print(directory.matching("cong son").map(\.name))   // ["Xã Công Sơn"]
/// ```
public struct CommuneDirectory: Sendable {
    /// The communes in tenant order.
    public let entries: [CommuneEntry]
    private let byCode: [Int32: Int]
    private let folded: [String]
    private let bare: [String]

    /// Builds the directory.
    public init(_ entries: [CommuneEntry]) {
        self.entries = entries
        byCode = Dictionary(entries.enumerated().map { ($1.ref.commune, $0) }, uniquingKeysWith: { a, _ in a })
        folded = entries.map { CommuneDirectory.normalise($0.name) }
        bare = folded.map(CommuneDirectory.stripPrefix)
    }

    static func normalise(_ s: String) -> String {
        Gazetteer.fold(s).split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
    static func stripPrefix(_ s: String) -> String {
        for p in ["xa ", "phuong ", "thi tran ", "dac khu "] where s.hasPrefix(p) && s.count > p.count { return String(s.dropFirst(p.count)) }
        return s
    }

    /// The commune with a code.
    public func entry(code: Int32) -> CommuneEntry? { byCode[code].map { entries[$0] } }

    /// The name of a commune code ("" when unknown).
    public func name(of code: Int32) -> String { entry(code: code)?.name ?? "" }

    /// Communes whose name equals `name` (ignoring case, diacritics and the type prefix).
    public func matching(_ name: String) -> [CommuneEntry] {
        let q = CommuneDirectory.normalise(name)
        let qBare = CommuneDirectory.stripPrefix(q)
        return entries.indices.filter { folded[$0] == q || bare[$0] == qBare }.map { entries[$0] }
    }

    /// Communes whose name (or bare name) starts with `prefix`, folded: for completion and hints.
    public func starting(with prefix: String) -> [CommuneEntry] {
        let q = CommuneDirectory.normalise(prefix)
        guard !q.isEmpty else { return entries }
        return entries.indices.filter { folded[$0].hasPrefix(q) || bare[$0].hasPrefix(q) }.map { entries[$0] }
    }

    /// Names close to `name`, for "did you mean".
    public func suggestions(for name: String) -> [String] {
        let q = CommuneDirectory.stripPrefix(CommuneDirectory.normalise(name))
        let prefixed = starting(with: q).map(\.name)
        if !prefixed.isEmpty { return Array(prefixed.prefix(5)) }
        let scored = entries.indices.map { (Suggestions.editDistance(bare[$0], q), entries[$0].name) }.filter { $0.0 <= max(2, q.count / 3) }
        return scored.sorted { $0.0 < $1.0 }.prefix(5).map(\.1)
    }
}
