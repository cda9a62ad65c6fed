import LMDB

/// The resolved databases of one record type.
struct ResolvedType: Sendable {
    let schema: RecordSchema
    let records: Database
    let indexes: [ResolvedIndex]
}

/// The databases of one index. Interval indexes keep two: sorted by start and by end.
final class ResolvedIndex: Sendable {
    let definition: IndexDefinition
    let recordType: String
    let db: Database
    let endDB: Database?
    let scope: String
    init(definition: IndexDefinition, recordType: String, db: Database, endDB: Database?) {
        self.definition = definition; self.recordType = recordType; self.db = db; self.endDB = endDB
        scope = recordType + "." + definition.name
    }
}

/// What every handle on one open tenant shares: its environment and resolved schema.
final class TenantCore: Sendable {
    let name: String
    let environment: Environment
    let store: Store
    let schema: Schema
    let meta: Database
    let changeLog: Database
    let types: [String: ResolvedType]
    let indexes: [ObjectIdentifier: ResolvedIndex]
    let committer = GroupCommitter()
    /// Count and dated-count databases by handle, for flushing pending counts.
    let countDatabases: [UInt32: Database]
    /// Dated count databases that keep months and years only.
    let monthlyDatabases: Set<UInt32>
    /// Value and unique indexes by database handle.
    let valueIndexes: [UInt32: ResolvedIndex]

    init(name: String, environment: Environment, schema: Schema, store: Store) throws {
        self.name = name; self.environment = environment; self.schema = schema; self.store = store
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
        var indexes: [ObjectIdentifier: ResolvedIndex] = [:]
        for type in schema.recordTypes {
            let records = try environment.openDatabase("r.\(type.name)")
            var resolved: [ResolvedIndex] = []
            for index in type.indexes {
                let base = "i.\(type.name).\(index.name)"
                let r: ResolvedIndex
                switch index.kind {
                case .value:
                    r = ResolvedIndex(definition: index, recordType: type.name, db: try environment.openDatabase(base, flags: [.create, .dupSort, .dupFixed]), endDB: nil)
                case .unique, .count, .datedCount:
                    r = ResolvedIndex(definition: index, recordType: type.name, db: try environment.openDatabase(base), endDB: nil)
                case .interval:
                    r = ResolvedIndex(definition: index, recordType: type.name,
                                      db: try environment.openDatabase(base + ".start", flags: [.create, .dupSort, .dupFixed]),
                                      endDB: try environment.openDatabase(base + ".end", flags: [.create, .dupSort, .dupFixed]))
                }
                resolved.append(r)
                indexes[ObjectIdentifier(index)] = r
            }
            types[type.name] = ResolvedType(schema: type, records: records, indexes: resolved)
        }
        self.types = types
        self.indexes = indexes
        var counting: [UInt32: Database] = [:]
        for r in indexes.values where r.definition.kind == .count || r.definition.kind == .datedCount { counting[r.db.dbi] = r.db }
        countDatabases = counting
        monthlyDatabases = Set(indexes.values.filter { $0.definition.kind == .datedCount && $0.definition.finest == .month }.map(\.db.dbi))
        var values: [UInt32: ResolvedIndex] = [:]
        for r in indexes.values where r.definition.kind == .value || r.definition.kind == .unique { values[r.db.dbi] = r }
        valueIndexes = values
    }

    func type(_ name: String) throws(HosoError) -> ResolvedType {
        guard let t = types[name] else { throw .unknownSchemaElement("record type '\(name)'") }
        return t
    }

    func index(_ definition: IndexDefinition) throws(HosoError) -> ResolvedIndex {
        guard let i = indexes[ObjectIdentifier(definition)] else { throw .unknownSchemaElement("index '\(definition.name)'") }
        return i
    }

    var today: Day { store.options.today() }

    /// Builds the indexes of the schema that this tenant has not built yet (an index added to a
    /// record type after data was loaded), then marks them built. Nothing happens for indexes
    /// already marked, so opening a tenant costs a few key reads.
    func buildMissingIndexes(principal: Principal) throws {
        var missing: [(ResolvedType, ResolvedIndex)] = []
        try environment.read { txn in
            for t in types.values {
                for index in t.indexes where try txn.get(meta, key: MetaKeys.indexBuilt(t.schema.name, index.definition.name)) == nil {
                    missing.append((t, index))
                }
            }
        }
        guard !missing.isEmpty else { return }
        try environment.write { txn in
            let writer = TenantWriter(core: self, write: txn, principal: principal, policy: AllowAll())
            try writer.begin()
            for (t, index) in missing {
                try txn.clear(index.db)
                if let end = index.endDB { try txn.clear(end) }
                let only = ObjectIdentifier(index.definition)
                let cursor = try txn.cursor(t.records)
                var entry = try cursor.first()
                var built = 0
                while let e = entry {
                    let id = FixedWidth.uint64(e.key)
                    var entries = try t.schema.entriesOf(id, e.value, IndexContext(today: writer.day))
                    entries.keep(only: only)
                    try writer.apply(t, old: IndexEntries(), new: entries, id: id)
                    built += 1
                    entry = try cursor.next()
                }
                try txn.put(meta, key: MetaKeys.indexBuilt(t.schema.name, index.definition.name), value: [1])
                if built > 0 {
                    try writer.appendChange(.buildIndex, type: t.schema.name, ids: [], payload: nil,
                                            detail: "built index \(index.definition.name) over \(built) records")
                }
            }
            try writer.finish()
        }
    }
}
