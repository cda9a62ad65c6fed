import HosoStore

/// One tenant of a store as ``ProgramTenant/list(in:)`` shows it: the engine's metadata and
/// the program's province.
///
/// ```swift
/// for t in try ProgramTenant.list(in: store) { print(t.info.name, t.province.map(String.init) ?? "-") }
/// ```
public struct ProgramTenantListing: Sendable, Hashable {
    /// The engine's metadata (name, display name, creator, unfinished mark).
    public var info: TenantInfo
    /// The province of the program's settings; nil for a tenant that spans several provinces
    /// or holds no program settings.
    public var province: Int32?
    /// Whether the tenant holds program settings.
    public var isProgram: Bool
}

extension ProgramTenant {
    // MARK: The tenant

    /// The tenant's name in the store.
    ///
    /// ```swift
    /// print(program.name)   // lang-son
    /// ```
    public var name: String { tenant.name }

    /// The province of the tenant's settings (nil when its communes lie in several provinces).
    ///
    /// ```swift
    /// print(program.province ?? 0)   // 20
    /// ```
    public var province: Int32? { settings.province }

    /// The reporting calendar of the tenant's settings.
    ///
    /// ```swift
    /// print(program.calendar.year(2025))   // 2024-12-10…2025-12-09
    /// ```
    public var calendar: ReportingCalendar { settings.calendar }

    /// The engine's metadata of the tenant (display name, creator, format).
    ///
    /// ```swift
    /// print(try program.info().displayName)   // Lạng Sơn
    /// ```
    public func info() throws -> TenantInfo { try tenant.info() }

    /// The tenant's current day: "current" statuses and counts are as of it.
    ///
    /// ```swift
    /// let today = try program.today()
    /// print(today == day)   // true
    /// ```
    public func today() throws -> Day { try tenant.read { try $0.today() } }

    /// Metadata, sizes, record counts and databases.
    ///
    /// ```swift
    /// let d = try program.describe()
    /// print(d.recordCounts["person"] ?? 0)   // 0
    /// ```
    public func describe() throws -> TenantDescription { try tenant.describe() }

    /// Clears the unfinished mark of a tenant created with `unfinished:` once its load is complete.
    ///
    /// ```swift
    /// try program.load(persons: [Person](), events: [CaseEvent]())
    /// try program.markFinished()
    /// print(try program.unfinishedReason() == nil)   // true
    /// ```
    public func markFinished() throws { try tenant.markFinished() }

    /// Why the tenant is unfinished, or nil when it is complete.
    ///
    /// ```swift
    /// if let reason = try program.unfinishedReason() { print("unfinished:", reason) }
    /// ```
    public func unfinishedReason() throws -> String? { try tenant.unfinishedReason() }

    // MARK: The store's tenants

    /// Every tenant of `store` with the province of its program settings, sorted by name. A
    /// tenant whose program settings cannot be read (none, or a newer format) is listed with
    /// `isProgram == false`.
    ///
    /// ```swift
    /// let tenants = try ProgramTenant.list(in: store)
    /// print(tenants.count)   // 0
    /// ```
    public static func list(in store: Store) throws -> [ProgramTenantListing] {
        try store.tenants().map { info in
            // Opened without record types: only its metadata and settings are read. A tenant
            // that cannot be opened here (a newer format) is listed with what its metadata says.
            guard let tenant = try? store.openTenant(info.name, schema: Schema([])),
                  let bytes = try tenant.setting(ProgramSettings.settingName) else {
                return ProgramTenantListing(info: info, province: ProgramSettings.legacyProvince(info), isProgram: false)
            }
            let settings = try ProgramSettings.decode(bytes, legacy: info)
            return ProgramTenantListing(info: info, province: settings.province, isProgram: true)
        }
    }

    /// Copies tenant `name` online into the backup directory `directory` and verifies the copy
    /// (see ``HosoStore/Store/backupTenant(_:to:schema:)``); returns the verification.
    ///
    /// <!-- doc-example: compile-only -->
    /// ```swift
    /// let report = try ProgramTenant.backup("lang-son", in: store, to: "/backups/lang-son-2026-12-01")
    /// if let report { print(report) }
    /// ```
    @discardableResult
    public static func backup(_ name: String, in store: Store, to directory: String) throws -> VerifyReport? {
        try store.backupTenant(name, to: directory, schema: schema)
    }

    /// Puts tenant `name` back from a backup directory after verifying it (see
    /// ``HosoStore/Store/restoreTenant(from:tenant:as:replace:schema:)``).
    ///
    /// <!-- doc-example: compile-only -->
    /// ```swift
    /// try ProgramTenant.restore("lang-son", in: store, from: "/backups/lang-son-2026-12-01", as: "lang-son-copy")
    /// ```
    @discardableResult
    public static func restore(_ name: String, in store: Store, from directory: String, as newName: String? = nil,
                               replace: Bool = false) throws -> VerifyReport {
        try store.restoreTenant(from: directory, tenant: name, as: newName, replace: replace, schema: schema)
    }
}
