import HosoStore

/// The id of a file merged into another (``ProgramTenant/merge(keeping:absorbing:as:)``): the
/// record's ``id`` is the absorbed file's id, ``person`` the file that holds its history now.
/// It keeps what the merge needs to be undone exactly (``ProgramTenant/unmerge(_:as:)``): both
/// files and every case event it changed, as they were stored before.
///
/// ```swift
/// for alias in try program.aliases() {
///     print(alias.id, "→", alias.person, "by", alias.actor)
/// }
/// ```
public struct PersonAlias: StoredRecord, Hashable {
    /// The absorbed file's id, which still resolves (``ProgramTenant/resolvedPerson(id:)``).
    public var id: RecordID
    /// The file the alias resolves to (it may itself have been merged since: follow the chain).
    public var person: RecordID
    /// When the merge was made, in milliseconds since 1970 (UTC).
    public var mergedAt: Int64
    /// Who made it (the acting principal's name, as the change log has it).
    public var actor: String
    /// What the merge reported: fields that differed (the kept file's value stayed), events
    /// recorded in both files, dates moved.
    public var notes: [String] = []
    /// The kept file's stored bytes before the merge.
    var keptBefore: [UInt8] = []
    /// The absorbed file's stored bytes before the merge.
    var absorbedBefore: [UInt8] = []
    /// The kept file's stored bytes as the merge wrote them (undo refuses when it changed since).
    var keptAfter: [UInt8] = []
    /// The case events whose persons the merge changed, with their persons before.
    var eventPersons: [(event: RecordID, persons: [RecordID])] = []

    /// Aliases by the file they resolve to: `(person id)`.
    public static let byPerson = IndexDefinition("person", kind: .value, key: "(person id)")

    /// The record type `person_alias`.
    public static let schema = RecordSchema(PersonAlias.self, name: "person_alias", formatVersion: 1, indexes: [byPerson],
                                            maximumRecordSize: 1 << 22)

    /// Creates an alias of `id` for `person`.
    public init(id: RecordID, person: RecordID, mergedAt: Int64, actor: String) {
        self.id = id; self.person = person; self.mergedAt = mergedAt; self.actor = actor
    }

    public static func == (a: PersonAlias, b: PersonAlias) -> Bool { a.encoded() == b.encoded() && a.id == b.id }
    public func hash(into h: inout Hasher) { h.combine(id); h.combine(encoded()) }

    public func indexEntries(_ entries: inout IndexEntries, context: IndexContext) {
        entries.value(Self.byPerson, ProgramKeys.person(person))
    }

    public func encode(to w: inout RecordWriter) {
        w.write(1, person)
        w.write(2, mergedAt)
        w.write(3, actor)
        for n in notes { w.write(4, n) }
        w.write(5, bytes: keptBefore)
        w.write(6, bytes: absorbedBefore)
        w.write(7, bytes: keptAfter)
        for e in eventPersons {
            w.writeMessage(8) { m in
                m.write(1, e.event)
                m.write(2, packed: e.persons.map { Int64(bitPattern: $0) })
            }
        }
    }

    public init(id: RecordID, reader r: inout RecordReader) throws(HosoError) {
        self.init(id: id, person: 0, mergedAt: 0, actor: "")
        while let f = try r.next() {
            switch f.number {
            case 1: person = try f.uint64()
            case 2: mergedAt = try f.int64()
            case 3: actor = try f.string()
            case 4: notes.append(try f.string())
            case 5: keptBefore = Array(try f.bytes())
            case 6: absorbedBefore = Array(try f.bytes())
            case 7: keptAfter = Array(try f.bytes())
            case 8:
                var m = try f.message()
                var event: RecordID = 0
                var persons: [RecordID] = []
                while let g = try m.next() {
                    switch g.number {
                    case 1: event = try g.uint64()
                    case 2: persons = try g.packedInt64().map { UInt64(bitPattern: $0) }
                    default: break
                    }
                }
                eventPersons.append((event, persons))
            default: break
            }
        }
    }
}
