import LMDB
import Synchronization

/// A record type as a tenant keeps it: its records database and the maintainers of its indexes.
final class ResolvedType: Sendable {
    let schema: RecordSchema
    let records: Database
    let maintainers: [any IndexMaintainer]
    /// The maintainer of the schema's transition index.
    let transition: TransitionIndex?

    /// A class, so that every read that resolves its record type takes one reference instead
    /// of copying the schema, the database and the maintainers.
    init(schema: RecordSchema, records: Database, maintainers: [any IndexMaintainer], transition: TransitionIndex?) {
        self.schema = schema; self.records = records; self.maintainers = maintainers; self.transition = transition
    }
}

/// What every handle on one open tenant shares: its environment, its resolved schema (one
/// maintainer per index) and its group committer.
final class TenantCore: Sendable {
    let name: String
    let environment: Environment
    /// ``environment`` without a retain, for the read path: the core holds it for its whole life
    /// (the registry's weak reference makes every retain of an environment a slow one).
    let unretainedEnvironment: Unmanaged<Environment>
    let store: Store
    let schema: Schema
    let meta: Database
    let changeLog: Database
    let types: [String: ResolvedType]
    /// Maintainers by the identity of their ``IndexDefinition``.
    let maintainers: [ObjectIdentifier: any IndexMaintainer]
    let committer = GroupCommitter()
    /// Databases of the indexes that keep pending counts, by handle, for flushes.
    let countDatabases: [UInt32: Database]
    /// Bulk batches written as prepared outside their transaction (``PreparedBatch``) since
    /// the tenant was opened (a transaction run again counts again): what shows that a load
    /// took that path.
    let preparedBatchesWritten = Atomic<Int>(0)

    init(name: String, environment: Environment, schema: Schema, store: Store) throws {
        self.name = name; self.environment = environment; self.schema = schema; self.store = store
        unretainedEnvironment = .passUnretained(environment)
        let meta = try environment.openDatabase(MetaKeys.database)
        self.meta = meta
        changeLog = try environment.openDatabase(MetaKeys.changeLog)
        let info = try environment.read { txn in
            guard let bytes = try txn.get(meta, key: MetaKeys.info) else {
                throw HosoError.corruptRecord(type: "tenant info", id: nil, reason: "tenant \(name) has no metadata")
            }
            return try TenantInfo.decode(bytes)
        }
        if info.formatVersion > TenantInfo.currentFormatVersion {
            throw HosoError.newerFormat(tenant: name, found: info.formatVersion, supported: TenantInfo.currentFormatVersion)
        }
        var types: [String: ResolvedType] = [:]
        var maintainers: [ObjectIdentifier: any IndexMaintainer] = [:]
        var counting: [UInt32: Database] = [:]
        for type in schema.recordTypes {
            let records = try environment.openDatabase("r.\(type.name)")
            var resolved: [any IndexMaintainer] = []
            for index in type.indexes {
                guard let kind = IndexRegistry.maintainer(for: index, in: type) else {
                    throw HosoError.unknownSchemaElement("index kind '\(index.kind)' of \(type.name).\(index.name) (known kinds: "
                                                         + IndexRegistry.maintainers.map { $0.kind.rawValue }.joined(separator: ", ") + ")")
                }
                let m = try kind.open(index, recordType: type.name, environment: environment)
                resolved.append(m)
                maintainers[ObjectIdentifier(index)] = m
            }
            var transition: TransitionIndex? = nil
            for m in resolved {
                if let t = m as? TransitionIndex { transition = t }
                if Swift.type(of: m).keepsPendingCounts { for s in m.storage { counting[s.database.dbi] = s.database } }
            }
            types[type.name] = ResolvedType(schema: type, records: records, maintainers: resolved, transition: transition)
        }
        self.types = types
        self.maintainers = maintainers
        countDatabases = counting
    }

    func type(_ name: String) throws(HosoError) -> ResolvedType {
        guard let t = types[name] else { throw .unknownSchemaElement("record type '\(name)'") }
        return t
    }

    /// The maintainer of `definition`.
    @inline(__always)
    func maintainer(_ definition: IndexDefinition) throws(HosoError) -> any IndexMaintainer {
        guard let m = maintainers[ObjectIdentifier(definition)] else { throw .unknownSchemaElement("index '\(definition.name)'") }
        return m
    }

    var today: Day { store.options.today() }

    /// Builds the indexes of the schema that this tenant has not built yet (an index added to a
    /// record type after data was loaded, or one whose kind's ``IndexMaintainer/formatVersion``
    /// is newer than the one it was built with), then marks them built with that version, all in
    /// one write transaction. Nothing happens for indexes already marked, so opening a tenant
    /// costs a few key reads.
    func buildMissingIndexes(principal: Principal) throws {
        var missing: [(ResolvedType, any IndexMaintainer)] = []
        try environment.read { txn in
            for t in types.values {
                for m in t.maintainers {
                    // Absent: never built; a lower version: built in an older layout of its kind.
                    let built = try txn.get(meta, key: MetaKeys.indexBuilt(t.schema.name, m.definition.name)).map { $0.first ?? 0 }
                    if built.map({ $0 < Swift.type(of: m).formatVersion }) ?? true { missing.append((t, m)) }
                }
            }
        }
        guard !missing.isEmpty else { return }
        try environment.write { txn in
            let session = WriteSession(core: self, transaction: txn, actor: principal.name)
            try session.begin()
            for (t, m) in missing {
                for s in m.storage { try session.write.clear(s.database) }
                let cursor = try session.write.cursor(t.records)
                var entry = try cursor.first()
                var built = 0
                let context = IndexContext(today: session.day)
                while let e = entry {
                    let id = FixedWidth.uint64(e.key)
                    try m.update(id, old: IndexEntries(), new: try t.schema.entriesOf(id, e.value, context), in: session)
                    built += 1
                    entry = try cursor.next()
                }
                try session.write.put(meta, key: MetaKeys.indexBuilt(t.schema.name, m.definition.name), value: [Swift.type(of: m).formatVersion])
                if built > 0 {
                    try session.appendChange(.buildIndex, type: t.schema.name, ids: [], detail: "built index \(m.definition.name) over \(built) records")
                }
            }
            try session.finish()
        }
    }
}
