import Foundation
import LMDB

/// A directory of tenants: each tenant is an isolated LMDB environment under `tenants/NAME/`,
/// with its metadata inside, so it can be backed up, dropped or moved to another machine alone.
///
/// ```swift
/// let store = try Store(directory: "/var/lib/hoso")
/// let tenant = try store.createTenant(TenantInfo(name: "lang-son", provinceCode: 20), schema: schema)
/// print(try store.tenants().map(\.name))
/// ```
public final class Store: Sendable {
    /// Options shared by every tenant of the store.
    public struct Options: Sendable {
        /// How the map of each tenant grows.
        public var growth: MapGrowthPolicy = .default
        /// How durable each commit is.
        public var durability: Environment.Durability = .full
        /// The clock that gives each tenant's current day (Vietnam's date by default); tests inject one.
        public var today: @Sendable () -> Day = { Day.today() }
        /// Creates options.
        public init(growth: MapGrowthPolicy = .default, durability: Environment.Durability = .full,
                    today: @escaping @Sendable () -> Day = { Day.today() }) {
            self.growth = growth; self.durability = durability; self.today = today
        }
    }

    /// The store's directory.
    public let directory: String
    /// Its options.
    public let options: Options

    /// Opens the store at `directory`, creating it when missing.
    public init(directory: String, options: Options = Options()) throws {
        self.directory = (directory as NSString).standardizingPath
        self.options = options
        do {
            try FileManager.default.createDirectory(atPath: tenantsDirectory, withIntermediateDirectories: true)
        } catch {
            throw HosoError.invalidField(record: "store", field: "directory", value: directory,
                                         reason: "cannot be created: \(error.localizedDescription); choose a writable directory with --store")
        }
    }

    var tenantsDirectory: String { directory + "/tenants" }
    func path(of name: String) -> String { tenantsDirectory + "/" + name }

