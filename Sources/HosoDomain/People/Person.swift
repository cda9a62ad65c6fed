import HosoStore

/// A person's management file (hồ sơ quản lý): identity, residence, the events recorded and
/// the status history derived from them.
///
/// Build one with ``init(id:fullName:commune:fileOpened:)`` and record it through a
/// ``ProgramTenant``, which validates it and derives ``history`` from the tenant's rules.
///
/// ```swift
/// var p = Person(id: 1, fullName: "Nguyễn Văn An", commune: congSon, fileOpened: day)
/// p.nationalID = "020090001234"
/// p.birthDate = Day(year: 1990, month: 5, day: 1)
/// try program.addPerson(p, events: [PersonEvent(date: day, kind: .managementDecision)])
/// print(try program.person(nationalID: "020090001234")?.fullName ?? "")   // Nguyễn Văn An
/// ```
public struct Person: StoredRecord, Hashable {
    /// The record id.
    public var id: RecordID
    /// Full name, with diacritics.
    public var fullName: String
    /// Date of birth.
    public var birthDate: Day?
    /// Sex.
    public var sex: Sex = .unknown
    /// The 12-digit national ID (CCCD), when known; unique within the tenant.
    public var nationalID: String?
    /// A national ID this file carries that another file already holds: set by an import with
    /// ``DuplicatePolicy/keep`` instead of refusing the row, so the unique index keeps holding
    /// while the two files wait for ``ProgramTenant/merge(keeping:absorbing:as:)``. Indexed by
    /// ``byPendingNationalID``; ``ProgramTenant/duplicates()`` pairs it with the holder.
    ///
    /// ```swift
    /// var p = Person(id: 2, fullName: "Nguyễn Văn An", commune: congSon, fileOpened: day)
    /// p.pendingNationalID = "020090001234"
    /// print(p.nationalID == nil)   // true
    /// ```
    public var pendingNationalID: String?
    /// The keyed digest of ``nationalID`` a sealed tenant indexes in its place (set by the
    /// engine on every write to a sealed tenant; `nil` elsewhere). It stays in clear in the
    /// stored record, so the index is rebuilt without keys.
    public internal(set) var nationalIDDigest: String?
    /// The keyed digest of ``pendingNationalID``, likewise.
    public internal(set) var pendingNationalIDDigest: String?
    /// Commune holding the file when it was opened (current residence then).
    public var commune: CommuneRef
    /// The pre-2025 commune the file named when it was imported from old data, with how
    /// ``commune`` (its 2025 successor) was chosen; `nil` for a file naming a 2025 commune.
    /// A commune code, kept in clear in a sealed tenant.
    ///
    /// ```swift
    /// var p = Person(id: 3, fullName: "Nguyễn Văn An", commune: congSon, fileOpened: day)
    /// p.namedPlace = NamedPlace(commune: CommuneRef(province: 20, district: 178, commune: 6178), placedBy: .whole)
    /// print(p.namedPlace?.commune.commune ?? 0)   // 6178
    /// ```
    public var namedPlace: NamedPlace?
    /// Village or quarter of the current residence.
    public var village: String?
    /// Permanent residence, when it differs.
    public var permanentCommune: CommuneRef?
    /// Village of the permanent residence.
    public var permanentVillage: String?
    /// Occupation.
    public var occupation: String?
    /// Drugs used.
    public var drugs: [String] = []
    /// The day the file was opened.
    public var fileOpened: Day
    /// Not present at the residence.
    public var notPresent: Bool = false
    /// Residing here from another locality.
    public var fromAnotherLocality: Bool = false
    /// Events of the file, in the order recorded.
    public var events: [PersonEvent] = []
    /// The derived status history (kept with the record; recomputed on every change).
    public var history: [StatusInterval] = []
    /// Every entry into and exit from a status of ``history``, with its cause, in time order
    /// (derived with it; see ``StatusChange``).
    public var statusChanges: [StatusChange] = []

