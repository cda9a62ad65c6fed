/// Who is acting: recorded in the change log with every write, and the subject of the
/// tenant's ``AccessPolicy``.
///
/// ```swift
/// let auditor = Principal(name: "audit.tool", role: "auditor")
/// let handle = try store.openTenant(tenant.name, schema: schema, as: auditor)
/// print(handle.principal)   // audit.tool (auditor)
/// ```
public struct Principal: Sendable, Hashable, CustomStringConvertible {
    /// A stable name: an account, a job, a tool.
    public var name: String
    /// A role an access policy may check.
    public var role: String
    /// What the role is limited to (an access policy decides what a scope names: a commune, a
    /// district).
    public var scopes: [String]

    /// Creates a principal.
    public init(name: String, role: String = "admin", scopes: [String] = []) { self.name = name; self.role = role; self.scopes = scopes }

    /// The local system itself (maintenance, demo data).
    public static let system = Principal(name: "system", role: "admin")

    public var description: String { "\(name) (\(role))" }
}

/// An operation an ``AccessPolicy`` is asked about.
public enum AccessOperation: Sendable, Hashable, CustomStringConvertible {
    /// Reading records or indexes of a record type.
    case read(recordType: String)
    /// Writing records of a record type.
    case write(recordType: String)
    /// Reading the processing log: the change log's facts of reads (who read which records'
    /// personal fields), without the records the log's other facts carry.
    case readProcessingLog
    /// Changing the tenant's settings or reading its change log.
    case administer(String)

    public var description: String {
        switch self {
        case .read(let t): "read \(t) records"
        case .write(let t): "write \(t) records"
        case .readProcessingLog: "read the processing log"
        case .administer(let what): what
        }
    }
}

/// Decides what a ``Principal`` may do on a tenant. Every read and write of a ``Tenant`` handle
/// passes through its policy, so an access layer can scope a handle to a role and a part of
/// the data without touching the engine.
///
/// ```swift
/// struct ReadOnly: AccessPolicy {
///     func authorize(_ op: AccessOperation, by p: Principal) throws(HosoError) {
///         if case .write = op { throw .accessDenied(principal: p.name, operation: op.description, reason: "read-only role") }
///     }
/// }
/// let viewer = tenant.acting(as: Principal(name: "viewer", role: "viewer"), policy: ReadOnly())
/// do {
///     try viewer.write { w in try w.insert(note) }
/// } catch {
///     print(error)   // viewer may not write note records: read-only role
/// }
/// ```
public protocol AccessPolicy: Sendable {
    /// Throws ``HosoError/accessDenied(principal:operation:reason:)`` to refuse.
    func authorize(_ operation: AccessOperation, by principal: Principal) throws(HosoError)
    /// The record-by-record decision for `principal` on records of `recordType`, or `nil`
    /// (the default) when every record the operation reaches is visible whole. Asked once per
    /// read call, after ``authorize(_:by:)``.
    func gate(for recordType: String, by principal: Principal) throws(HosoError) -> (any RecordGate)?
}

extension AccessPolicy {
    public func gate(for recordType: String, by principal: Principal) throws(HosoError) -> (any RecordGate)? { nil }
}

/// Allows everything: the policy of a handle with no access layer in front of it.
public struct AllowAll: AccessPolicy {
    /// Creates the policy.
    public init() {}
    public func authorize(_ operation: AccessOperation, by principal: Principal) throws(HosoError) {}
}
