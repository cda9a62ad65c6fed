import Foundation
import LMDB

/// A directory of tenants: each tenant is an isolated LMDB environment under `tenants/NAME/`,
/// with its metadata inside, so it can be backed up, dropped or moved to another machine alone.
///
/// ```swift
/// let store = try Store(directory: directory)
/// let notes = try store.createTenant(TenantInfo(name: "notes", displayName: "Team notes"), schema: Schema([Note.schema]))
/// print(try store.tenants().map(\.displayName), notes.name)   // ["Team notes"] notes
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
        /// The operating-system account acting, resolved through the store's users into
        /// ``Store/principal`` (see ``Store/principal(forAccount:)``); `nil` acts as
        /// ``Principal/system`` (an embedding program that decides for itself).
        public var account: String?
        /// The acting principal's sealing key: every tenant opened through the store opens the
        /// sealed fields whose keys are wrapped for the principal (see <doc:Sealing>); `nil`
        /// leaves them sealed.
        public var identity: SealingIdentity?
        /// How many bytes of sealed records a handle keeps opened, so that reading one again
        /// does not decrypt it again (64 MiB by default; 0 keeps none). The opened fields stay
        /// in the process's memory only, as any record read, and go with the handle.
        public var openedRecordCacheBytes = 64 << 20
        /// Creates options.
        public init(growth: MapGrowthPolicy = .default, durability: Environment.Durability = .full,
                    today: @escaping @Sendable () -> Day = { Day.today() }, account: String? = nil) {
            self.growth = growth; self.durability = durability; self.today = today; self.account = account
        }
    }

    /// The store's directory.
    public let directory: String
    /// Its options.
    public let options: Options
    /// What opening the store did to finish or roll back swaps that a killed process left half
    /// done (one sentence each; empty when there was nothing to do). Callers should show it.
    public let recovered: [String]
    /// Who acts on the tenants opened through this store unless a call names another
    /// principal: the user of ``Options/account``, or ``Principal/system``.
    ///
    /// ```swift
    /// print(store.principal)   // system (admin)
    /// ```
    public let principal: Principal
    let lock: StoreLock

    /// Opens the store at `directory`, creating it when missing, and finishes or rolls back
    /// any tenant swap (create, compact, restore, drop) that a killed process left half done;
    /// ``recovered`` says what was done.
    public init(directory: String, options: Options = Options()) throws {
        self.directory = (directory as NSString).standardizingPath
        self.options = options
        let tenants = self.directory + "/tenants"
        do {
            try FileManager.default.createDirectory(atPath: tenants, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            chmod(tenants, 0o700)
        } catch {
            throw HosoError.invalidField(record: "store", field: "directory", value: directory,
                                         reason: "cannot be created: \(error.localizedDescription); choose a writable directory")
        }
        lock = StoreLock(path: self.directory + "/.lock")
        // A swap in progress in another process holds the lock: its folders are not abandoned.
        recovered = try lock.ifFree { try StoreRecovery(tenantsDirectory: tenants).run() } ?? []
        let directory = self.directory
        principal = try options.account.map { try Self.principal(forAccount: $0, directory: directory) } ?? .system
    }

    var tenantsDirectory: String { directory + "/tenants" }
    func path(of name: String) -> String { tenantsDirectory + "/" + name }
    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path(of: name) + "/data.mdb") }

    /// A hidden working folder beside the tenants, named so that recovery knows what it was for.
    func workPath(_ kind: StoreRecovery.Kind, _ name: String) -> String {
        tenantsDirectory + "/.\(kind.rawValue)-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }

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
        return entries.filter { !$0.hasPrefix(".") && exists($0) }.sorted()
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
            var info = try TenantInfo.decode(bytes)
            info.unfinished = try txn.get(meta, key: MetaKeys.unfinished).map { String(decoding: $0, as: UTF8.self) }
            return info
        }
    }

    var environmentOptions: Environment.Options {
        Environment.Options(maxDatabases: 128, growth: options.growth, durability: options.durability)
    }

    /// Creates a tenant and opens it. The tenant appears whole or not at all: it is built in a
    /// hidden directory, with its `settings` and, if `unfinished` is given, marked unfinished
    /// with that reason (see ``Tenant/markFinished()``), and renamed into place.
    ///
    /// ```swift
    /// let loading = try store.createTenant(TenantInfo(name: "import"), schema: schema, unfinished: "initial load")
    /// try loading.bulkLoad([note])
    /// try loading.markFinished()
    /// print(try loading.unfinishedReason() ?? "finished")   // finished
    /// ```
    ///
    /// - Throws: ``HosoError/tenantAlreadyExists(name:store:)``, ``HosoError/invalidTenantName(name:reason:)``.
    public func createTenant(_ info: TenantInfo, schema: Schema, settings: [String: [UInt8]] = [:], unfinished: String? = nil,
                             as principal: Principal? = nil, policy: any AccessPolicy = AllowAll()) throws -> Tenant {
        let principal = principal ?? self.principal
        try Self.validate(tenantName: info.name)
        try lock.exclusively {
            let final = path(of: info.name)
            if exists(info.name) { throw HosoError.tenantAlreadyExists(name: info.name, store: directory) }
            let staging = workPath(.new, info.name)
            do {
                let env = try Environment.open(path: staging, options: environmentOptions)
                var info = info
                info.formatVersion = TenantInfo.currentFormatVersion
                info.createdAt = Int64(Date().timeIntervalSince1970)
                info.createdBy = principal.name
                info.unfinished = nil
                let meta = try env.openDatabase(MetaKeys.database)
                let log = try env.openDatabase(MetaKeys.changeLog)
                let today = options.today()
                try env.write { txn in
                    try txn.put(meta, key: MetaKeys.info, value: info.encoded())
                    try txn.put(meta, key: MetaKeys.today, value: FixedWidth.counterBytes(Int64(today.rawValue)))
                    for (name, bytes) in settings { try txn.put(meta, key: MetaKeys.setting(name), value: bytes) }
                    if let unfinished { try txn.put(meta, key: MetaKeys.unfinished, value: Array(unfinished.utf8)) }
                    let change = ChangeRecord(sequence: 1, timestamp: ChangeRecord.now(), actor: principal.name,
                                              operation: .createTenant, recordType: nil, recordIDs: [], payload: nil,
                                              detail: "created tenant \(info.name) (\(info.displayName))")
                    try txn.put(log, key: FixedWidth.bytes(1), value: change.encoded())
                }
                env.close()
                try Durably.sync(file: staging + "/data.mdb")
                // An empty directory left at the final path by hand is replaced; any other is not.
                guard rename(staging, final) == 0 else {
                    let code = errno
                    if code == EEXIST || code == ENOTEMPTY { throw HosoError.tenantAlreadyExists(name: info.name, store: directory) }
                    throw HosoError.storage(.status(code: code, operation: "rename(\(staging), \(final))"))
                }
                try Durably.sync(file: tenantsDirectory)
            } catch {
                try? FileManager.default.removeItem(atPath: staging)
                throw HosoError.wrap(error)
            }
        }
        return try openTenant(info.name, schema: schema, as: principal, policy: policy)
    }

    /// Opens an existing tenant. Indexes the schema declares that the tenant has not built yet
    /// are built now.
    ///
    /// - Throws: ``HosoError/unknownTenant(name:store:known:)`` naming the tenants that exist.
    public func openTenant(_ name: String, schema: Schema, as principal: Principal? = nil,
                           policy: any AccessPolicy = AllowAll()) throws -> Tenant {
        let principal = principal ?? self.principal
        try Self.validate(tenantName: name)
        guard exists(name) else {
            throw HosoError.unknownTenant(name: name, store: directory, known: (try? tenantNames()) ?? [])
        }
        do {
            let env = try Environment.open(path: path(of: name), options: environmentOptions)
            let core = try TenantCore(name: name, environment: env, schema: schema, store: self)
            try core.buildMissingIndexes(principal: principal)
            return Tenant(core: core, principal: principal, policy: policy,
                          keys: options.identity.map { Keyring(identity: $0, recipient: principal.name, cacheBytes: options.openedRecordCacheBytes) })
        } catch {
            throw HosoError.wrap(error)
        }
    }

    /// Deletes a tenant and its data. A write in progress in any process finishes first; writes
    /// tried afterwards through handles opened before fail with
    /// ``HosoError/tenantReplaced(name:)``.
    public func dropTenant(_ name: String) throws {
        try Self.validate(tenantName: name)
        try lock.exclusively {
            let final = path(of: name)
            guard exists(name) else {
                throw HosoError.unknownTenant(name: name, store: directory, known: (try? tenantNames()) ?? [])
            }
            let trash = workPath(.dropped, name)
            do {
                let env = try Environment.open(path: final, options: environmentOptions)
                try env.write { _ in
                    guard rename(final, trash) == 0 else { throw HosoError.storage(.status(code: errno, operation: "rename(\(final))")) }
                }
                env.close(replaced: true)
                try Durably.sync(file: tenantsDirectory)
            } catch { throw HosoError.wrap(error) }
            try FileManager.default.removeItem(atPath: trash)
        }
    }

    /// Rewrites a tenant's file without its free pages (after a bulk load or many deletes the
    /// file can be twice the live data) and with its pages filled: every database is written
    /// anew in key order (``Environment/copyRewritten(to:entriesPerTransaction:)``), where a
    /// load in random key order leaves pages split in the middle. The tenant stays readable. Writers in every process are
    /// held back for the whole of it (the compaction holds the tenant's write lock while it
    /// copies and swaps the copy in); a writer that opened the tenant before gets
    /// ``HosoError/tenantReplaced(name:)`` on its next write instead of writing into the old
    /// file, and nothing it committed before is missing from the copy. Closes the tenant's
    /// environment in this process: handles opened before fail afterwards, open the tenant
    /// again. Returns the bytes before and after.
    ///
    /// ```swift
    /// let (before, after) = try store.compactTenant(tenant.name)
    /// print(after <= before)   // true
    /// ```
    @discardableResult
    public func compactTenant(_ name: String) throws -> (before: Int, after: Int) {
        try compactTenant(name, overwritingOldFile: false)
    }

    /// Removes what deleted records left in a tenant's file: LMDB leaves a deleted record's
    /// bytes in the free pages that held it until they are reused, so `mdb_dump` or `strings`
    /// on the file would still find them. Scrubbing compacts the tenant (the copy holds live
    /// pages only, see ``compactTenant(_:)``, with the same effect on open handles), then
    /// overwrites the old file with zeros and syncs it before removing it, so its blocks do not
    /// keep the data either (on a file system that writes in place; copy-on-write file systems
    /// and SSD wear levelling may keep old blocks: encrypt at rest there). Run it after deleting
    /// a person's records; its cost is a compaction's. Returns the bytes before and after.
    ///
    /// ```swift
    /// try tenant.write { w in _ = try w.delete(Note.self, id: 1) }
    /// let (before, after) = try store.scrubTenant(tenant.name)
    /// print(after <= before)   // true
    /// ```
    @discardableResult
    public func scrubTenant(_ name: String) throws -> (before: Int, after: Int) {
        try compactTenant(name, overwritingOldFile: true)
    }

    func compactTenant(_ name: String, overwritingOldFile: Bool) throws -> (before: Int, after: Int) {
        try Self.validate(tenantName: name)
        return try lock.exclusively {
            let final = path(of: name)
            guard exists(name) else {
                throw HosoError.unknownTenant(name: name, store: directory, known: (try? tenantNames()) ?? [])
            }
            let staging = workPath(.compact, name)
            let before = Self.fileSize(final)
            do {
                let env = try Environment.open(path: final, options: environmentOptions)
                try env.write { _ in
                    try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: false,
                                                            attributes: [.posixPermissions: 0o700])
                    try env.copyRewritten(to: staging)
                    try Durably.sync(file: staging + "/data.mdb")
                    try swapIn(staging, at: final, name: name)
                }
                env.close(replaced: true)
            } catch {
                try? FileManager.default.removeItem(atPath: staging)
                throw HosoError.wrap(error)
            }
            // After the swap the staging folder holds the old file.
            if overwritingOldFile { try Self.overwriteWithZeros(staging + "/data.mdb") }
            try? FileManager.default.removeItem(atPath: staging)
            return (before, Self.fileSize(final))
        }
    }

    /// Puts the complete directory `staging` at `final` in one step (the old contents end up at
    /// `staging`), falling back to two renames where the file system cannot exchange; recovery
    /// at the next open finishes that fallback if the process dies between the renames.
    func swapIn(_ staging: String, at final: String, name: String) throws {
        do {
            try Environment.exchange(staging, final)
        } catch LMDBError.status(let code, _) where code == EINVAL || code == ENOSYS || code == ENOTSUP {
            let old = workPath(.old, name)
            guard rename(final, old) == 0 else { throw HosoError.storage(.status(code: errno, operation: "rename(\(final))")) }
            guard rename(staging, final) == 0 else {
                let code = errno
                _ = rename(old, final)
                throw HosoError.storage(.status(code: code, operation: "rename(\(staging))"))
            }
            guard rename(old, staging) == 0 else { throw HosoError.storage(.status(code: errno, operation: "rename(\(old))")) }
        }
        try Durably.sync(file: tenantsDirectory)
    }

    /// Writes zeros over every byte of `file` and syncs it.
    static func overwriteWithZeros(_ file: String) throws {
        let fd = open(file, O_WRONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw HosoError.storage(.status(code: errno, operation: "open(\(file))")) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw HosoError.storage(.status(code: errno, operation: "fstat(\(file))")) }
        let chunk = [UInt8](repeating: 0, count: 1 << 20)
        var offset: off_t = 0
        while offset < st.st_size {
            let n = chunk.withUnsafeBytes { pwrite(fd, $0.baseAddress, min(chunk.count, Int(st.st_size - offset)), offset) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw HosoError.storage(.status(code: errno, operation: "pwrite(\(file))")) }
            offset += off_t(n)
        }
        guard fsync(fd) == 0 else { throw HosoError.storage(.status(code: errno, operation: "fsync(\(file))")) }
    }

    static func fileSize(_ dir: String) -> Int {
        (try? FileManager.default.attributesOfItem(atPath: dir + "/data.mdb")[.size] as? Int) ?? 0
    }
}

