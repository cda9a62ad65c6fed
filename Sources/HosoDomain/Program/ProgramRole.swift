import HosoStore

/// The roles of the program's users (Law 91/2025 and Decree 356/2025: access restricted by
/// role and place). A store's users carry one; an officer's scopes are the codes of the
/// communes assigned.
///
/// Every write names the user in the change log, and every read and write of a handle passes
/// the role's limits (``ProgramAccess``).
///
/// ```swift
/// print(ProgramRole.codes)   // ["admin", "analyst", "officer", "auditor"]
/// ```
public enum ProgramRole: String, CodedEnum {
    /// Everything, the store's users included.
    case admin
    /// A province analyst: counts, sums and reports of every commune, no personal fields.
    case analyst
    /// A commune officer: the full records of the communes assigned, nothing of others.
    case officer
    /// Reads the processing log only.
    case auditor

    public static let codeName = "role"
    public var code: String { rawValue }
    public var label: String {
        switch self {
        case .admin: "admin: everything, the store's users included"
        case .analyst: "province analyst: counts, sums and reports of every commune, no personal fields"
        case .officer: "commune officer: the full records of the communes assigned"
        case .auditor: "auditor: the processing log only"
        }
    }

    /// A store user of this role, checked: an officer has at least one commune, each a commune
    /// of the 2025 gazetteer; the other roles have none.
    ///
    /// ```swift
    /// let lan = try ProgramRole.officer.user(name: "lan", communes: [6184], accounts: ["lan"])
    /// print(lan.scopes)   // ["6184"]
    /// do {
    ///     _ = try ProgramRole.officer.user(name: "minh", communes: [])
    /// } catch {
    ///     print(error)   // user minh: an officer needs the communes assigned (--commune CODE, one or more)
    /// }
    /// ```
    public func user(name: String, communes: [Int32], accounts: [String] = []) throws -> StoreUser {
        switch self {
        case .officer:
            guard !communes.isEmpty else { throw ProgramError.invalidUser(name: name, reason: "an officer needs the communes assigned (--commune CODE, one or more)") }
            let gazetteer = try Gazetteer.official2025()
            for code in communes where gazetteer.commune(code: code) == nil {
                throw ProgramError.invalidUser(name: name, reason: "commune \(code) is not a commune of the 2025 gazetteer")
            }
        case .admin, .analyst, .auditor:
            guard communes.isEmpty else { throw ProgramError.invalidUser(name: name, reason: "only an officer is limited to communes; the role \(code) covers the whole province") }
        }
        return StoreUser(name: name, role: code, scopes: Array(Set(communes)).sorted().map(String.init), accounts: accounts)
    }
}
