import Foundation
import LMDB

/// What ``Tenant/verify(progress:)`` found: every index, count and dated count of the tenant
/// compared with a rebuild from its records.
public struct VerifyReport: Sendable, CustomStringConvertible {
    /// One index database that differs from its rebuild.
    public struct Difference: Sendable, Hashable {
        /// The index (`type.index`, with `.end` for the end-sorted half of an interval index).
        public var index: String
        /// Entries the index has that the rebuild has not.
        public var extra: Int
        /// Entries the rebuild has that the index lacks.
        public var missing: Int
        /// Keys found with another value (a count, a unique index's id).
        public var changed: Int
        /// The first differing entries, described (key and values), at most ten.
        public var examples: [String]
    }
    /// Records checked, per record type.
    public var records: [String: Int]
    /// Index databases compared.
    public var indexesChecked: Int
    /// Entries compared, in the tenant and in the rebuild.
    public var entriesChecked: Int
    /// Index databases that differ; empty when the tenant is consistent.
    public var differences: [Difference]
    /// Records that could not be decoded (type, id, reason), at most a hundred.
    public var unreadable: [String]
    /// Seconds taken.
    public var seconds: Double

    /// `true` when every index equals its rebuild and every record decodes.
    public var isConsistent: Bool { differences.isEmpty && unreadable.isEmpty }

    public var description: String {
        var lines = ["\(records.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")) records; "
                     + "\(indexesChecked) index databases, \(entriesChecked) entries compared in \(String(format: "%.1f", seconds)) s: "
                     + (isConsistent ? "consistent" : "\(differences.count) index databases differ, \(unreadable.count) records unreadable")]
        for r in unreadable { lines.append("  unreadable: \(r)") }
        for d in differences {
            lines.append("  \(d.index): \(d.extra) entries not in the rebuild, \(d.missing) missing, \(d.changed) with another value")
            for e in d.examples { lines.append("    \(e)") }
        }
        return lines.joined(separator: "\n")
    }
}

extension Tenant {
    /// Recomputes every index, count and dated count from the records, in a scratch
    /// environment beside the tenant (removed afterwards), and compares it entry by entry with
    /// what the tenant holds, all from one snapshot: writers go on meanwhile. Reports the
    /// differences by index and key; ``VerifyReport/isConsistent`` is the verdict.
    ///
    /// ```swift
    /// let report = try tenant.verify()
    /// print(report.isConsistent)   // true
    /// ```
    public func verify(progress: ((String) -> Void)? = nil) throws -> VerifyReport {
        do {
            try read { r in try r.authorize(.administer("verify the tenant")) }
            return try core.store.lock.shared { try core.verify(progress: progress) }
        } catch { throw HosoError.wrap(error) }
    }
}

extension TenantCore {
    func verify(progress: ((String) -> Void)?) throws -> VerifyReport {
        let started = Date()
        let scratchPath = store.workPath(.verify, name)
        defer { try? FileManager.default.removeItem(atPath: scratchPath) }
        var scratchOptions = store.environmentOptions
        scratchOptions.durability = .none
        let scratch = try Environment.open(path: scratchPath, options: scratchOptions)
        defer { scratch.close() }
        return try environment.read { txn in
            // The scratch tenant: the same schema and metadata, no records.
            let scratchMeta = try scratch.openDatabase(MetaKeys.database)
            guard let info = try txn.get(meta, key: MetaKeys.info) else {
                throw HosoError.corruptRecord(type: "tenant info", id: nil, reason: "tenant \(name) has no metadata")
            }
            let infoBytes = Array(info)
            try scratch.write { w in try w.put(scratchMeta, key: MetaKeys.info, value: infoBytes) }
            let rebuilt = try TenantCore(name: name, environment: scratch, schema: schema, store: store)
            let today = try txn.get(meta, key: MetaKeys.today).map { Int32(FixedWidth.counter($0)) } ?? self.today.rawValue
            let context = IndexContext(today: today)
            var records: [String: Int] = [:]
            var unreadable: [String] = []
            for (typeName, t) in types.sorted(by: { $0.key < $1.key }) {
                progress?("rebuilding the indexes of \(typeName) records")
                let target = rebuilt.types[typeName]!
                let cursor = try txn.cursor(t.records)
                var entry = try cursor.first()
                var n = 0
                while entry != nil {
                    // Batches of records per scratch transaction, read from the one snapshot;
                    // each maintainer rebuilds its index from the records' entries.
                    try scratch.write { w in
                        let session = WriteSession(core: rebuilt, transaction: w, actor: Principal.system.name)
                        var inBatch = 0
                        while let e = entry, inBatch < 20_000 {
                            let id = FixedWidth.uint64(e.key)
                            do {
                                let entries = try t.schema.entriesOf(id, e.value, context)
                                try session.apply(target, old: IndexEntries(), new: entries, id: id)
                            } catch {
                                if unreadable.count < 100 { unreadable.append("\(typeName) \(id): \(error)") }
                            }
                            n += 1; inBatch += 1
                            entry = try cursor.next()
                        }
                        try session.flushCounts()
                    }
                }
                records[typeName] = n
            }
            progress?("comparing")
            let (differences, checked, compared) = try scratch.read { s in
                try Self.compareIndexes(of: self, RawTransaction(txn), with: rebuilt, RawTransaction(s))
            }
            return VerifyReport(records: records, indexesChecked: checked, entriesChecked: compared, differences: differences,
                                unreadable: unreadable, seconds: Date().timeIntervalSince(started))
        }
    }

