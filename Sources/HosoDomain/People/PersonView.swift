import HosoStore

/// A person's file read lazily from its stored bytes (``ProgramTenant/personView(id:)``): a
/// field is decoded when it is asked for, the events only by ``events()``, the whole file with
/// its derived history only by ``person()``. What a page showing a file's identity, or a lookup
/// that needs two fields of it, reads instead of decoding every event, interval and status
/// change.
///
/// The bytes are the file as the handle may see it: opened when its personal fields are sealed
/// and the handle holds the key (otherwise without them), and without the personal fields for
/// a role that does not read them, as ``ProgramTenant/person(id:)`` hands it out.
///
/// ```swift
/// let p = Person(id: 5, fullName: "Lý Thị Hoa", commune: congSon, fileOpened: Day(year: 2025, month: 2, day: 3)!)
/// _ = try program.addPerson(p, events: [PersonEvent(date: p.fileOpened, kind: .addictionDetermination, outcome: .addicted)])
/// let view = try program.personView(id: 5)!
/// print(try view.fullName, try view.commune.commune == congSon.commune, try view.events().count)   // Lý Thị Hoa true 1
/// print(try view.person() == program.person(id: 5)!)   // true
/// ```
public struct PersonView: Sendable, Hashable {
    /// The file's id.
    public let id: RecordID
    /// The stored encoding the fields are read from.
    public let bytes: [UInt8]

    /// A view of the encoding `bytes` of file `id` (as ``Person/encoded()`` writes it).
    public init(id: RecordID, bytes: [UInt8]) { self.id = id; self.bytes = bytes }

    /// Calls `body` with each field numbered `number`, in order, until it returns `false`.
    private func fields(_ number: Int, _ body: (RecordReader.Field) throws(HosoError) -> Bool) throws(HosoError) {
        var failure: HosoError?
        bytes.withUnsafeBytes { raw in
            do throws(HosoError) {
                var r = try RecordReader(raw, recordType: Person.schema.name)
                while let f = try r.next() {
                    if f.number == number, !(try body(f)) { break }
                }
            } catch { failure = error }
        }
        if let failure {
            if case let .corruptRecord(_, nil, reason) = failure { throw HosoError.corruptRecord(type: Person.schema.name, id: id, reason: reason) }
            throw failure
        }
    }

    /// The first field numbered `number`, read by `read`; `nil` when the file has none.
    private func first<T>(_ number: Int, _ read: (RecordReader.Field) throws(HosoError) -> T) throws(HosoError) -> T? {
        var out: T?
        try fields(number) { f throws(HosoError) in out = try read(f); return false }
        return out
    }

    /// Full name (empty for a role that does not read personal fields).
    public var fullName: String { get throws(HosoError) { try first(1) { f throws(HosoError) in try f.string() } ?? "" } }
    /// Birth date, if known.
    public var birthDate: Day? { get throws(HosoError) { try first(2) { f throws(HosoError) in Day(rawValue: Int32(truncatingIfNeeded: try f.int64())) } } }
    /// Sex as recorded.
    public var sex: Person.Sex { get throws(HosoError) { try first(3) { f throws(HosoError) in Person.Sex(rawValue: try f.int()) ?? .unknown } ?? .unknown } }
    /// The 12-digit national ID, if any.
    public var nationalID: String? { get throws(HosoError) { try first(4) { f throws(HosoError) in try f.string() } } }
    /// Commune holding the file when it was opened.
    public var commune: CommuneRef {
        get throws(HosoError) {
            try first(5) { f throws(HosoError) in var m = try f.message(); return try CommuneRef.read(&m) } ?? CommuneRef(province: 0, commune: 0)
        }
    }
    /// Village of the current residence.
    public var village: String? { get throws(HosoError) { try first(6) { f throws(HosoError) in try f.string() } } }
    /// Permanent residence, when it differs.
    public var permanentCommune: CommuneRef? {
        get throws(HosoError) { try first(7) { f throws(HosoError) in var m = try f.message(); return try CommuneRef.read(&m) } }
    }
    /// Village of the permanent residence.
    public var permanentVillage: String? { get throws(HosoError) { try first(8) { f throws(HosoError) in try f.string() } } }
    /// Occupation.
    public var occupation: String? { get throws(HosoError) { try first(9) { f throws(HosoError) in try f.string() } } }
    /// Drugs used.
    public var drugs: [String] {
        get throws(HosoError) {
            var out: [String] = []
            try fields(10) { f throws(HosoError) in out.append(try f.string()); return true }
            return out
        }
    }
    /// The day the file was opened.
    public var fileOpened: Day { get throws(HosoError) { Day(rawValue: try first(11) { f throws(HosoError) in Int32(truncatingIfNeeded: try f.int64()) } ?? 0) } }
    /// The pre-2025 commune the file named, if it was imported from old data.
    public var namedPlace: NamedPlace? {
        get throws(HosoError) { try first(32) { f throws(HosoError) in var m = try f.message(); return try NamedPlace.read(&m) } }
    }

    /// The file's events, in the order recorded (with their notes).
    public func events() throws(HosoError) -> [PersonEvent] {
        // The notes are kept apart from the events (field 18); the whole decode joins them.
        var hasNotes = false
        try fields(18) { _ in hasNotes = true; return false }
        if hasNotes { return try person().events }
        var out: [PersonEvent] = []
        try fields(14) { f throws(HosoError) in var m = try f.message(); out.append(try PersonEvent.read(&m)); return true }
        return out
    }

    /// The whole file, decoded as ``ProgramTenant/person(id:)`` hands it out.
    public func person() throws(HosoError) -> Person {
        var result: Result<Person, HosoError> = .failure(.corruptRecord(type: Person.schema.name, id: id, reason: "empty value"))
        bytes.withUnsafeBytes { raw in
            do throws(HosoError) { result = .success(try Person.decode(id: id, raw)) } catch { result = .failure(error) }
        }
        return try result.get()
    }
}

extension ProgramSnapshot {
    /// The file `id` as a lazy view of its stored bytes (see ``PersonView``), `nil` when there
    /// is none (or the handle may not see it); an id merged into another file is not followed.
    ///
    /// ```swift
    /// print(try q.personView(id: 99) == nil)   // true
    /// ```
    public func personView(id: RecordID) throws -> PersonView? {
        try txn.withBytes(of: Person.self, id: id) { PersonView(id: id, bytes: Array($0)) }
    }

    /// The file holding a national ID as a lazy view (see ``person(nationalID:)``).
    ///
    /// ```swift
    /// print(try q.personView(nationalID: "020090001234") == nil)   // true
    /// ```
    public func personView(nationalID: String) throws -> PersonView? {
        guard let id = try personID(nationalID: nationalID) else { return nil }
        return try personView(id: id)
    }
}

extension ProgramTenant {
    /// The file `id` as a lazy view of its stored bytes (see ``PersonView``), from one snapshot.
    ///
    /// ```swift
    /// print(try program.personView(id: 99) == nil)   // true
    /// ```
    public func personView(id: RecordID) throws -> PersonView? { try read { try $0.personView(id: id) } }

    /// The file holding a national ID as a lazy view (see ``person(nationalID:)``), from one snapshot.
    ///
    /// ```swift
    /// print(try program.personView(nationalID: "020090001234") == nil)   // true
    /// ```
    public func personView(nationalID: String) throws -> PersonView? { try read { try $0.personView(nationalID: nationalID) } }
}
