import Foundation
import LMDB

extension Store {
    /// Copies a tenant, consistently and while it is in use (readers and writers go on; the
    /// copy is one snapshot), into `directory`, compacted as ``compactTenant(_:)`` compacts
    /// (no free pages, every page filled), and then verifies the copy against
    /// `schema` when one is given (``Tenant/verify(progress:)``). The copy opens as a store
    /// holding that one tenant (`DIRECTORY/tenants/NAME`); ``restoreTenant(from:tenant:as:replace:schema:)``
    /// puts it back.
    ///
    /// ```swift
    /// let report = try store.backupTenant(tenant.name, to: directory, schema: schema)
    /// print(report?.isConsistent ?? false)   // true
    /// ```
    ///
    /// - Throws: ``HosoError/invalidField(record:field:value:reason:)`` when the target holds a
    ///   tenant of that name already, ``HosoError/diskFull(path:freeBytes:)``.
    @discardableResult
    public func backupTenant(_ name: String, to directory: String, schema: Schema? = nil) throws -> VerifyReport? {
        try Self.validate(tenantName: name)
        guard exists(name) else {
            throw HosoError.unknownTenant(name: name, store: self.directory, known: (try? tenantNames()) ?? [])
        }
        let target = (directory as NSString).standardizingPath + "/tenants/" + name
        if FileManager.default.fileExists(atPath: target + "/data.mdb") {
            throw HosoError.invalidField(record: "backup", field: "directory", value: directory,
                                         reason: "holds a tenant '\(name)' already; give a new or empty directory")
        }
        do {
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let env = try Environment.open(path: path(of: name), options: environmentOptions)
            try env.copyRewritten(to: target)
            try Durably.sync(file: target + "/data.mdb")
        } catch {
            try? FileManager.default.removeItem(atPath: target + "/data.mdb")
            throw HosoError.wrap(error)
        }
        guard let schema else { return nil }
        return try Store(directory: directory, options: options).openTenant(name, schema: schema).verify()
    }

    /// Puts a tenant back from a backup made by ``backupTenant(_:to:schema:)`` (a store
    /// directory holding it), as `newName` or under its own name. The backup is copied into a
    /// hidden folder and verified against `schema` first; a copy that does not verify is not
    /// restored. An existing tenant of that name is replaced only with `replace` (writers in
    /// every process are held back meanwhile and get ``HosoError/tenantReplaced(name:)``
    /// afterwards); otherwise the call fails.
    ///
    /// ```swift
    /// try store.backupTenant(tenant.name, to: directory)
    /// let report = try store.restoreTenant(from: directory, tenant: tenant.name, as: "notes-copy", schema: schema)
    /// print(report.isConsistent, try store.tenantNames())   // true ["notes", "notes-copy"]
    /// ```
    @discardableResult
    public func restoreTenant(from directory: String, tenant name: String, as newName: String? = nil, replace: Bool = false,
                              schema: Schema) throws -> VerifyReport {
        try Self.validate(tenantName: name)
        let target = newName ?? name
        try Self.validate(tenantName: target)
        let source = (directory as NSString).standardizingPath + "/tenants/" + name
        guard FileManager.default.fileExists(atPath: source + "/data.mdb") else {
            throw HosoError.invalidField(record: "restore", field: "backup", value: directory,
                                         reason: "holds no tenant '\(name)' (expected \(source)/data.mdb); give the directory a backup was written to")
        }
        return try lock.exclusively {
            let replacing = exists(target)
            if replacing && !replace {
                throw HosoError.invalidField(record: "restore", field: "tenant", value: target,
                                             reason: "exists already in \(self.directory); restore it under another name, or replace it explicitly")
            }
            let staging = workPath(.restore, target)
            do {
                try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
                let backup = try Environment.open(path: source, options: environmentOptions)
                try backup.copy(to: staging, compact: true)
                backup.close()
                let copy = try Environment.open(path: staging, options: environmentOptions)
                let meta = try copy.openDatabase(MetaKeys.database)
                if target != name {
                    try copy.write { txn in
                        guard let bytes = try txn.get(meta, key: MetaKeys.info) else {
                            throw HosoError.corruptRecord(type: "tenant info", id: nil, reason: "the backup of \(name) has no metadata")
                        }
                        var info = try TenantInfo.decode(bytes)
                        info.name = target
                        try txn.put(meta, key: MetaKeys.info, value: info.encoded())
                    }
                }
                let report = try TenantCore(name: target, environment: copy, schema: schema, store: self).verify(progress: nil)
                copy.close()
                guard report.isConsistent else {
                    throw HosoError.corruptRecord(type: "backup", id: nil, reason: "the backup of \(name) in \(directory) does not verify, so it was not restored:\n\(report)")
                }
                try Durably.sync(file: staging + "/data.mdb")
                try? FileManager.default.removeItem(atPath: staging + "/lock.mdb")
                if replacing {
                    let env = try Environment.open(path: path(of: target), options: environmentOptions)
                    try env.write { _ in try swapIn(staging, at: path(of: target), name: target) }
                    env.close(replaced: true)
                    try FileManager.default.removeItem(atPath: staging)
                } else {
                    guard rename(staging, path(of: target)) == 0 else {
                        throw HosoError.storage(.status(code: errno, operation: "rename(\(staging))"))
                    }
                    try Durably.sync(file: tenantsDirectory)
                }
                return report
            } catch {
                try? FileManager.default.removeItem(atPath: staging)
                throw HosoError.wrap(error)
            }
        }
    }
}