    /// Checks a tenant name: 1–64 of `a-z 0-9 - _`, starting with a letter or digit.
    public static func validate(tenantName name: String) throws(HosoError) {
        guard !name.isEmpty, name.count <= 64 else { throw .invalidTenantName(name: name, reason: "it must have 1 to 64 characters") }
        guard name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }) else {
            throw .invalidTenantName(name: name, reason: "it may contain only lowercase ASCII letters, digits, '-' and '_'")
        }
        guard let first = name.unicodeScalars.first, first != "-", first != "_" else {
            throw .invalidTenantName(name: name, reason: "it must start with a letter or digit")
        }
    }

    /// Names of the tenants in the store, sorted.
    public func tenantNames() throws -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: tenantsDirectory)) ?? []
        return entries.filter { !$0.hasPrefix(".") && FileManager.default.fileExists(atPath: path(of: $0) + "/data.mdb") }.sorted()
    }

    /// Metadata of every tenant, sorted by name.
    public func tenants() throws -> [TenantInfo] {
        try tenantNames().map { name in try readInfo(name) }
    }

    private func readInfo(_ name: String) throws -> TenantInfo {
        let env = try Environment.open(path: path(of: name), options: environmentOptions)
        let meta = try env.openDatabase(MetaKeys.database, flags: [])
        return try env.read { txn in
            guard let bytes = try txn.get(meta, key: MetaKeys.info) else {
                throw HosoError.corruptRecord(type: "tenant info", id: nil, reason: "tenant \(name) has no metadata")
            }
            return try TenantInfo.decode(bytes)
        }
    }

    var environmentOptions: Environment.Options {
        Environment.Options(maxDatabases: 128, growth: options.growth, durability: options.durability)
    }

    /// Creates a tenant and opens it. The tenant appears whole or not at all: it is built in a
    /// hidden directory and renamed into place.
    ///
    /// - Throws: ``HosoError/tenantAlreadyExists(name:store:)``, ``HosoError/invalidTenantName(name:reason:)``.
    public func createTenant(_ info: TenantInfo, schema: Schema, as principal: Principal = .system,
                             policy: any AccessPolicy = AllowAll()) throws -> Tenant {
        try Self.validate(tenantName: info.name)
        let final = path(of: info.name)
        if FileManager.default.fileExists(atPath: final) { throw HosoError.tenantAlreadyExists(name: info.name, store: directory) }
        let staging = tenantsDirectory + "/.new-\(info.name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        do {
            let env = try Environment.open(path: staging, options: environmentOptions)
            var info = info
            info.formatVersion = TenantInfo.currentFormatVersion
            info.createdAt = Int64(Date().timeIntervalSince1970)
            info.createdBy = principal.name
            let meta = try env.openDatabase(MetaKeys.database)
            let log = try env.openDatabase(MetaKeys.changeLog)
            let today = options.today()
            try env.write { txn in
                try txn.put(meta, key: MetaKeys.info, value: info.encoded())
                try txn.put(meta, key: MetaKeys.today, value: FixedWidth.counterBytes(Int64(today.rawValue)))
                let change = ChangeRecord(sequence: 1, timestamp: ChangeRecord.now(), actor: principal.name,
                                          operation: .createTenant, recordType: nil, recordIDs: [], payload: nil,
                                          detail: "created tenant \(info.name) (\(info.displayName))")
                try txn.put(log, key: FixedWidth.bytes(1), value: change.encoded())
            }
            env.close()
            guard rename(staging, final) == 0 else {
                let code = errno
                if code == EEXIST || code == ENOTEMPTY { throw HosoError.tenantAlreadyExists(name: info.name, store: directory) }
                throw HosoError.storage(.status(code: code, operation: "rename(\(staging), \(final))"))
            }
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            throw HosoError.wrap(error)
        }
        return try openTenant(info.name, schema: schema, as: principal, policy: policy)
    }

    /// Opens an existing tenant. Indexes the schema declares that the tenant has not built yet
    /// are built now.
    ///
    /// - Throws: ``HosoError/unknownTenant(name:store:known:)`` naming the tenants that exist.
    public func openTenant(_ name: String, schema: Schema, as principal: Principal = .system,
                           policy: any AccessPolicy = AllowAll()) throws -> Tenant {
        try Self.validate(tenantName: name)
        guard FileManager.default.fileExists(atPath: path(of: name) + "/data.mdb") else {
            throw HosoError.unknownTenant(name: name, store: directory, known: (try? tenantNames()) ?? [])
        }
        do {
            let env = try Environment.open(path: path(of: name), options: environmentOptions)
            let core = try TenantCore(name: name, environment: env, schema: schema, store: self)
            try core.buildMissingIndexes(principal: principal)
            return Tenant(core: core, principal: principal, policy: policy)
        } catch {
            throw HosoError.wrap(error)
        }
    }

    /// Deletes a tenant and its data. Handles still open on it fail from then on.
    public func dropTenant(_ name: String) throws {
        try Self.validate(tenantName: name)
        let final = path(of: name)
        guard FileManager.default.fileExists(atPath: final + "/data.mdb") else {
            throw HosoError.unknownTenant(name: name, store: directory, known: (try? tenantNames()) ?? [])
        }
        // Close the live environment (if this process has it open) before its files go away.
        let env = try Environment.open(path: final, options: environmentOptions)
        env.close()
        let trash = tenantsDirectory + "/.dropped-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        guard rename(final, trash) == 0 else {
            throw HosoError.storage(.status(code: errno, operation: "rename(\(final))"))
        }
        try FileManager.default.removeItem(atPath: trash)
    }

    /// Rewrites a tenant's file without its free pages (after a bulk load or many deletes the
    /// file can be twice the live data). Closes the tenant's environment in this process:
    /// handles opened before fail afterwards, open the tenant again. Returns the bytes before
    /// and after.
    ///
    /// ```swift
    /// let (before, after) = try store.compactTenant("lang-son")
    /// ```
    @discardableResult
    public func compactTenant(_ name: String) throws -> (before: Int, after: Int) {
        try Self.validate(tenantName: name)
        let final = path(of: name)
        guard FileManager.default.fileExists(atPath: final + "/data.mdb") else {
            throw HosoError.unknownTenant(name: name, store: directory, known: (try? tenantNames()) ?? [])
        }
        let staging = tenantsDirectory + "/.compact-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let old = tenantsDirectory + "/.old-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        let size = { (dir: String) in (try? FileManager.default.attributesOfItem(atPath: dir + "/data.mdb")[.size] as? Int) ?? 0 }
        let before = size(final)
        do {
            let env = try Environment.open(path: final, options: environmentOptions)
            try env.copy(to: staging, compact: true)
            env.close()
            guard rename(final, old) == 0 else { throw HosoError.storage(.status(code: errno, operation: "rename(\(final))")) }
            guard rename(staging, final) == 0 else {
                let code = errno
                _ = rename(old, final)
                throw HosoError.storage(.status(code: code, operation: "rename(\(staging))"))
            }
            try? FileManager.default.removeItem(atPath: old)
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            throw HosoError.wrap(error)
        }
        return (before, size(final))
    }

    /// Copies a tenant, consistently and while it is in use, into `directory` (which must not
    /// exist), compacted; the copy opens as a store holding that one tenant.
    public func backupTenant(_ name: String, to directory: String) throws {
        let target = directory + "/tenants/" + name
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        let env = try Environment.open(path: path(of: name), options: environmentOptions)
        try env.copy(to: target, compact: true)
    }
}

enum MetaKeys {
    static let database = "meta"
    static let changeLog = "changelog"
    static let info = Array("info".utf8)
    static let today = Array("today".utf8)
    static func setting(_ name: String) -> [UInt8] { Array("setting.\(name)".utf8) }
    static func indexBuilt(_ type: String, _ index: String) -> [UInt8] { Array("index.\(type).\(index)".utf8) }
}
