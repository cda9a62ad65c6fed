import Foundation

/// One fact of a tenant's change log: every write appends one in the same transaction, so the
/// log is the processing record the data-protection law asks for, the history behind every
/// correction, and a feed a replica can follow from any sequence number.
///
/// ```swift
/// for change in try tenant.changes(after: lastSeen, limit: 1000) {
///     print(change.sequence, change.actor, change.operation, change.recordIDs)
/// }
/// ```
public struct ChangeRecord: Sendable, Hashable {
    /// What kind of change.
    public enum Operation: Int, Sendable, Hashable, CustomStringConvertible {
        case createTenant = 1, insert = 2, update = 3, delete = 4, bulkInsert = 5, advanceDay = 6, setting = 7, buildIndex = 8
        public var description: String {
            switch self {
            case .createTenant: "create-tenant"
            case .insert: "insert"
            case .update: "update"
            case .delete: "delete"
            case .bulkInsert: "bulk-insert"
            case .advanceDay: "advance-day"
            case .setting: "setting"
            case .buildIndex: "build-index"
            }
        }
    }

    /// Position in the log, from 1, without gaps.
    public var sequence: UInt64
    /// When, in milliseconds since 1970 (UTC).
    public var timestamp: Int64
    /// Who: the acting ``Principal``'s name.
    public var actor: String
    /// What kind of change.
    public var operation: Operation
    /// The record type changed, if any.
    public var recordType: String?
    /// The records changed.
    public var recordIDs: [RecordID]
    /// The record as written (inserts and updates), in the record type's binary form.
    public var payload: [UInt8]?
    /// A note for people (settings changed, days advanced).
    public var detail: String?

    /// Creates a change record.
    public init(sequence: UInt64, timestamp: Int64, actor: String, operation: Operation, recordType: String?,
                recordIDs: [RecordID], payload: [UInt8]?, detail: String?) {
        self.sequence = sequence; self.timestamp = timestamp; self.actor = actor; self.operation = operation
        self.recordType = recordType; self.recordIDs = recordIDs; self.payload = payload; self.detail = detail
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    func encoded() -> [UInt8] {
        var w = RecordWriter(formatVersion: 1)
        w.write(1, timestamp); w.write(2, actor); w.write(3, operation.rawValue); w.write(4, recordType)
        // Ids as deltas: bulk batches are sorted, so they pack to a byte or two each.
        var previous: UInt64 = 0
        w.write(5, packed: recordIDs.map { id in defer { previous = id }; return Int64(bitPattern: id &- previous) })
        if let payload { w.write(6, bytes: payload) }
        w.write(7, detail)
        return w.bytes
    }

    static func decode(sequence: UInt64, _ bytes: UnsafeRawBufferPointer) throws(HosoError) -> ChangeRecord {
        var r = try RecordReader(bytes, recordType: "change")
        var c = ChangeRecord(sequence: sequence, timestamp: 0, actor: "", operation: .insert, recordType: nil, recordIDs: [], payload: nil, detail: nil)
        while let f = try r.next() {
            switch f.number {
            case 1: c.timestamp = try f.int64()
            case 2: c.actor = try f.string()
            case 3:
                let raw = try f.int()
                guard let op = Operation(rawValue: raw) else { throw HosoError.corruptRecord(type: "change", id: sequence, reason: "unknown operation \(raw)") }
                c.operation = op
            case 4: c.recordType = try f.string()
            case 5:
                var previous: UInt64 = 0
                c.recordIDs = try f.packedInt64().map { delta in previous = previous &+ UInt64(bitPattern: delta); return previous }
            case 6: c.payload = Array(try f.bytes())
            case 7: c.detail = try f.string()
            default: break
            }
        }
        return c
    }
}
