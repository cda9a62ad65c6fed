import HosoStore

/// The two interchange formats of persons and case events (see `FORMATS.md` beside this file).
///
/// ```swift
/// let format = InterchangeFormat(rawValue: "ndjson")!   // .ndjson
/// try PersonWriter.export(data.persons(), to: directory + "/persons.\(format.rawValue)", format: format)
/// print(format)   // ndjson
/// ```
public enum InterchangeFormat: String, CodedEnum {
    /// What a format is called in messages.
    public static let codeName = "format"

    /// Comma-separated values, RFC 4180 / Excel quoting, one header row. Persons take two files:
    /// `persons.csv` and `person_events.csv`.
    ///
    /// ```swift
    /// try PersonWriter.export(data.persons(), to: directory + "/persons.csv", format: .csv)   // + person_events.csv
    /// print(FileManager.default.fileExists(atPath: directory + "/person_events.csv"))   // true
    /// ```
    case csv
    /// Newline-delimited JSON: one object per line. A person's events are inside it.
    ///
    /// ```swift
    /// let file = directory + "/persons.ndjson"
    /// try PersonWriter.export(data.persons(), to: file, format: .ndjson)
    /// let rows = try ImportReader.persons(at: file, format: .ndjson)
    /// print(rows.compactMap(\.value).count)   // 10
    /// ```
    case ndjson
}

/// A row of an import file that could not be read or was refused: where it is, which field, why,
/// and its original text (for a reject file, see ``RejectWriter``).
///
/// ```swift
/// let file = directory + "/persons.csv"
/// try PersonWriter.export(data.persons(), to: file, format: .csv)
/// for row in try ImportReader.persons(at: file, format: .csv) {
///     if case .rejected(let error) = row { print(error) }   // persons.csv:7: national_id: '0200900' …
/// }
/// ```
public struct RowError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file the row is in, as the path was given.
    ///
    /// ```swift
    /// let error = RowError(file: "in/person_events.csv", line: 7, field: "national_id", reason: "'02009000123' is not a national ID: it must be exactly 12 digits (11 characters given)", raw: [])
    /// print(error.file)   // in/person_events.csv
    /// ```
    public var file: String
    /// The 1-based line number of the row's first line (a CSV header is line 1).
    ///
    /// ```swift
    /// let error = RowError(file: "in/person_events.csv", line: 7, field: "national_id", reason: "'02009000123' is not a national ID: it must be exactly 12 digits (11 characters given)", raw: [])
    /// print(error.line)   // 7
    /// ```
    public var line: Int
    /// The column (CSV) or key (NDJSON, e.g. `events[2].date`) at fault; `nil` for the whole row.
    ///
    /// ```swift
    /// let error = RowError(file: "in/person_events.csv", line: 7, field: "national_id", reason: "'02009000123' is not a national ID: it must be exactly 12 digits (11 characters given)", raw: [])
    /// print(error.field ?? "")   // national_id
    /// ```
    public var field: String?
    /// Why the row was rejected, in words a clerk can act on.
    ///
    /// ```swift
    /// let error = RowError(file: "in/person_events.csv", line: 7, field: "national_id", reason: "'02009000123' is not a national ID: it must be exactly 12 digits (11 characters given)", raw: [])
    /// print(error.reason)   // '02009000123' is not a national ID: it must be exactly 12 digits (11 characters given)
    /// ```
    public var reason: String
    /// The row's original bytes without its line end (a multi-line quoted row keeps its inner
    /// line ends). Bytes that are not valid UTF-8 are kept as they were.
    ///
    /// <!-- doc-example: compile-only -->
    /// ```swift
    /// let error = RowError(file: "persons.csv", line: 3, field: "id", reason: "is not a whole number", raw: Array("x,An".utf8))
    /// FileHandle.standardError.write(Data(error.raw + [10]))
    /// ```
    public var raw: [UInt8]

    /// Creates a row error.
    ///
    /// ```swift
    /// let e = RowError(file: "persons.csv", line: 3, field: "id", reason: "is not a whole number", raw: Array("x,An".utf8))
    /// print(e)   // persons.csv:3: id: is not a whole number
    /// ```
    public init(file: String, line: Int, field: String?, reason: String, raw: [UInt8]) {
        self.file = file; self.line = line; self.field = field; self.reason = reason; self.raw = raw
    }

    /// Turns a refusal of a record (an error of `ProgramTenant.prepare`, a ``ProgramError`` or
    /// a ``HosoStore/HosoError`` of the store) into a row error; the field is taken from the
    /// error when it names one.
    ///
    /// ```swift
    /// let person = Person(id: 12, fullName: "Nguyễn Văn An", commune: CommuneRef(province: 20, commune: 99999), fileOpened: Day(year: 2025, month: 3, day: 10)!)
    /// var rejected: [RowError] = []
    /// do { _ = try program.prepare(person) }
    /// catch { rejected.append(RowError(error, file: "persons.csv", line: 12, raw: [])) }
    /// print(rejected.count)   // 1
    /// ```
    public init(_ error: any Error, file: String, line: Int, raw: [UInt8]) {
        var field: String?
        switch error {
        case let error as ProgramError: field = error.field
        case HosoError.invalidField(_, let f, _, _): field = f
        case HosoError.invalidDate(_, let f, _, _): field = f
        default: field = nil
        }
        switch field {
        case "commune": field = "commune_code"
        case "permanent_commune": field = "permanent_commune_code"
        default: break
        }
        self.init(file: file, line: line, field: field, reason: "\(error)", raw: raw)
    }

    /// The original text, with any invalid UTF-8 shown as U+FFFD.
    ///
    /// ```swift
    /// let error = RowError(file: "persons.csv", line: 7, field: "birth_date", reason: "is not a valid date", raw: Array("7,Nguyễn Văn An,1990-02-30,M".utf8))
    /// print(error.text)   // 7,Nguyễn Văn An,1990-02-30,…
    /// ```
    public var text: String { String(decoding: raw, as: UTF8.self) }

    /// `file:line: field: reason`.
    ///
    /// ```swift
    /// let error = RowError(file: "persons.csv", line: 7, field: "birth_date", reason: "'1990-02-30' is not a valid date: February 1990 has 28 days", raw: [])
    /// print("\(error)")   // persons.csv:7: birth_date: '1990-02-30' is not a valid date: February 1990 has 28 days
    /// ```
    public var description: String {
        "\(file):\(line): " + (field.map { "\($0): " } ?? "") + reason
    }
}