/// Syncing files and directories, so that a rename survives a power loss.
enum Durably {
    static func sync(file path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw HosoError.storage(.status(code: errno, operation: "open(\(path))")) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw HosoError.storage(.status(code: errno, operation: "fsync(\(path))")) }
    }

    /// Replaces `path` with `bytes` in one step (a new temporary file beside it, 0600, synced,
    /// renamed over it, the directory synced): a crash leaves the old or the new file.
    static func replace(file path: String, with bytes: [UInt8]) throws {
        let temporary = path + ".new-" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw HosoError.storage(.status(code: errno, operation: "open(\(temporary))")) }
        var ok = fchmod(fd, 0o600) == 0
        var done = 0
        while ok && done < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, bytes.count - done) }
            if n < 0 && errno == EINTR { continue }
            ok = n > 0
            if ok { done += n }
        }
        let code = errno
        ok = ok && fsync(fd) == 0
        close(fd)
        guard ok, rename(temporary, path) == 0 else {
            let failure = ok ? errno : code
            unlink(temporary)
            throw HosoError.storage(.status(code: failure, operation: "write(\(path))"))
        }
        try sync(file: (path as NSString).deletingLastPathComponent)
    }
}

enum MetaKeys {
    static let database = "meta"
    static let changeLog = "changelog"
    static let info = Array("info".utf8)
    static let today = Array("today".utf8)
    static func setting(_ name: String) -> [UInt8] { Array("setting.\(name)".utf8) }
    static let unfinished = Array("unfinished".utf8)
    static func indexBuilt(_ type: String, _ index: String) -> [UInt8] { Array("index.\(type).\(index)".utf8) }
}
