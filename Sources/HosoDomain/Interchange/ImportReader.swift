import HosoStore

/// A streaming reader of an import file: each row gives a record or a ``RowError``, in file
/// order, without loading the file (it is read in 1 MiB chunks and parsed byte by byte).
///
/// Reading checks syntax and types only (dates, whole numbers, 12-digit national IDs, known
/// codes, UTF-8, the number of fields). Checks against the tenant (communes, date order, the
/// status rules) are ``ProgramTenant``'s: apply them with `prepared(by:)`
/// for persons, or the case-event variant for case events. Nothing here writes to a store.
///
/// ```swift
/// let file = directory + "/persons.csv"
/// try PersonWriter.export(data.persons(), to: file, format: .csv)
/// let rows = try ImportReader.persons(at: file, format: .csv, provinceCode: 20).prepared(by: program)
/// let rejects = try RejectWriter(path: directory + "/persons.rejects.csv", format: .csv, header: rows.headers[rows.file])
/// try program.load(persons: rows.values { try? rejects.write($0) }, events: [])
/// try rejects.finish()
/// print(try program.personCount(), rejects.count)   // 10 0
/// ```
public final class ImportReader<Value: Sendable>: Sequence, IteratorProtocol {
    let source: ErasedSource<Value>

    init(_ source: some RowSource<Value>) { self.source = ErasedSource(source) }

    /// The main file read (for persons in CSV, `persons.csv`).
    ///
    /// ```swift
    /// let file = directory + "/persons.csv"
    /// try PersonWriter.export(data.persons(), to: file, format: .csv)
    /// let reader = try ImportReader.persons(at: file, format: .csv)
    /// print("reading", reader.file.hasSuffix("/persons.csv"))   // reading true
    /// ```
    public var file: String { source.file }

    /// The header line of each CSV file read, by path (empty for NDJSON), to head a reject file.
    ///
    /// ```swift
    /// let file = directory + "/persons.csv"
    /// try PersonWriter.export(data.persons(), to: file, format: .csv)
    /// let reader = try ImportReader.persons(at: file, format: .csv)
    /// let header = reader.headers[reader.file]   // "id,full_name,…"
    /// print(header?.hasPrefix("id,") ?? false)   // true
    /// ```
    public var headers: [String: String] { source.headers }

    /// The next row, or `nil` at the end.
    ///
    /// ```swift
    /// let file = directory + "/persons.csv"
    /// try PersonWriter.export(data.persons(), to: file, format: .csv)
    /// let reader = try ImportReader.persons(at: file, format: .csv)
    /// var rows = 0
    /// while let row = reader.next() {
    ///     rows += 1
    ///     if case .rejected(let e) = row { print(e) }
    /// }
    /// print(rows)   // 10
    /// ```
    public func next() -> ImportRow<Value>? { source.next() }

    /// The original bytes of the row ``next()`` returned last (for a reject file written later,
    /// when the store refuses that record at commit time).
    public var lastRowBytes: [UInt8] { source.lastRaw() }

    /// The records, calling `onReject` with each rejected row instead of returning it.
    ///
    /// ```swift
    /// let file = directory + "/persons.csv"
    /// try PersonWriter.export(data.persons(), to: file, format: .csv)
    /// let reader = try ImportReader.persons(at: file, format: .csv)
    /// var problems: [RowError] = []
    /// let people = Array(reader.values { problems.append($0) })
    /// print(people.count, problems.count)   // 10 0
    /// ```
    public func values(onReject: @escaping (RowError) -> Void) -> some Sequence<Value> {
        sequence(state: self) { (reader: inout ImportReader<Value>) -> Value? in
            while let row = reader.next() {
                switch row {
                case let .record(value, _): return value
                case let .rejected(error): onReject(error)
                }
            }
            return nil
        }
    }

    /// A reader that applies `validate` to each record; a record it refuses becomes a rejected
    /// row with the record's line and text. Use the returned reader instead of this one.
    ///
    /// ```swift
    /// let file = directory + "/persons.csv"
    /// try PersonWriter.export(data.persons(), to: file, format: .csv)
    /// let reader = try ImportReader.persons(at: file, format: .csv)
    /// let checked = reader.validated { p in
    ///     guard p.id > 0 else { throw HosoError.invalidField(record: "person \(p.id)", field: "id", value: "0", reason: "is required here") }
    ///     return p
    /// }
    /// print(checked.compactMap(\.value).count)   // 10
    /// ```
    public func validated(_ validate: @escaping (Value) throws -> Value) -> ImportReader<Value> {
        ImportReader(PreparedSource(source, validate))
    }
}

