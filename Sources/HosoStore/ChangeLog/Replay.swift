extension TenantWriter {
    /// Applies a fact of another tenant's change log to this tenant, as the write that made it:
    /// an insert, update or delete of the record it carries, a bulk insert of its records, a
    /// setting, a clock advance. Facts that derive from others (tenant creation, index builds)
    /// change nothing. Replaying a tenant's whole feed, in order, into an empty tenant with the
    /// same schema rebuilds it: the same records, settings and index entries. Each replayed
    /// write appends its own fact to this tenant's log, naming this writer's principal.
    ///
    /// ```swift
    /// let replica = try store.createTenant(TenantInfo(name: "replica"), schema: schema)
    /// var seen: UInt64 = 0
    /// while case let page = try tenant.changes(after: seen, limit: 500), !page.isEmpty {
    ///     try replica.write { w in for change in page { try w.replay(change) } }
    ///     seen = page.last!.sequence
    /// }
    /// print(try replica.read { try $0.recordCount(Note.self) })   // 3
    /// ```
    ///
    /// - Throws: the errors of the write it repeats (``HosoError/recordAlreadyExists(type:id:)``
    ///   when this tenant already holds the record, …), ``HosoError/unknownSchemaElement(_:)``
    ///   for a record type this tenant's schema lacks, ``HosoError/corruptRecord(type:id:reason:)``
    ///   for a fact that lacks what it wrote (one logged before facts carried it).
    public func replay(_ change: ChangeRecord) throws {
        func missing(_ what: String) -> HosoError {
            .corruptRecord(type: "change", id: change.sequence, reason: "the \(change.operation) fact carries no \(what), so it cannot be replayed")
        }
        switch change.operation {
        case .createTenant, .buildIndex, .read, .keys:
            return
        case .insert, .update:
            guard let name = change.recordType else { throw missing("record type") }
            guard let id = change.recordIDs.first, let bytes = change.payload else { throw missing("record") }
            try authorize(.write(recordType: name))
            let t = try session.core.type(name)
            let entries = try bytes.withUnsafeBytes { try t.schema.entriesOf(id, $0, IndexContext(today: session.day)) }
            try session.store(t, id: id, bytes: bytes, entries: entries, mode: change.operation == .insert ? .insert : .update, log: true)
        case .delete:
            guard let name = change.recordType else { throw missing("record type") }
            guard let id = change.recordIDs.first else { throw missing("record id") }
            try authorize(.write(recordType: name))
            guard try session.delete(try session.core.type(name), id: id) else { throw HosoError.recordNotFound(type: name, id: id) }
        case .bulkInsert:
            guard let name = change.recordType else { throw missing("record type") }
            guard change.payloads.count == change.recordIDs.count else { throw missing("records") }
            try authorize(.write(recordType: name))
            try session.insertBatch(try session.core.type(name), ids: change.recordIDs, bytes: change.payloads)
        case .advanceDay:
            guard let day = change.day else { throw missing("day") }
            try session.advanceDay(to: day)
        case .setting:
            let detailName = change.detail.flatMap { $0.hasPrefix("setting ") ? String($0.dropFirst(8)) : nil }
            guard let name = change.settingName ?? detailName else { throw missing("setting name") }
            guard let bytes = change.payload else { throw missing("setting value") }
            try setSetting(name, bytes)
        }
    }
}