/// A problem with a whole file: it cannot be opened, read or written, its header is not
/// usable, or a record cannot be written so that it reads back the same.
///
/// ```swift
/// let file = directory + "/events.csv"
/// try "id,kind,commune,dte\n".write(toFile: file, atomically: true, encoding: .utf8)
/// do {
///     _ = try ImportReader.caseEvents(at: file, format: .csv)
/// } catch {
///     print(error)
/// }
/// ```
public enum InterchangeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file cannot be opened or created.
    ///
    /// ```swift
    /// print(InterchangeError.cannotOpen(path: "in/persons.csv", reason: "No such file or directory"))   // cannot open in/persons.csv: No such file or directory
    /// ```
    case cannotOpen(path: String, reason: String)
    /// Reading failed part way.
    ///
    /// ```swift
    /// print(InterchangeError.cannotRead(path: "/mnt/usb/events.csv", reason: "Input/output error"))   // cannot read /mnt/usb/events.csv: Input/output error
    /// ```
    case cannotRead(path: String, reason: String)
    /// Writing failed part way (the partial file is removed).
    ///
    /// ```swift
    /// print(InterchangeError.cannotWrite(path: "out/events.csv", reason: "No space left on device"))   // cannot write out/events.csv: No space left on device; nothing was written to it
    /// ```
    case cannotWrite(path: String, reason: String)
    /// The header row is missing, names an unknown or repeated column, or lacks a required one.
    /// No row of the file is read: every row depends on its header.
    ///
    /// ```swift
    /// let error = InterchangeError.badHeader(RowError(file: "events.csv", line: 1, field: "header", reason: "unknown column 'dte'", raw: []))
    /// if case .badHeader(let e) = error {
    ///     print(e.reason)   // unknown column 'dte'
    /// }
    /// ```
    case badHeader(RowError)
    /// A value that the format cannot carry so that it reads back equal (such as a drug name
    /// containing `;` in CSV, or a year outside 0000–9999).
    ///
    /// ```swift
    /// print(InterchangeError.unrepresentable(record: "person 7", field: "drugs", value: "a;b", reason: "contains ';'"))   // person 7: drugs 'a;b' contains ';'
    /// ```
    case unrepresentable(record: String, field: String, value: String, reason: String)
    /// An export would replace a file the command did not name: the events file written beside
    /// a persons CSV.
    ///
    /// ```swift
    /// print(InterchangeError.wouldOverwrite(path: "out/person_events.csv", writing: "out/p.csv"))   // out/person_events.csv exists: exporting out/p.csv would overwrite it with the events of those persons; name another file for the events, or say that it may be replaced (hoso export: --events FILE or --replace)
    /// ```
    case wouldOverwrite(path: String, writing: String)

    /// What went wrong and what to do.
    ///
    /// ```swift
    /// let error = InterchangeError.cannotOpen(path: "in/persons.csv", reason: "No such file or directory")
    /// print(error)   // cannot open in/persons.csv: No such file or directory
    /// ```
    public var description: String {
        switch self {
        case let .cannotOpen(path, reason): "cannot open \(path): \(reason)"
        case let .cannotRead(path, reason): "cannot read \(path): \(reason)"
        case let .cannotWrite(path, reason): "cannot write \(path): \(reason); nothing was written to it"
        case let .badHeader(error): error.description
        case let .unrepresentable(record, field, value, reason): "\(record): \(field) '\(value)' \(reason)"
        case let .wouldOverwrite(path, writing):
            "\(path) exists: exporting \(writing) would overwrite it with the events of those persons; name another file for the events, or say that it may be replaced (hoso export: --events FILE or --replace)"
        }
    }
}

