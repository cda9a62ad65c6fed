import LMDB

/// What a ``TenantReader`` reads through: the LMDB transaction and, for the reader of a
/// ``TenantWriter``, the write session whose count changes are still pending.
struct ReadScope {
    let txn: RawTransaction
    /// The write this reader belongs to; nil for a read-only snapshot.
    let session: WriteSession?

    /// The one way to reach an index's databases for reading. Inside a write, the session's
    /// pending count changes are written first when the index keeps counts, so a count or
    /// dated-count read sees every write made before it: by construction, not by each read
    /// method remembering to ask.
    @inline(__always)
    func open(_ maintainer: any IndexMaintainer) throws -> IndexRead {
        if let session, type(of: maintainer).keepsPendingCounts { try session.flushCounts() }
        return IndexRead(txn: txn)
    }
}

/// A read of one index's databases, handed to its maintainer's scans. Only
/// ``ReadScope/open(_:)`` makes one.
struct IndexRead {
    let txn: RawTransaction
    fileprivate init(txn: RawTransaction) { self.txn = txn }
}

/// A copyable view of the LMDB transaction a tenant handle runs in, for the engine's internal
/// helpers; it lives only inside the closure of ``Tenant/read(_:)`` or ``Tenant/write(_:)``.
struct RawTransaction: TransactionProtocol {
    let rawHandle: OpaquePointer
    /// Not retained, like the transaction it copies (it lives inside that transaction's closure).
    let unretainedEnvironment: Unmanaged<Environment>
    var environment: Environment { unretainedEnvironment.takeUnretainedValue() }
    init(_ txn: borrowing some TransactionProtocol & ~Copyable) { rawHandle = txn.rawHandle; unretainedEnvironment = txn.unretainedEnvironment }
}