    /// Sex as recorded.
    public enum Sex: Int, CodedEnum {
        case unknown = 0, male, female

        /// What a sex is called in messages.
        public static let codeName = "sex"

        /// The code used in queries and files.
        ///
        /// ```swift
        /// print(Person.Sex(code: "female") == .female)   // true
        /// ```
        public var code: String {
            switch self {
            case .unknown: "unknown"
            case .male: "male"
            case .female: "female"
            }
        }

        /// The Vietnamese name.
        public var label: String {
            switch self {
            case .unknown: "không rõ"
            case .male: "nam"
            case .female: "nữ"
            }
        }
    }

    /// Creates a file with no events.
    public init(id: RecordID, fullName: String, commune: CommuneRef, fileOpened: Day) {
        self.id = id; self.fullName = fullName; self.commune = commune; self.fileOpened = fileOpened
    }

    // MARK: Derived facts

    /// The status on `day`.
    public func status(on day: Day) -> Status { history.last { $0.contains(day) }?.status ?? .none }

    /// The commune managing the person on `day`: the registered commune, changed by moves.
    public func commune(on day: Day) -> CommuneRef {
        if let interval = history.last(where: { $0.contains(day) }) { return interval.commune }
        var place = commune
        let voided = Set(events.compactMap { $0.kind == .correction ? $0.voids : nil })
        for e in events.sorted(by: { ($0.date, $0.sequence) < ($1.date, $1.sequence) })
        where e.date <= day && !voided.contains(e.sequence) && (e.kind == .moveOut || e.kind == .moveIn) {
            if let c = e.commune { place = c }
        }
        return place
    }

    /// Sets ``history`` and ``statusChanges`` from a derivation.
    mutating func apply(_ derived: StatusDerivation) {
        history = derived.intervals
        statusChanges = derived.changes.map { var c = $0; c.personID = id; return c }
    }

    /// Whether the person is a minor (under 18) on `day`.
    public func isMinor(on day: Day) -> Bool { birthDate.map { $0.age(on: day) < 18 } ?? false }

    /// Whether a psychosis episode is on file.
    public var hasPsychosis: Bool { events.contains { $0.kind == .psychosisEpisode } }

    // Indexes and their keys: ProgramIndexes.swift.

    /// What the change log keeps of a deleted file: its ids, commune, dates, drugs and statuses,
    /// without the full name, national ID, birth date, villages, occupation or event notes.
    ///
    /// ```swift
    /// let kept = data.person(1).redactedForDeletion()
    /// print(kept.fullName.isEmpty, kept.nationalID == nil, kept.birthDate == nil)   // true true true
    /// ```
    public func redactedForDeletion() -> Person {
        var p = withoutSealedFields()
        p.nationalIDDigest = nil; p.pendingNationalIDDigest = nil
        return p
    }

    /// The personal fields of a file are sealed under the key of the file's commune (its
    /// officers' scope) in a sealed tenant.
    public var sealingScope: String? { String(commune.commune) }

    /// The file without its personal fields (full name, national IDs, birth date, villages,
    /// occupation, event notes), keeping the national IDs' digests: what a sealed tenant keeps
    /// in clear.
    ///
    /// ```swift
    /// let clear = data.person(1).withoutSealedFields()
    /// print(clear.fullName.isEmpty, clear.nationalID == nil, clear.history == data.person(1).history)   // true true true
    /// ```
    public func withoutSealedFields() -> Person {
        var p = self
        p.fullName = ""; p.birthDate = nil; p.nationalID = nil; p.pendingNationalID = nil
        p.village = nil; p.permanentVillage = nil; p.occupation = nil
        for i in p.events.indices { p.events[i].note = nil }
        return p
    }

