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
    ///
    /// A whole scan (no continuation, no limit) of many records in a read-only snapshot, by a
    /// handle that does not log its reads, decides and decodes on every core, about a thousand
    /// records per core at a time, and hands them out here in id order (see
    /// ``scan(_:after:limit:_:)``).
    @discardableResult
    public func scan<R: StoredRecord>(_ type: R.Type, where filter: FieldFilter, after continuation: Continuation? = nil, limit: Int? = nil,
                                      rejected: ((RecordID) throws -> Void)? = nil, _ body: (R) throws -> Bool) throws -> Continuation? {
        if continuation == nil, limit == nil, let (parts, records) = try parallelScanParts(R.self) {
            return try parallelScan(R.self, filter, parts: parts, records: records, rejected: rejected, body)
        }
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
        let snapshot = self.snapshot
        let counts = Mutex<[(n: Int, ids: [RecordID])?]>(Array(repeating: nil, count: parts))
        let failure = Mutex<(any Error)?>(nil)
        DispatchQueue.concurrentPerform(iterations: parts) { k in
            do {
                let part = try snapshot.read { try $0.countPart(R.self, filter, from: bounds[k], before: bounds[k + 1], collecting: collects) }
                if let part { counts.withLock { $0[k] = part } }
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

    /// This reader's snapshot as a part of a parallel read opens it on another thread.
    var snapshot: Snapshot { Snapshot(core: core, principal: principal, policy: policy, notes: notes, keys: keys, id: txn.snapshotID) }

    /// What a part of a parallel read needs for a reader of its own on the snapshot of the
    /// reader that started it (a ``TenantReader`` itself cannot be copied to another thread).
    struct Snapshot: Sendable {
        let core: TenantCore
        let principal: Principal
        let policy: any AccessPolicy
        let notes: ReadNotes?
        let keys: Keyring?
        let id: Int

        /// Runs `body` with a reader in a read transaction of its own, when that transaction
        /// sees this snapshot; nil when it sees a later one (a write committed since).
        func read<T>(_ body: (borrowing TenantReader) throws -> T) throws -> T? {
            try core.environment.read { other -> T? in
                let raw = RawTransaction(other)
                guard raw.snapshotID == id else { return nil }
                return try body(TenantReader(core: core, scope: ReadScope(txn: raw, session: nil), principal: principal, policy: policy,
                                             notes: notes, keys: keys))
            }
        }
    }

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

    // MARK: Scans decoded on every core

    /// Below this many records a scan decodes on one core (starting threads costs more).
    static var parallelScanMinimum: Int { 20_000 }
    /// About how many records one part of a parallel scan decodes before they are handed out:
    /// what a scan holds in memory is this many records per core.
    static var parallelScanSlice: Int { 1_024 }

    /// The parts a whole scan of `type` decodes in at once (with the records stored), or nil
    /// when it decodes here: inside a write (the snapshot is the writer's own), for a handle
    /// that logs its reads (the log must name exactly the records examined before `body`
    /// stopped), on one core, or for few records.
    func parallelScanParts<R: StoredRecord>(_ type: R.Type) throws -> (parts: Int, records: Int)? {
        let cores = min(ProcessInfo.processInfo.activeProcessorCount, 8)
        guard scope.session == nil, notes == nil, cores > 1 else { return nil }
        let records = try txn.statistics(try core.type(R.schema.name).records).entries
        return records >= Self.parallelScanMinimum ? (cores, records) : nil
    }

    /// One slice of a parallel scan: the ids of the records examined, in id order, whether each
    /// passed the filter, the records that passed, decoded, and the error that ended the slice
    /// early (a record that does not decode), after the records before it. (Plain arrays, no
    /// optional records or tuples: the generic code stays off the runtime's type caches.)
    struct ScanSlice<R: StoredRecord>: Sendable {
        var ids: [RecordID] = []
        var passed: [Bool] = []
        var records: [R] = []
        var error: (any Error)? = nil
    }

    /// Decides and decodes the records with ids in `[start, bound)` as ``scan(_:where:after:limit:rejected:_:)``
    /// would (through the gate), keeping them for the caller.
    func scanSlice<R: StoredRecord>(_ type: R.Type, _ filter: FieldFilter?, from start: RecordID, before bound: RecordID?) -> ScanSlice<R> {
        var slice = ScanSlice<R>()
        slice.ids.reserveCapacity(Self.parallelScanSlice + Self.parallelScanSlice / 4)
        slice.passed.reserveCapacity(Self.parallelScanSlice + Self.parallelScanSlice / 4)
        let matcher = filter.map(FieldFilter.Matcher.init)
        do {
            _ = try gatedScan(type, after: nil, limit: nil, from: start, before: bound) { id, bytes in
                let passes = try matcher.map { try Self.decide($0, R.self, id: id, bytes) } ?? true
                if passes { slice.records.append(try R.decode(id: id, bytes)) }
                slice.ids.append(id)
                slice.passed.append(passes)
                return true
            }
        } catch {
            slice.error = error
        }
        return slice
    }

    /// A whole scan decided and decoded on `parts` cores: the id range is cut into slices of
    /// about ``parallelScanSlice`` records, and each round decodes `parts` of them at once,
    /// each in a read transaction of its own that must see this snapshot (a slice whose
    /// transaction sees a later one is decoded here, on this one), then hands their records
    /// out here, in id order, before the next round starts. `rejected`, `body`, the
    /// continuation when `body` stops and an error at a record come exactly as one core gives
    /// them.
    func parallelScan<R: StoredRecord>(_ type: R.Type, _ filter: FieldFilter?, parts: Int, records total: Int,
                                       rejected: ((RecordID) throws -> Void)?, _ body: (R) throws -> Bool) throws -> Continuation? {
        let t = try core.type(R.schema.name)
        let query = Continuation.Query(scope: "\(t.schema.name).records", range: .all)
        let cursor = try txn.cursor(t.records)
        guard let first = try cursor.first().map({ FixedWidth.uint64($0.key) }),
              let last = try cursor.last().map({ FixedWidth.uint64($0.key) }) else { return nil }
        let sliceCount = max(parts, (total + Self.parallelScanSlice - 1) / Self.parallelScanSlice)
        // Slice s starts at first + (last − first) · s / sliceCount (no overflow, whatever the ids);
        // the last one has no bound.
        let starts: [RecordID] = (0..<sliceCount).map { s in
            first + UInt64(sliceCount).dividingFullWidth((last - first).multipliedFullWidth(by: UInt64(s))).quotient
        }
        let bounds: [RecordID?] = (0..<sliceCount).map { $0 + 1 == sliceCount ? nil : starts[$0 + 1] }
        let snapshot = self.snapshot
        // The slices handed out last round: each part frees its own next round, beside the
        // decoding, so that the thread handing records out does not also free them all.
        let spent = Mutex<[ScanSlice<R>?]>(Array(repeating: nil, count: parts))
        var next = 0
        while next < sliceCount {
            let round = min(parts, sliceCount - next), base = next
            let done = Mutex<[ScanSlice<R>?]>(Array(repeating: nil, count: round))
            DispatchQueue.concurrentPerform(iterations: round) { k in
                _ = spent.withLock { $0[k].take() }   // freed here, outside the lock
                // A transaction that cannot start, or sees another snapshot, leaves the slice to this one.
                if let slice = try? snapshot.read({ $0.scanSlice(R.self, filter, from: starts[base + k], before: bounds[base + k]) }) {
                    done.withLock { $0[k] = slice }
                }
            }
            let decoded = done.withLock { slices in
                defer { slices = [] }
                return slices
            }
            for k in decoded.indices {
                let slice = decoded[k] ?? scanSlice(R.self, filter, from: starts[base + k], before: bounds[base + k])
                var r = 0
                for j in slice.ids.indices {
                    guard slice.passed[j] else { try rejected?(slice.ids[j]); continue }
                    if try !body(slice.records[r]) { return Continuation(query, key: [], id: slice.ids[j]) }
                    r += 1
                }
                if let error = slice.error { throw error }
                spent.withLock { $0[k] = slice }
            }
            next += round
        }
        return nil
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
