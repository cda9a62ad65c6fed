import Foundation
import LMDB

/// A handle on one tenant, carrying who is acting and the access policy that every read and
/// write passes through. Handles are cheap, `Sendable`, and share the tenant's environment.
///
/// ```swift
/// let tenant = try store.openTenant("lang-son", schema: Schema([Item.schema]), as: officer)
/// try tenant.write { txn in try txn.insert(item) }
/// let n = try tenant.read { txn in try txn.count(Item.perGroupTag, [7, "red"]) }
/// ```
public final class Tenant: Sendable {
    let core: TenantCore
    /// Who is acting through this handle.
    public let principal: Principal
    /// What the acting principal may do.
    public let policy: any AccessPolicy

    init(core: TenantCore, principal: Principal, policy: any AccessPolicy) {
        self.core = core; self.principal = principal; self.policy = policy
    }

    /// The tenant's name.
    public var name: String { core.name }
    /// The directory holding the tenant's files (`STORE/tenants/NAME`).
    public var directory: String { core.environment.path }
    /// The schema it was opened with.
    public var schema: Schema { core.schema }

    /// Another handle on the same tenant acting as `principal`, under `policy`.
    public func acting(as principal: Principal, policy: (any AccessPolicy)? = nil) -> Tenant {
        Tenant(core: core, principal: principal, policy: policy ?? self.policy)
    }

    /// Runs `body` on a consistent snapshot. Keep read transactions short: a long one holds
    /// old pages and blocks map growth.
    ///
    /// ```swift
    /// let item = try tenant.read { try $0.get(Item.self, id: 42) }
    /// ```
    @discardableResult
    public func read<T>(_ body: (TenantReader) throws -> T) throws -> T {
        do {
            return try core.environment.read { txn in
                try body(TenantReader(core: core, transaction: RawTransaction(txn), principal: principal, policy: policy))
            }
        } catch { throw HosoError.wrap(error) }
    }

    /// Runs `body` in the tenant's write transaction: everything it writes, with every index
    /// entry, count and change-log fact, commits together or not at all. If the map fills up,
    /// `body` is run again after the map grows, so it must not have effects outside the
    /// transaction.
    ///
    /// ```swift
    /// try tenant.write { txn in
    ///     try txn.insert(item)
    ///     try txn.update(other)
    /// }
    /// ```
    @discardableResult
    public func write<T>(_ body: (TenantWriter) throws -> T) throws -> T {
        do {
            return try core.environment.write { txn in
                let writer = TenantWriter(core: core, write: txn, principal: principal, policy: policy)
                try writer.begin()
                let result = try body(writer)
                try writer.finish()
                return result
            }
        } catch { throw HosoError.wrap(error) }
    }

    /// The tenant's metadata.
    public func info() throws -> TenantInfo { try read { try $0.info() } }

    /// Metadata, sizes and record counts.
    public func describe() throws -> TenantDescription {
        try read { r in
            try r.authorize(.administer("describe the tenant"))
            let envInfo = core.environment.info()
            var counts: [String: Int] = [:]
            var dbs: [(name: String, entries: Int, bytes: Int)] = []
            for (name, type) in core.types.sorted(by: { $0.key < $1.key }) {
                let s = try r.txn.statistics(type.records)
                counts[name] = s.entries
                dbs.append((type.records.name ?? "", s.entries, s.bytes))
                for index in type.indexes {
                    for db in [index.db, index.endDB].compactMap({ $0 }) {
                        let s = try r.txn.statistics(db)
                        dbs.append((db.name ?? "", s.entries, s.bytes))
                    }
                }
            }
            let logStats = try r.txn.statistics(core.changeLog)
            dbs.append((MetaKeys.changeLog, logStats.entries, logStats.bytes))
            let fileBytes = (try? FileManager.default.attributesOfItem(atPath: core.environment.path + "/data.mdb")[.size] as? Int) ?? 0
            return TenantDescription(info: try r.info(), recordCounts: counts, fileBytes: fileBytes, usedBytes: envInfo.usedBytes,
                                     mapSize: envInfo.mapSize, readers: envInfo.readers, lastChange: try r.lastChangeSequence(),
                                     today: try r.today(), databases: dbs)
        }
    }

    /// Change-log facts with a sequence number greater than `sequence`, oldest first.
    ///
    /// ```swift
    /// var cursor: UInt64 = 0
    /// while case let batch = try tenant.changes(after: cursor, limit: 500), !batch.isEmpty {
    ///     apply(batch); cursor = batch.last!.sequence
    /// }
    /// ```
    public func changes(after sequence: UInt64, limit: Int = 1000) throws -> [ChangeRecord] {
        try read { try $0.changes(after: sequence, limit: limit) }
    }

    /// Stores a named setting blob (tenant data such as populations or term rules).
    public func setSetting(_ name: String, _ bytes: [UInt8]) throws {
        try write { try $0.setSetting(name, bytes) }
    }

    /// Marks the tenant unfinished with a reason (see ``TenantInfo/unfinished``), for a long
    /// operation that a kill may cut short; ``markFinished()`` clears it.
    public func markUnfinished(_ reason: String) throws {
        try write { try $0.write.put(core.meta, key: MetaKeys.unfinished, value: Array(reason.utf8)) }
    }

    /// Clears the unfinished mark: the tenant is complete.
    public func markFinished() throws {
        try write { _ = try $0.write.delete(core.meta, key: MetaKeys.unfinished) }
    }

    /// Why the tenant is unfinished, or nil when it is complete.
    public func unfinishedReason() throws -> String? {
        try read { r in try r.txn.get(core.meta, key: MetaKeys.unfinished).map { String(decoding: $0, as: UTF8.self) } }
    }

    /// A named setting blob, if set.
    public func setting(_ name: String) throws -> [UInt8]? { try read { try $0.setting(name) } }
}

/// A copyable view of an LMDB transaction for the engine's internal helpers.
struct RawTransaction: TransactionProtocol {
    let rawHandle: OpaquePointer
    let environment: Environment
    init(_ txn: some TransactionProtocol) { rawHandle = txn.rawHandle; environment = txn.environment }
}