    /// Compares every index database of `a` (read in `ta`) with its twin in `b` (read in `tb`),
    /// maintainer by maintainer: the differences, the databases compared and the entries seen.
    static func compareIndexes(of a: TenantCore, _ ta: RawTransaction, with b: TenantCore, _ tb: RawTransaction) throws
        -> (differences: [VerifyReport.Difference], databases: Int, entries: Int) {
        var differences: [VerifyReport.Difference] = []
        var checked = 0, compared = 0
        for (typeName, t) in a.types.sorted(by: { $0.key < $1.key }) {
            guard let twin = b.types[typeName] else { continue }
            for (index, other) in zip(t.maintainers, twin.maintainers) {
                for (actual, expected) in zip(index.storage, other.storage) {
                    checked += 1
                    let (d, n) = try compare(actual: ta, actual.database, expected: tb, expected.database, label: actual.label,
                                             describeValue: actual.describeValue)
                    compared += n
                    if let d { differences.append(d) }
                }
            }
        }
        return (differences, checked, compared)
    }

    /// Merges two databases in key (and duplicate) order; nil when they hold the same entries.
    static func compare(actual a: RawTransaction, _ adb: Database, expected b: RawTransaction, _ bdb: Database,
                        label: String, describeValue: (UnsafeRawBufferPointer) -> String) throws -> (VerifyReport.Difference?, Int) {
        var d = VerifyReport.Difference(index: label, extra: 0, missing: 0, changed: 0, examples: [])
        func note(_ text: @autoclosure () -> String) { if d.examples.count < 10 { d.examples.append(text()) } }
        func show(_ bytes: UnsafeRawBufferPointer) -> String { KeyBytes(bytes: bytes).description }
        let hex = describeValue
        let ca = try a.cursor(adb), cb = try b.cursor(bdb)
        var x = try ca.first(), y = try cb.first()
        var n = 0
        let dupSorted = adb.flags.contains(.dupSort)
        while x != nil || y != nil {
            n += 1
            guard let ex = x else { d.missing += 1; note("missing \(show(y!.key)) → \(hex(y!.value))"); y = try cb.next(); continue }
            guard let ey = y else { d.extra += 1; note("extra \(show(ex.key)) → \(hex(ex.value))"); x = try ca.next(); continue }
            let order = ex.key.compareBytes(ey.key)
            if order == 0 {
                let valueOrder = ex.value.compareBytes(ey.value)
                if valueOrder == 0 { x = try ca.next(); y = try cb.next(); continue }
                if !dupSorted {
                    d.changed += 1; note("\(show(ex.key)): \(hex(ex.value)), rebuilt \(hex(ey.value))")
                    x = try ca.next(); y = try cb.next(); continue
                }
                if valueOrder < 0 { d.extra += 1; note("extra \(show(ex.key)) → \(hex(ex.value))"); x = try ca.next() }
                else { d.missing += 1; note("missing \(show(ey.key)) → \(hex(ey.value))"); y = try cb.next() }
            } else if order < 0 {
                d.extra += 1; note("extra \(show(ex.key)) → \(hex(ex.value))"); x = try ca.next()
            } else {
                d.missing += 1; note("missing \(show(ey.key)) → \(hex(ey.value))"); y = try cb.next()
            }
        }
        return (d.extra + d.missing + d.changed == 0 ? nil : d, n)
    }
}
