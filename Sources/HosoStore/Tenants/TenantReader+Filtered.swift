import Dispatch
import Foundation
import Synchronization

extension TenantReader {
    /// Like ``scan(_:after:limit:_:)``, but decodes and hands out only the records whose stored
    /// bytes satisfy `filter` (decided on the bytes, see ``FieldFilter``): a scan that keeps
    /// few records costs little more than reading them. `limit` counts the records examined,
    /// as ``scanBytes(_:after:limit:_:)`` does, so a page may hold fewer matches. Under a
    /// ``RecordGate`` the filter sees what the gate shows; records examined are noted for the
    /// read log as a plain scan notes them. `rejected`, when given, is told the id of every
    /// record examined that the filter turned away (a caller that logs what it examined).
    ///
    /// ```swift
    /// var slugs: [String] = []
    /// try txn.scan(Note.self, where: FieldFilter(.text(1, oneOf: ["ana"]))) { slugs.append($0.slug); return true }
    /// print(slugs)   // ["welcome", "agenda"]
    /// ```
    @discardableResult
    public func scan<R: StoredRecord>(_ type: R.Type, where filter: FieldFilter, after continuation: Continuation? = nil, limit: Int? = nil,
                                      rejected: ((RecordID) throws -> Void)? = nil, _ body: (R) throws -> Bool) throws -> Continuation? {
        let matcher = FieldFilter.Matcher(filter)
        return try scanBytes(type, after: continuation, limit: limit) { id, bytes in
            guard try Self.decide(matcher, R.self, id: id, bytes) else { try rejected?(id); return true }
            return try body(try R.decode(id: id, bytes))
        }
    }

    /// How many records of `type` satisfy `filter`, decided on their stored bytes with no record
    /// decoded. A read-only snapshot of many records is counted on every core: each part of the
    /// id range in a read transaction of its own, used only when it sees the very snapshot
    /// this one does (else the count runs here, on one core).
    ///
    /// `examined`, when given, is handed the ids of every record the filter was decided on
    /// (under a ``RecordGate``, those the gate let it see), in ascending order, in a few
    /// arrays, after the count is done: a caller that logs whose fields it compared.
    ///
    /// ```swift
    /// let n = try txn.count(Note.self, where: FieldFilter(.not(.text(2, oneOf: ["todo"]))))
    /// print(n)   // 2
    /// var seen: [RecordID] = []
    /// _ = try txn.count(Note.self, where: FieldFilter(.text(1, oneOf: ["ana"]))) { seen += $0 }
    /// print(seen.count)   // 3
    /// ```
    public func count<R: StoredRecord>(_ type: R.Type, where filter: FieldFilter,
                                       examined: (([RecordID]) throws -> Void)? = nil) throws -> Int {
        let t = try core.type(R.schema.name)
        let total = try txn.statistics(t.records).entries
        let collects = examined != nil
        // One part, here: its examined ids handed on when it is done.
        func here() throws -> Int {
            let (n, ids) = try countPart(R.self, filter, from: nil, before: nil, collecting: collects)
            if let examined, !ids.isEmpty { try examined(ids) }
            return n
        }
        let parts = scope.session == nil && total >= Self.parallelCountMinimum ? min(ProcessInfo.processInfo.activeProcessorCount, 8) : 1
        guard parts > 1 else { return try here() }
        let cursor = try txn.cursor(t.records)
        guard let first = try cursor.first().map({ FixedWidth.uint64($0.key) }),
              let last = try cursor.last().map({ FixedWidth.uint64($0.key) }), last > first else {
            return try here()
        }
        let step = (last - first) / UInt64(parts) + 1
        let bounds = (0...parts).map { k in k == parts ? nil : first &+ step &* UInt64(k) as RecordID? }
        let snapshot = txn.snapshotID
        let core = self.core, principal = self.principal, policy = self.policy, notes = self.notes, keys = self.keys
        let counts = Mutex<[(n: Int, ids: [RecordID])?]>(Array(repeating: nil, count: parts))
        let failure = Mutex<(any Error)?>(nil)
        DispatchQueue.concurrentPerform(iterations: parts) { k in
            do {
                try core.environment.read { other in
                    let raw = RawTransaction(other)
                    guard raw.snapshotID == snapshot else { return }
                    let reader = TenantReader(core: core, scope: ReadScope(txn: raw, session: nil), principal: principal, policy: policy,
                                              notes: notes, keys: keys)
                    let part = try reader.countPart(R.self, filter, from: bounds[k], before: bounds[k + 1], collecting: collects)
                    counts.withLock { $0[k] = part }
                }
            } catch {
                failure.withLock { if $0 == nil { $0 = error } }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        let done = counts.withLock { $0 }
        // A write committed between this snapshot and a part's: count here, on this snapshot.
        guard done.allSatisfy({ $0 != nil }) else { return try here() }
        if let examined { for part in done where !part!.ids.isEmpty { try examined(part!.ids) } }
        return done.reduce(0) { $0 + $1!.n }
    }

    /// Below this many records a count runs on one core (starting threads costs more).
    static var parallelCountMinimum: Int { 20_000 }

    /// The records with ids in `[start, bound)` satisfying `filter`, and, `collecting`, the ids
    /// of those examined.
    private func countPart<R: StoredRecord>(_ type: R.Type, _ filter: FieldFilter, from start: RecordID?, before bound: RecordID?,
                                            collecting: Bool) throws -> (n: Int, ids: [RecordID]) {
        let matcher = FieldFilter.Matcher(filter)
        var n = 0
        var ids: [RecordID] = []
        let logged = notes != nil
        _ = try gatedScan(type, after: nil, limit: nil, from: start, before: bound) { id, bytes in
            if logged { try note(R.self, id: id, bytes) }
            if collecting { ids.append(id) }
            if try Self.decide(matcher, R.self, id: id, bytes) { n += 1 }
            return true
        }
        return (n, ids)
    }

    /// The filter's decision on a record, its errors naming the record.
    @inline(__always)
    static func decide<R: StoredRecord>(_ matcher: FieldFilter.Matcher, _ type: R.Type, id: RecordID,
                                        _ bytes: UnsafeRawBufferPointer) throws(HosoError) -> Bool {
        do { return try matcher.matches(bytes) } catch {
            if case .corruptRecord(_, _, let reason) = error { throw HosoError.corruptRecord(type: R.schema.name, id: id, reason: reason) }
            throw error
        }
    }
}
