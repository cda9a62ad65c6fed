import Foundation
import LMDB

/// A handle on one tenant, carrying who is acting and the access policy that every read and
/// write passes through. Handles are cheap, `Sendable`, and share the tenant's environment.
///
/// ```swift
/// let writer = try store.openTenant(tenant.name, schema: schema, as: Principal(name: "ben", role: "author"))
/// try writer.write { w in try w.insert(note) }
/// let n = try writer.read { txn in try txn.count(Note.perAuthorTag, ["ben", "todo"]) }
/// print(n, try writer.changes(after: 0).last!.actor)   // 1 ben
/// ```
public final class Tenant: Sendable {
    let core: TenantCore
    /// Who is acting through this handle.
    public let principal: Principal
    /// What the acting principal may do.
    public let policy: any AccessPolicy
    /// Which records handed out by this handle's reads are logged (`nil`: none).
    public let readLogging: ReadLogging?
    /// The sealing keys the handle holds (`nil`: none; sealed fields stay sealed).
    let keys: Keyring?

    init(core: TenantCore, principal: Principal, policy: any AccessPolicy, readLogging: ReadLogging? = nil, keys: Keyring? = nil) {
        self.core = core; self.principal = principal; self.policy = policy; self.readLogging = readLogging; self.keys = keys
    }

    /// The tenant's name.
    public var name: String { core.name }
    /// The directory holding the tenant's files (`STORE/tenants/NAME`).
    public var directory: String { core.environment.path }
    /// The schema it was opened with.
    public var schema: Schema { core.schema }

    /// Another handle on the same tenant acting as `principal`, under `policy`.
    public func acting(as principal: Principal, policy: (any AccessPolicy)? = nil) -> Tenant {
        Tenant(core: core, principal: principal, policy: policy ?? self.policy, readLogging: readLogging, keys: keys)
    }

    /// Another handle on the same tenant whose reads log the records they hand out (see
    /// ``ReadLogging``); `nil` stops logging.
    public func loggingReads(_ logging: ReadLogging?) -> Tenant {
        Tenant(core: core, principal: principal, policy: policy, readLogging: logging, keys: keys)
    }

    /// Appends the read fact of what a read of a logging handle noted.
    private func log(_ notes: ReadNotes?) throws {
        guard let notes else { return }
        let ids = notes.take()
        guard !ids.isEmpty else { return }
        // Concurrent readers of a portal share one commit for their facts (group commit).
        let type = notes.logging.recordType, label = notes.logging.label
        try writeGrouped { try $0.logRead(typeName: type, ids: ids, what: label) }
    }

    /// Runs `body` on a consistent snapshot. Keep read transactions short: a long one holds
    /// old pages and blocks map growth. The reader is lent to `body` and cannot outlive it.
    ///
    /// ```swift
    /// let welcome = try tenant.read { try $0.get(Note.self, id: 1) }
    /// print(welcome?.slug ?? "none")   // welcome
    /// ```
    @discardableResult
    public func read<T>(_ body: (borrowing TenantReader) throws -> T) throws -> T {
        try read(as: { $0 }, body)
    }


    /// Runs `body` on a consistent snapshot seen through a view that owns the reader (a layer
    /// above wraps the reader in its own non-copyable snapshot type). The view is lent to
    /// `body` and ends with it, like the reader.
    ///
    /// ```swift
    /// struct Counts: ~Copyable {
    ///     let reader: TenantReader
    ///     func notes() throws -> Int { try reader.recordCount(Note.self) }
    /// }
    /// let n = try tenant.read(as: { Counts(reader: $0) }) { try $0.notes() }
    /// print(n > 0)   // true
    /// ```
    public func read<View: ~Copyable, T>(as view: (consuming TenantReader) -> View, _ body: (borrowing View) throws -> T) throws -> T {
        let notes = readLogging.map(ReadNotes.init)
        do {
            let result = try core.unretainedEnvironment._withUnsafeGuaranteedRef { env in
                try env.read { txn in
                    let reader = TenantReader(core: core, scope: ReadScope(txn: RawTransaction(txn), session: nil), principal: principal, policy: policy, notes: notes, keys: keys)
                    let wrapped = view(reader)
                    return try body(wrapped)
                }
            }
            try log(notes)
            return result
        } catch { throw HosoError.wrap(error) }
    }

    /// Runs `body` in the tenant's write transaction: everything it writes, with every index
    /// entry, count and change-log fact, commits together or not at all. If the map fills up,
    /// `body` is run again after the map grows, so it must not have effects outside the
    /// transaction. The writer is lent to `body` and cannot outlive it.
    ///
    /// ```swift
    /// try tenant.write { txn in
    ///     try txn.insert(note)
    ///     var agenda = try txn.get(Note.self, id: 2)!
    ///     agenda.text = "Agenda, second draft"
    ///     try txn.update(agenda)
    /// }
    /// ```
    @discardableResult
    public func write<T>(_ body: (borrowing TenantWriter) throws -> T) throws -> T {
        do {
            return try core.environment.write { txn in try core.run(in: txn, principal: principal, policy: policy, keys: keys, body) }
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
                for m in type.maintainers {
                    for storage in m.storage {
                        let s = try r.txn.statistics(storage.database)
                        dbs.append((storage.database.name ?? "", s.entries, s.bytes))
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
    /// var facts = 0
    /// while case let batch = try tenant.changes(after: cursor, limit: 2), !batch.isEmpty {
    ///     facts += batch.count
    ///     cursor = batch.last!.sequence
    /// }
    /// print(facts)   // 4
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
        try write { try $0.session.write.put(core.meta, key: MetaKeys.unfinished, value: Array(reason.utf8)) }
    }

    /// Clears the unfinished mark: the tenant is complete.
    public func markFinished() throws {
        try write { _ = try $0.session.write.delete(core.meta, key: MetaKeys.unfinished) }
    }

    /// Why the tenant is unfinished, or nil when it is complete.
    public func unfinishedReason() throws -> String? {
        try read { r in try r.txn.get(core.meta, key: MetaKeys.unfinished).map { String(decoding: $0, as: UTF8.self) } }
    }

    /// A named setting blob, if set.
    public func setting(_ name: String) throws -> [UInt8]? { try read { try $0.setting(name) } }
}

extension TenantCore {
    /// Runs `body` as a write of `principal` in `txn` (the whole transaction, or a request's
    /// nested one in a group commit): begins the session, hands the writer to `body` and writes
    /// the pending counts.
    func run<T>(in txn: borrowing WriteTransaction, principal: Principal, policy: any AccessPolicy, keys: Keyring? = nil,
                _ body: (borrowing TenantWriter) throws -> T) throws -> T {
        let session = WriteSession(core: self, transaction: txn, actor: principal.name, keys: keys)
        try session.begin()
        let writer = TenantWriter(session: session, principal: principal, policy: policy)
        let result = try body(writer)
        try session.finish()
        return result
    }
}
