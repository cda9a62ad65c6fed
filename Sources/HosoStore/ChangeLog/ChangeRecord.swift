import Foundation

/// One fact of a tenant's change log: every write appends one in the same transaction, so the
/// log is the processing record the data-protection law asks for, the history behind every
/// correction, and a feed a replica can follow from any sequence number. Facts carry what they
/// wrote (the record of an insert or update, every record of a bulk insert, a setting's name and
/// bytes, the new day of a clock advance), so replaying a tenant's feed into an empty tenant
/// with ``TenantWriter/replay(_:)`` rebuilds it.
///
/// ```swift
/// for change in try tenant.changes(after: 0, limit: 1000) {
///     print(change.sequence, change.actor, change.operation, change.recordIDs)
/// }
/// ```
public struct ChangeRecord: Sendable, Hashable {
    /// What kind of change.
    public enum Operation: Int, Sendable, Hashable, CustomStringConvertible {
        case createTenant = 1, insert = 2, update = 3, delete = 4, bulkInsert = 5, advanceDay = 6, setting = 7, buildIndex = 8, read = 9, keys = 10
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
            case .read: "read"
            case .keys: "keys"
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
    /// The record as written (inserts and updates), in the record type's binary form; the
    /// setting's bytes (settings).
    public var payload: [UInt8]?
    /// A note for people (settings changed, days advanced).
    public var detail: String?
    /// The records as written by a bulk insert, one for each id of ``recordIDs`` in the same
    /// order, in the record type's binary form; empty for other facts.
    ///
    /// ```swift
    /// try tenant.bulkLoad([note])
    /// let fact = try tenant.changes(after: 0).last!
    /// for (id, bytes) in zip(fact.recordIDs, fact.payloads) { print(id, bytes.count) }
    /// print(fact.operation, fact.recordIDs)   // bulk-insert [4]
    /// ```
    public var payloads: [[UInt8]]
    /// The setting a setting fact changed.
    ///
    /// ```swift
    /// try tenant.setSetting("theme", Array("dark".utf8))
    /// let fact = try tenant.changes(after: 0).last!
    /// if fact.operation == .setting, let name = fact.settingName {
    ///     print(name, String(decoding: fact.payload ?? [], as: UTF8.self))   // theme dark
    /// }
    /// ```
    public var settingName: String?
    /// The tenant's new current day, for an advance-day fact.
    ///
    /// ```swift
    /// try tenant.write { w in try w.advanceDay(to: Day(year: 2025, month: 7, day: 16)!) }
    /// let fact = try tenant.changes(after: 0).last!
    /// if fact.operation == .advanceDay, let day = fact.day {
    ///     print("today is now", day)   // today is now 2025-07-16
    /// }
    /// ```
    public var day: Day?

    /// Creates a change record.
    ///
    /// ```swift
    /// let fact = ChangeRecord(sequence: 1, timestamp: 0, actor: "system", operation: .setting, recordType: nil,
    ///                         recordIDs: [], payload: [1], detail: "setting s", settingName: "s")
    /// print(fact.operation, fact.settingName ?? "")   // setting s
    /// ```
    public init(sequence: UInt64, timestamp: Int64, actor: String, operation: Operation, recordType: String?,
                recordIDs: [RecordID], payload: [UInt8]?, detail: String?,
                payloads: [[UInt8]] = [], settingName: String? = nil, day: Day? = nil) {
        self.sequence = sequence; self.timestamp = timestamp; self.actor = actor; self.operation = operation
        self.recordType = recordType; self.recordIDs = recordIDs; self.payload = payload; self.detail = detail
        self.payloads = payloads; self.settingName = settingName; self.day = day
    }

    /// Every record the fact wrote, with its id: the record of an insert or update, the records
    /// of a bulk insert; empty for other facts.
    ///
    /// ```swift
    /// for change in try tenant.changes(after: 0) {
    ///     for (id, bytes) in change.writtenRecords { print(change.recordType ?? "", id, bytes.count) }
    /// }
    /// ```
    public var writtenRecords: [(id: RecordID, bytes: [UInt8])] {
        if let payload, operation == .insert || operation == .update, let id = recordIDs.first { return [(id, payload)] }
        return Array(zip(recordIDs, payloads)).map { (id: $0.0, bytes: $0.1) }
    }

    /// For a ``Operation/read`` fact, how many records were read (``recordIDs`` holds the first
    /// ten thousand or so); nil for other facts.
    ///
    /// ```swift
    /// try tenant.write { w in try w.logRead(of: Note.self, ids: [4, 5, 6], what: "export", limit: 2) }
    /// let fact = try tenant.changes(after: 0).last!
    /// print(fact.recordIDs, fact.recordsRead ?? 0)   // [4, 5] 3
    /// ```
    public var recordsRead: Int? {
        guard operation == .read else { return nil }
        guard let payload else { return recordIDs.count }
        return payload.withUnsafeBytes { raw -> Int? in
            guard var r = try? RecordReader(raw, recordType: "read") else { return nil }
            while let f = try? r.next() { if f.number == 1 { return try? f.int() } }
            return nil
        } ?? recordIDs.count
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
        if !payloads.isEmpty {
            w.reserveCapacity(w.bytes.count + payloads.reduce(0) { $0 + $1.count + 6 })
            for p in payloads { w.write(8, bytes: p) }
        }
        w.write(9, settingName)
        w.write(10, day.map { Int64($0.rawValue) })
        return w.bytes
    }

    /// Whether the fact stored as `bytes` wrote a copy of record `id` of `recordType`; reads the
    /// header fields only.
    static func mentions(_ bytes: UnsafeRawBufferPointer, recordType: String, id: RecordID) throws(HosoError) -> Bool {
        var r = try RecordReader(bytes, recordType: "change")
        var typeMatches = false, writes = false
        while let f = try r.next() {
            switch f.number {
            case 3:
                let op = try f.int()
                writes = op == Operation.insert.rawValue || op == Operation.update.rawValue || op == Operation.bulkInsert.rawValue
            case 4: typeMatches = try f.bytes().elementsEqual(recordType.utf8)
            case 5:
                guard typeMatches && writes else { return false }
                var previous: UInt64 = 0
                for delta in try f.packedInt64() {
                    previous = previous &+ UInt64(bitPattern: delta)
                    if previous == id { return true }
                }
                return false
            default: break
            }
        }
        return false
    }

    /// Whether the fact stored as `bytes` is a logged read; reads the header fields only.
    static func isRead(_ bytes: UnsafeRawBufferPointer) throws(HosoError) -> Bool {
        var r = try RecordReader(bytes, recordType: "change")
        while let f = try r.next() {
            if f.number == 3 { return try f.int() == Operation.read.rawValue }
            if f.number > 3 { break }
        }
        return false
    }

    static func decode(sequence: UInt64, _ bytes: UnsafeRawBufferPointer) throws(HosoError) -> ChangeRecord {
        var r = try RecordReader(bytes, recordType: "change")
        var c = ChangeRecord(sequence: sequence, timestamp: 0, actor: "", operation: .insert, recordType: nil, recordIDs: [], payload: nil, detail: nil)
        var day: Int64? = nil
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
            case 8: c.payloads.append(Array(try f.bytes()))
            case 9: c.settingName = try f.string()
            case 10: day = try f.int64()
            default: break
            }
        }
        if let day {
            guard let raw = Int32(exactly: day) else { throw HosoError.corruptRecord(type: "change", id: sequence, reason: "day \(day) out of range") }
            c.day = Day(rawValue: raw)
        }
        return c
    }
}