extension ImportReader where Value == Person {
    /// Reads persons. In CSV, the persons come from `path` and their events from
    /// `personEventsPath` (by default `person_events.csv` beside `path`), merged by person id;
    /// in NDJSON each line holds a person with its events.
    ///
    /// Commune codes are read into ``CommuneRef``s of province `provinceCode` (0 lets
    /// the tenant's `prepare` fill in the tenant's province and district). With `places:
    /// .before2025` they are read as pre-2025 communes (an optional `district_code` column is
    /// checked against them): each person is placed in the 2025 commune that took its commune
    /// over and keeps the old one as ``Person/namedPlace``; a split commune's persons go to its
    /// primary successor unless `assigned_commune_code` names another of its successors; a
    /// commune the mapping has no row for is a rejected row unless that column places it.
    /// `villageRules` (a tenant's ``ProgramTenant/villageRules()``) place the persons of a split
    /// or unmapped commune's village the file assigns no successor to.
    ///
    /// - Throws: ``InterchangeError`` when a file cannot be opened or its header is not usable.
    ///
    /// ```swift
    /// let file = directory + "/persons.ndjson"
    /// try PersonWriter.export(data.persons(), to: file, format: .ndjson)
    /// for row in try ImportReader.persons(at: file, format: .ndjson) {
    ///     if let p = row.value { print(p.id, p.events.count) }
    /// }
    /// ```
    public static func persons(at path: String, format: InterchangeFormat, personEventsPath: String? = nil,
                               provinceCode: Int32 = 0, places: PlaceHistory.Hierarchy = .since2025,
                               villageRules: VillageRuleBook = VillageRuleBook()) throws(InterchangeError) -> ImportReader<Person> {
        let codes = try PlaceCodes.reading(places, province: provinceCode, path: path, rules: villageRules)
        switch format {
        case .csv:
            let events = personEventsPath ?? siblingPath(of: path, named: "person_events.csv")
            return ImportReader(try MergedPersonSource(personsPath: path, eventsPath: events, places: codes))
        case .ndjson:
            return ImportReader(try NDJSONSource<PersonFields>(path: path, places: codes))
        }
    }

    /// A reader that applies ``ProgramTenant``'s `prepare` to each person (communes of the
    /// tenant, date order, status history derived); a refused person becomes a rejected row with
    /// its line. In CSV its event rows are then reported as rejected too, at the end.
    ///
    /// ```swift
    /// let file = directory + "/persons.csv"
    /// try PersonWriter.export(data.persons(), to: file, format: .csv)
    /// let rows = try ImportReader.persons(at: file, format: .csv).prepared(by: program)
    /// print(rows.compactMap(\.value).count)   // 10
    /// ```
    public func prepared(by program: ProgramTenant) -> ImportReader<Person> {
        validated { p in try program.prepare(p) }
    }
}

extension ImportReader where Value == CaseEvent {
    /// Reads case events from a CSV or NDJSON file. Commune codes are read into ``CommuneRef``s
    /// of province `provinceCode` (0 lets the tenant's `prepare` fill it in); with `places:
    /// .before2025` as pre-2025 communes, placed as for persons (``CaseEvent/namedPlace``).
    ///
    /// - Throws: ``InterchangeError`` when the file cannot be opened or its header is not usable.
    ///
    /// ```swift
    /// let file = directory + "/events.csv"
    /// try CaseEventWriter.export(data.events(), to: file, format: .csv)
    /// let rows = try ImportReader.caseEvents(at: file, format: .csv)
    /// let events = rows.compactMap(\.value)
    /// print(events.count)   // 20
    /// ```
    public static func caseEvents(at path: String, format: InterchangeFormat,
                                  provinceCode: Int32 = 0, places: PlaceHistory.Hierarchy = .since2025) throws(InterchangeError) -> ImportReader<CaseEvent> {
        let codes = try PlaceCodes.reading(places, province: provinceCode, path: path)
        return switch format {
        case .csv: ImportReader(try CSVSource<CaseEventFields>(path: path, places: codes))
        case .ndjson: ImportReader(try NDJSONSource<CaseEventFields>(path: path, places: codes))
        }
    }

    /// A reader that applies ``ProgramTenant``'s `prepare` to each case event; a refused event
    /// becomes a rejected row with its line.
    ///
    /// ```swift
    /// let file = directory + "/events.ndjson"
    /// try CaseEventWriter.export(data.events(), to: file, format: .ndjson)
    /// let rows = try ImportReader.caseEvents(at: file, format: .ndjson).prepared(by: program)
    /// print(rows.compactMap(\.value).count)   // 20
    /// ```
    public func prepared(by program: ProgramTenant) -> ImportReader<CaseEvent> {
        validated { e in try program.prepare(e) }
    }
}

/// `name` in the directory of `path`.
func siblingPath(of path: String, named name: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return name }
    return String(path[...slash]) + name
}
