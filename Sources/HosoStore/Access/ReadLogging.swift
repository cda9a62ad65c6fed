import Synchronization

/// Which records a handle hands out are logged as reads, and under which label: the processing
/// log of an embedding program (a portal showing files to its users). With it, every
/// ``Tenant/read(_:)`` that hands out records (gets, zero-copy reads, scans, index walks of
/// records) appends one ``ChangeRecord/Operation/read`` fact after the read, naming the handle's
/// principal, the label and the records `subjects` says were revealed. Counts, lookups of ids,
/// `contains` and the reads a write makes are not logged. The fact is written in its own
/// durable write before ``Tenant/read(_:)`` returns: a read whose log write fails throws.
///
/// ```swift
/// let portal = tenant.loggingReads(ReadLogging(label: "portal: note page", recordType: "note") { record in
///     [record.id]
/// })
/// _ = try portal.read { try $0.get(Note.self, id: 2) }
/// let fact = try tenant.changes(after: 0).last!
/// print(fact.operation, fact.recordIDs, fact.detail ?? "")   // read [2] portal: note page
/// ```
public struct ReadLogging: Sendable {
    /// What the facts say was done (`what` of the processing log).
    public var label: String
    /// The record type the facts name.
    public var recordType: String
    /// The ids, of ``recordType``, whose data a record handed out reveals (none: not logged),
    /// judged on the record as the handle handed it out (after a ``RecordGate``'s view).
    public var subjects: @Sendable (any StoredRecord) -> [RecordID]

    /// Creates the logging of a handle.
    public init(label: String, recordType: String, subjects: @escaping @Sendable (any StoredRecord) -> [RecordID]) {
        self.label = label; self.recordType = recordType; self.subjects = subjects
    }
}

/// The subjects noted during one read transaction of a logging handle.
final class ReadNotes: Sendable {
    let logging: ReadLogging
    private let ids = Mutex<Set<RecordID>>([])

    init(_ logging: ReadLogging) { self.logging = logging }

    func note(_ record: any StoredRecord) {
        let revealed = logging.subjects(record)
        if !revealed.isEmpty { ids.withLock { $0.formUnion(revealed) } }
    }

    func take() -> Set<RecordID> { ids.withLock { let out = $0; $0 = []; return out } }
}