    /// The file with the digests of its national IDs.
    public func digested(_ digest: (String) -> String) -> Person {
        var p = self
        p.nationalIDDigest = nationalID.flatMap { $0.isEmpty ? nil : digest($0) }
        p.pendingNationalIDDigest = pendingNationalID.flatMap { $0.isEmpty ? nil : digest($0) }
        return p
    }

    // MARK: Encoding

    public func encode(to w: inout RecordWriter) {
        w.write(1, fullName)
        w.write(2, birthDate.map { Int64($0.rawValue) })
        w.write(3, sex.rawValue)
        w.write(4, nationalID)
        w.writeMessage(5) { commune.write(to: &$0) }
        w.write(6, village)
        if let permanentCommune { w.writeMessage(7) { permanentCommune.write(to: &$0) } }
        w.write(8, permanentVillage)
        w.write(9, occupation)
        for d in drugs { w.write(10, d) }
        w.write(11, Int64(fileOpened.rawValue))
        w.write(12, notPresent)
        w.write(13, fromAnotherLocality)
        // An event's note is written apart from the event (field 18, by the event's place in
        // `events`): a sealed file then seals the notes alone, not every event with them.
        for e in events { w.writeMessage(14) { e.write(to: &$0, note: false) } }
        for i in history { w.writeMessage(15) { i.write(to: &$0) } }
        for c in statusChanges { w.writeMessage(16) { c.write(to: &$0) } }
        w.write(17, pendingNationalID)
        for (index, e) in events.enumerated() {
            if let note = e.note { w.writeMessage(18) { $0.write(1, index); $0.write(2, note) } }
        }
        w.write(30, nationalIDDigest)
        w.write(31, pendingNationalIDDigest)
        if let namedPlace { w.writeMessage(32) { namedPlace.write(to: &$0) } }
    }

    public init(id: RecordID, reader r: inout RecordReader) throws(HosoError) {
        self.init(id: id, fullName: "", commune: CommuneRef(province: 0, commune: 0), fileOpened: Day(rawValue: 0))
        var notes: [(index: Int, note: String)] = []
        while let f = try r.next() {
            switch f.number {
            case 1: fullName = try f.string()
            case 2: birthDate = Day(rawValue: Int32(truncatingIfNeeded: try f.int64()))
            case 3: sex = Sex(rawValue: try f.int()) ?? .unknown
            case 4: nationalID = try f.string()
            case 5: var m = try f.message(); commune = try CommuneRef.read(&m)
            case 6: village = try f.string()
            case 7: var m = try f.message(); permanentCommune = try CommuneRef.read(&m)
            case 8: permanentVillage = try f.string()
            case 9: occupation = try f.string()
            case 10: drugs.append(try f.string())
            case 11: fileOpened = Day(rawValue: Int32(truncatingIfNeeded: try f.int64()))
            case 12: notPresent = try f.bool()
            case 13: fromAnotherLocality = try f.bool()
            case 14: var m = try f.message(); events.append(try PersonEvent.read(&m))
            case 15: var m = try f.message(); history.append(try StatusInterval.read(&m))
            case 16: var m = try f.message(); statusChanges.append(try StatusChange.read(&m, personID: id))
            case 17: pendingNationalID = try f.string()
            case 18:
                var m = try f.message()
                var index = 0, note = ""
                while let g = try m.next() {
                    switch g.number {
                    case 1: index = try g.int()
                    case 2: note = try g.string()
                    default: break
                    }
                }
                notes.append((index, note))
            case 30: nationalIDDigest = try f.string()
            case 31: pendingNationalIDDigest = try f.string()
            case 32: var m = try f.message(); namedPlace = try NamedPlace.read(&m)
            default: break
            }
        }
        // Records written before notes moved out of the events keep them inside (field 14's 11).
        for n in notes {
            guard events.indices.contains(n.index) else {
                throw HosoError.corruptRecord(type: "person", id: id, reason: "a note names event \(n.index + 1) of \(events.count)")
            }
            events[n.index].note = n.note
        }
    }
}
