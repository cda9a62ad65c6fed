import HosoStore

/// The two interchange formats of persons and case events (see `FORMATS.md` beside this file).
///
/// ```swift
/// let format = InterchangeFormat(rawValue: "ndjson")!   // .ndjson
/// try PersonWriter.export(data.persons(), to: "out/persons.\(format.rawValue)", format: format)
/// ```
public enum InterchangeFormat: String, CodedEnum {
    /// What a format is called in messages.
    public static let codeName = "format"

    /// Comma-separated values, RFC 4180 / Excel quoting, one header row. Persons take two files:
    /// `persons.csv` and `person_events.csv`.
    ///
    /// ```swift
    /// try PersonWriter.export(people, to: "out/persons.csv", format: .csv)   // + out/person_events.csv
    /// ```
    case csv
    /// Newline-delimited JSON: one object per line. A person's events are inside it.
    ///
    /// ```swift
    /// let rows = try ImportReader.persons(at: "in/persons.ndjson", format: .ndjson)
    /// ```
    case ndjson
}

/// A row of an import file that could not be read or was refused: where it is, which field, why,
/// and its original text (for a reject file, see ``RejectWriter``).
///
/// ```swift
/// for row in try ImportReader.persons(at: "in/persons.csv", format: .csv) {
///     if case .rejected(let error) = row { print(error) }   // persons.csv:7: national_id: '0200900' …
/// }
/// ```
public struct RowError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file the row is in, as the path was given.
    ///
    /// ```swift
    /// error.file   // "in/person_events.csv"
    /// ```
    public var file: String
    /// The 1-based line number of the row's first line (a CSV header is line 1).
    ///
    /// ```swift
    /// error.line   // 7
    /// ```
    public var line: Int
    /// The column (CSV) or key (NDJSON, e.g. `events[2].date`) at fault; `nil` for the whole row.
    ///
    /// ```swift
    /// error.field   // "national_id"
    /// ```
    public var field: String?
    /// Why the row was rejected, in words a clerk can act on.
    ///
    /// ```swift
    /// error.reason   // "'02009000123' is not a national ID: it must be exactly 12 digits (11 characters given)"
    /// ```
    public var reason: String
    /// The row's original bytes without its line end (a multi-line quoted row keeps its inner
    /// line ends). Bytes that are not valid UTF-8 are kept as they were.
    ///
    /// ```swift
    /// FileHandle.standardError.write(Data(error.raw + [10]))
    /// ```
    public var raw: [UInt8]

    /// Creates a row error.
    ///
    /// ```swift
    /// let e = RowError(file: "persons.csv", line: 3, field: "id", reason: "is not a whole number", raw: Array("x,An".utf8))
    /// ```
    public init(file: String, line: Int, field: String?, reason: String, raw: [UInt8]) {
        self.file = file; self.line = line; self.field = field; self.reason = reason; self.raw = raw
    }

    /// Turns a refusal of a record (an error of `ProgramTenant.prepare`, a ``ProgramError`` or
    /// a ``HosoStore/HosoError`` of the store) into a row error; the field is taken from the
    /// error when it names one.
    ///
    /// ```swift
    /// do { _ = try program.prepare(person) }
    /// catch { rejected.append(RowError(error, file: "persons.csv", line: 12, raw: [])) }
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
    /// print(error.text)   // 7,Nguyễn Văn An,1990-02-30,…
    /// ```
    public var text: String { String(decoding: raw, as: UTF8.self) }

    /// `file:line: field: reason`.
    ///
    /// ```swift
    /// "\(error)"   // "persons.csv:7: birth_date: '1990-02-30' is not a valid date: February 1990 has 28 days"
    /// ```
    public var description: String {
        "\(file):\(line): " + (field.map { "\($0): " } ?? "") + reason
    }
}

/// A problem with a whole file: it cannot be opened, read or written, its header is not
/// usable, or a record cannot be written so that it reads back the same.
///
/// ```swift
/// do { _ = try ImportReader.caseEvents(at: "events.csv", format: .csv) }
/// catch { print(error) }   // events.csv:1: header: unknown column 'dte'; …
/// ```
public enum InterchangeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file cannot be opened or created.
    ///
    /// ```swift
    /// InterchangeError.cannotOpen(path: "in/persons.csv", reason: "No such file or directory")
    /// ```
    case cannotOpen(path: String, reason: String)
    /// Reading failed part way.
    ///
    /// ```swift
    /// InterchangeError.cannotRead(path: "/mnt/usb/events.csv", reason: "Input/output error")
    /// ```
    case cannotRead(path: String, reason: String)
    /// Writing failed part way (the partial file is removed).
    ///
    /// ```swift
    /// InterchangeError.cannotWrite(path: "out/events.csv", reason: "No space left on device")
    /// ```
    case cannotWrite(path: String, reason: String)
    /// The header row is missing, names an unknown or repeated column, or lacks a required one.
    /// No row of the file is read: every row depends on its header.
    ///
    /// ```swift
    /// if case .badHeader(let e) = error { print(e.reason) }   // unknown column 'dte'; …
    /// ```
    case badHeader(RowError)
    /// A value that the format cannot carry so that it reads back equal (such as a drug name
    /// containing `;` in CSV, or a year outside 0000–9999).
    ///
    /// ```swift
    /// InterchangeError.unrepresentable(record: "person 7", field: "drugs", value: "a;b", reason: "contains ';'")
    /// ```
    case unrepresentable(record: String, field: String, value: String, reason: String)

    /// What went wrong and what to do.
    ///
    /// ```swift
    /// print(error)   // cannot open in/persons.csv: No such file or directory
    /// ```
    public var description: String {
        switch self {
        case let .cannotOpen(path, reason): "cannot open \(path): \(reason)"
        case let .cannotRead(path, reason): "cannot read \(path): \(reason)"
        case let .cannotWrite(path, reason): "cannot write \(path): \(reason); nothing was written to it"
        case let .badHeader(error): error.description
        case let .unrepresentable(record, field, value, reason): "\(record): \(field) '\(value)' \(reason)"
        }
    }
}

/// One row of an import file: the record read from it, or why it was rejected.
///
/// ```swift
/// switch row {
/// case .record(let person, let line): print(line, person.fullName)
/// case .rejected(let error): try rejects.write(error)
/// }
/// ```
public enum ImportRow<Value: Sendable>: Sendable {
    /// A record read from the row starting on `line`.
    ///
    /// ```swift
    /// if case .record(let p, let line) = row { print(line, p.id) }
    /// ```
    case record(Value, line: Int)
    /// A row that was rejected.
    ///
    /// ```swift
    /// if case .rejected(let e) = row { try rejects.write(e) }
    /// ```
    case rejected(RowError)

    /// The record, or `nil` for a rejected row.
    ///
    /// ```swift
    /// let people = rows.compactMap(\.value)
    /// ```
    public var value: Value? {
        if case let .record(v, _) = self { return v }
        return nil
    }

    /// The row error, or `nil` for a record.
    ///
    /// ```swift
    /// let problems = rows.compactMap(\.error)
    /// ```
    public var error: RowError? {
        if case let .rejected(e) = self { return e }
        return nil
    }
}