/// One row of an import file: the record read from it, or why it was rejected.
///
/// ```swift
/// let file = directory + "/persons.csv"
/// try PersonWriter.export(data.persons(), to: file, format: .csv)
/// let rejects = try RejectWriter(path: directory + "/rejects.csv", format: .csv, header: "")
/// for row in try ImportReader.persons(at: file, format: .csv) {
///     switch row {
///     case .record(let person, let line): print(line, person.fullName)
///     case .rejected(let error): try rejects.write(error)
///     }
/// }
/// try rejects.finish()
/// print(rejects.count)   // 0
/// ```
public enum ImportRow<Value: Sendable>: Sendable {
    /// A record read from the row starting on `line`.
    ///
    /// ```swift
    /// let file = directory + "/persons.csv"
    /// try PersonWriter.export(data.persons(), to: file, format: .csv)
    /// var lines: [Int] = []
    /// for row in try ImportReader.persons(at: file, format: .csv) {
    ///     if case .record(_, let line) = row { lines.append(line) }
    /// }
    /// print(lines.count)   // 10
    /// ```
    case record(Value, line: Int)
    /// A row that was rejected.
    ///
    /// ```swift
    /// let file = directory + "/persons.csv"
    /// try PersonWriter.export(data.persons(), to: file, format: .csv)
    /// let rejects = try RejectWriter(path: directory + "/rejects.csv", format: .csv, header: "")
    /// for row in try ImportReader.persons(at: file, format: .csv) {
    ///     if case .rejected(let e) = row { try rejects.write(e) }
    /// }
    /// try rejects.finish()
    /// print(rejects.count)   // 0
    /// ```
    case rejected(RowError)

    /// The record, or `nil` for a rejected row.
    ///
    /// ```swift
    /// let file = directory + "/persons.csv"
    /// try PersonWriter.export(data.persons(), to: file, format: .csv)
    /// let rows = try ImportReader.persons(at: file, format: .csv)
    /// let people = rows.compactMap(\.value)
    /// print(people.count)   // 10
    /// ```
    public var value: Value? {
        if case let .record(v, _) = self { return v }
        return nil
    }

    /// The row error, or `nil` for a record.
    ///
    /// ```swift
    /// let file = directory + "/persons.csv"
    /// try PersonWriter.export(data.persons(), to: file, format: .csv)
    /// let rows = try ImportReader.persons(at: file, format: .csv)
    /// let problems = rows.compactMap(\.error)
    /// print(problems.count)   // 0
    /// ```
    public var error: RowError? {
        if case let .rejected(e) = self { return e }
        return nil
    }
}
