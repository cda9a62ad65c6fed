#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import HosoStore

/// Where an ``ImportReader`` takes its rows from.
protocol RowSource<Value>: AnyObject {
    associatedtype Value: Sendable
    /// The main file.
    var file: String { get }
    /// Header lines of the CSV files read, by path.
    var headers: [String: String] { get }
    func next() -> ImportRow<Value>?
    /// The original text of the row last returned.
    func lastRaw() -> [UInt8]
    /// The record last returned was refused later (by `prepare`); rows that belong with it are
    /// reported too.
    func rejectLast(because error: RowError)
}

extension RowSource {
    func rejectLast(because error: RowError) {}
}

/// A source behind closures made where its type is known, so that its parsing runs
/// specialized (a call through `any RowSource` would run the generic code).
final class ErasedSource<Value: Sendable>: RowSource {
    let file: String
    private let headersBody: () -> [String: String]
    private let nextBody: () -> ImportRow<Value>?
    private let lastRawBody: () -> [UInt8]
    private let rejectLastBody: (RowError) -> Void

    init<S: RowSource>(_ source: S) where S.Value == Value {
        file = source.file
        headersBody = { source.headers }
        nextBody = { source.next() }
        lastRawBody = { source.lastRaw() }
        rejectLastBody = { source.rejectLast(because: $0) }
    }

    var headers: [String: String] { headersBody() }
    func next() -> ImportRow<Value>? { nextBody() }
    func lastRaw() -> [UInt8] { lastRawBody() }
    func rejectLast(because error: RowError) { rejectLastBody(error) }
}

// MARK: - CSV

/// Rows of one CSV file, decoded by a ``FieldsBuilder``.
final class CSVSource<B: FieldsBuilder>: RowSource {
    typealias Value = B.Value
    let scanner: CSVScanner
    let columns: [B.Column]
    let places: PlaceCodes
    let header: String
    private var finished = false
    /// A read error that ended the file early.
    private(set) var readError: InterchangeError?

    init(path: String, places: PlaceCodes) throws(InterchangeError) {
        let scanner = try CSVScanner(path: path)
        self.scanner = scanner
        self.places = places
        let expected = B.Column.allCases.map(\.name).joined(separator: ",")
        guard try scanner.next() else {
            throw .badHeader(RowError(file: path, line: 1, field: nil,
                                      reason: "the file is empty: it needs a header row naming its columns, such as \(expected)", raw: []))
        }
        header = String(decoding: scanner.raw, as: UTF8.self)
        func fail(_ reason: String) -> InterchangeError {
            .badHeader(RowError(file: path, line: scanner.recordLine, field: "header", reason: reason, raw: scanner.raw))
        }
        guard !scanner.unterminated, scanner.strayTextField == nil else { throw fail("the header row has a badly quoted column name") }
        var columns: [B.Column] = []
        var unknown: [String] = [], repeated: [String] = []
        for k in scanner.fields.indices {
            var name = scanner.fieldText(k)
            while name.hasPrefix(" ") { name.removeFirst() }
            while name.hasSuffix(" ") { name.removeLast() }
            name = name.lowercased()
            guard let column = B.Column.allCases.first(where: { $0.name == name }) else { unknown.append("'\(name)'"); continue }
            if columns.contains(column) { repeated.append("'\(name)'") }
            columns.append(column)
        }
        let absent = B.Column.required.filter { !columns.contains($0) }.map { "'\($0.name)'" }
        var problems: [String] = []
        if !unknown.isEmpty { problems.append("unknown column\(unknown.count > 1 ? "s" : "") \(unknown.joined(separator: ", "))") }
        if !repeated.isEmpty { problems.append("column\(repeated.count > 1 ? "s" : "") \(repeated.joined(separator: ", ")) named twice") }
        if !absent.isEmpty { problems.append("required column\(absent.count > 1 ? "s" : "") \(absent.joined(separator: ", ")) missing") }
        guard problems.isEmpty else {
            throw fail(problems.joined(separator: "; ") + "; the columns are (in any order): \(expected)")
        }
        self.columns = columns
    }

    var file: String { scanner.path }
    var headers: [String: String] { [file: header] }

    func next() -> ImportRow<Value>? {
        guard !finished else { return nil }
        do {
            guard try scanner.next() else { finished = true; return nil }
        } catch {
            finished = true
            readError = error
            return .rejected(RowError(file: file, line: scanner.recordLine + 1, field: nil, reason: error.description, raw: []))
        }
        do {
            return .record(try decode(), line: scanner.recordLine)
        } catch {
            return .rejected(RowError(file: file, line: scanner.recordLine, field: error.field.isEmpty ? nil : error.field,
                                      reason: error.reason, raw: scanner.raw))
        }
    }

    @inline(__always)
    private func decode() throws(FieldFailure) -> Value {
        if scanner.oversized {
            throw FieldFailure(field: "", reason: "the row would be longer than \(CSVScanner.maxRowBytes >> 20) MiB, so a quote is probably not closed; "
                               + "its first line is rejected and reading goes on with the next line")
        }
        if scanner.unterminated {
            throw FieldFailure(field: "", reason: "a quoted field is not closed before the end of the file: the file may be cut short, or a quote is missing")
        }
        if let k = scanner.strayTextField {
            throw FieldFailure(field: k < columns.count ? columns[k].name : "", reason:
                "has text after its closing quote; a field that starts with a quote must end with one, with any quote inside written twice (\"\")")
        }
        guard scanner.fields.count == columns.count else {
            let n = scanner.fields.count
            throw FieldFailure(field: "", reason: "has \(n) field\(n == 1 ? "" : "s") but the header has \(columns.count) (\(n < columns.count ? "too few" : "too many")); "
                               + "a value with a comma, quote or line break must be quoted")
        }
        var builder = B()
        for k in 0..<columns.count {
            let column = columns[k]
            try scanner.withField(k) { (b) throws(FieldFailure) in try builder.setCSV(column, b) }
        }
        return try builder.make(places: places)
    }

    func lastRaw() -> [UInt8] { scanner.raw }

    /// The value of an id column in the current row, if it reads as one.
    func currentID(_ column: B.Column) -> RecordID? {
        guard let k = columns.firstIndex(of: column), k < scanner.fields.count else { return nil }
        return try? scanner.withField(k) { FieldText.unsigned($0) }
    }
}

// MARK: - NDJSON

/// Lines of a file, LF or CRLF ended; blank lines skipped.
final class LineScanner {
    let input: ByteInput
    @exclusivity(unchecked) private(set) var lineStart = 0
    @exclusivity(unchecked) private(set) var lineEnd = 0
    @exclusivity(unchecked) private(set) var lineNumber = 0
    @exclusivity(unchecked) private var nextLine = 1
    /// The line is longer than ``CSVScanner/maxRowBytes``: only its start was taken.
    @exclusivity(unchecked) private(set) var oversized = false
    @exclusivity(unchecked) private var discardingLine = false

    init(path: String) throws(InterchangeError) {
        input = try ByteInput(path: path)
        try input.skipByteOrderMark()
    }

    func next() throws(InterchangeError) -> Bool {
        oversized = false
        while true {
            if input.start >= input.end {
                if input.eof { return false }
                try input.fill()
                continue
            }
            if discardingLine {
                discardingLine = !input.discardLine()
                continue
            }
            let p = input.base + input.start
            let n = input.end - input.start
            var stop: Int
            if let q = memchr(p, 0x0A, n) {
                stop = input.start + (UnsafeRawPointer(q) - UnsafeRawPointer(p))
                lineStart = input.start
                input.start = stop + 1
            } else if !input.eof && n < CSVScanner.maxRowBytes {
                try input.fill()
                continue
            } else if !input.eof {
                // Too long: take the start of the line as the row and skip the rest of it.
                stop = input.end
                lineStart = input.start
                input.start = stop
                oversized = true
                discardingLine = true
            } else {
                stop = input.end
                lineStart = input.start
                input.start = stop
            }
            if stop > lineStart && input.base[stop - 1] == 0x0D { stop -= 1 }
            lineEnd = stop
            lineNumber = nextLine
            nextLine += 1
            var blank = true
            for i in lineStart..<lineEnd where !(input.base[i] == 0x20 || input.base[i] == 0x09) { blank = false; break }
            if !blank || oversized { return true }
        }
    }

    var line: Bytes { Bytes(start: input.base + lineStart, count: lineEnd - lineStart) }
    var raw: [UInt8] { input.bytes(lineStart, lineEnd) }
}

enum NDJSON {
    /// Reads one object into `fields`: known keys by column, others through `readExtra`.
    static func readObject<B: FieldsBuilder>(_ c: inout JSONCursor, into fields: inout B, places: PlaceCodes) throws(FieldFailure) {
        guard try c.open(UInt8(ascii: "{"), UInt8(ascii: "}")) else { return }
        var seen: UInt64 = 0
        repeat {
            let key = try c.string()
            try c.expect(UInt8(ascii: ":"))
            guard let column = B.Column.table.lookup(key) else {
                let name = FieldText.shown(key)
                guard try fields.readExtra(key, &c, places: places) else {
                    throw FieldFailure(field: name, reason: "is not a known field; the fields are: "
                                       + B.Column.allCases.map(\.name).joined(separator: ", "))
                }
                continue
            }
            let bit = UInt64(1) << UInt64(column.rawValue)
            guard seen & bit == 0 else { throw FieldFailure(field: column.name, reason: "appears twice in the object") }
            seen |= bit
            if column.isList {
                if c.isNull() { continue }
                guard c.peek() == UInt8(ascii: "[") else {
                    throw FieldFailure(field: column.name, reason: "must be an array, such as [\"a\", \"b\"] or [1, 2]")
                }
                guard try c.open(UInt8(ascii: "["), UInt8(ascii: "]")) else { continue }
                repeat {
                    let element: JSONScalar
                    do throws(FieldFailure) { element = try c.scalar() } catch {
                        throw FieldFailure(field: column.name, reason: error.reason)
                    }
                    guard case let .text(b, _) = element, !b.isEmpty else {
                        throw FieldFailure(field: column.name, reason: "has an empty or null element")
                    }
                    try fields.append(column, b)
                } while try c.more(UInt8(ascii: "]"))
            } else {
                let value: JSONScalar
                do throws(FieldFailure) { value = try c.scalar() } catch {
                    throw FieldFailure(field: column.name, reason: error.reason)
                }
                switch value {
                case .null: continue
                case let .text(b, _): try fields.set(column, b)
                }
            }
        } while try c.more(UInt8(ascii: "}"))
    }
}

/// Records of an NDJSON file, one object per line.
final class NDJSONSource<B: FieldsBuilder>: RowSource {
    typealias Value = B.Value
    let lines: LineScanner
    let places: PlaceCodes
    @exclusivity(unchecked) private var scratch: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var scratchCapacity = 1 << 16
    private var finished = false

    init(path: String, places: PlaceCodes) throws(InterchangeError) {
        lines = try LineScanner(path: path)
        self.places = places
        scratch = .allocate(capacity: scratchCapacity)
    }

    deinit { scratch.deallocate() }

    var file: String { lines.input.path }
    var headers: [String: String] { [:] }

    func next() -> ImportRow<Value>? {
        guard !finished else { return nil }
        do {
            guard try lines.next() else { finished = true; return nil }
        } catch {
            finished = true
            return .rejected(RowError(file: file, line: lines.lineNumber + 1, field: nil, reason: error.description, raw: []))
        }
        if lines.oversized {
            return .rejected(RowError(file: file, line: lines.lineNumber, field: nil, reason:
                "the line is longer than \(CSVScanner.maxRowBytes >> 20) MiB; only its start is kept here", raw: lines.raw))
        }
        let line = lines.line
        if line.count > scratchCapacity {
            scratch.deallocate()
            scratchCapacity = line.count
            scratch = .allocate(capacity: scratchCapacity)
        }
        var cursor = JSONCursor(line, scratch: scratch)
        do throws(FieldFailure) {
            var fields = B()
            guard cursor.peek() == UInt8(ascii: "{") else {
                throw FieldFailure(field: "", reason: "is not a JSON object: each line must hold one object {…}")
            }
            try NDJSON.readObject(&cursor, into: &fields, places: places)
            guard cursor.atEnd() else { throw JSONCursor.syntax("text after the object", at: cursor.i) }
            return .record(try fields.make(places: places), line: lines.lineNumber)
        } catch {
            return .rejected(RowError(file: file, line: lines.lineNumber, field: error.field.isEmpty ? nil : error.field,
                                      reason: error.reason, raw: lines.raw))
        }
    }

    func lastRaw() -> [UInt8] { lines.raw }
}

// MARK: - Persons with their events (CSV)

/// `persons.csv` with the rows of `person_events.csv` merged in by person id. The events file is
/// read first and grouped in memory. Every row that is not imported is reported: a rejected
/// event row rejects its person (a file without one of its facts would derive a wrong status),
/// and a rejected person reports its event rows; event rows naming no person in `persons.csv`
/// are reported at the end.
final class MergedPersonSource: RowSource {
    struct Entry { var line: Int; var event: PersonEvent }

    let persons: CSVSource<PersonFields>
    let eventsPath: String
    let eventsHeader: String
    private var grouped: [RecordID: [Entry]] = [:]
    /// The first rejected event row of each person.
    private var broken: [RecordID: RowError] = [:]
    /// Event rows to report at the end, by line: field and reason.
    private var eventReports: [Int: (field: String?, reason: String)] = [:]
    private var last: (id: RecordID, line: Int, entries: [Entry])?
    private var personsDone = false
    private var rescan: CSVScanner?
    private var rescanFailed = false

    init(personsPath: String, eventsPath: String, places: PlaceCodes) throws(InterchangeError) {
        persons = try CSVSource(path: personsPath, places: places)
        self.eventsPath = eventsPath
        let events = try CSVSource<PersonEventFields>(path: eventsPath, places: places)
        eventsHeader = events.header
        while let row = events.next() {
            switch row {
            case let .record(r, line):
                grouped[r.personID, default: []].append(Entry(line: line, event: r.event))
            case let .rejected(error):
                if let readError = events.readError { throw readError }
                eventReports[error.line] = (error.field, error.reason)
                if let id = events.currentID(.personID), broken[id] == nil { broken[id] = error }
            }
        }
    }

    var file: String { persons.file }
    var headers: [String: String] { [persons.file: persons.header, eventsPath: eventsHeader] }

    func next() -> ImportRow<Person>? {
        if !personsDone {
            if let row = persons.next() { return merge(row) }
            personsDone = true
            for (id, entries) in grouped {
                for e in entries {
                    eventReports[e.line] = ("person_id", "names person \(id), who is not in \(persons.file); import the event with its person")
                }
            }
            grouped = [:]
            last = nil
        }
        return nextEventReport()
    }

    private func merge(_ row: ImportRow<Person>) -> ImportRow<Person> {
        switch row {
        case .record(var person, let line):
            let entries = grouped.removeValue(forKey: person.id) ?? []
            if let bad = broken[person.id] {
                report(entries, "its person (\(persons.file) line \(line)) is rejected because of \(eventsPath) line \(bad.line)")
                return .rejected(RowError(file: persons.file, line: line, field: "events",
                                          reason: "\(eventsPath) line \(bad.line) is rejected (\(bad.field.map { "\($0): " } ?? "")\(bad.reason)); "
                                              + "the person is rejected with it so that the file is never imported without one of its facts",
                                          raw: persons.lastRaw()))
            }
            person.events = Self.ordered(entries)
            last = (person.id, line, entries)
            return .record(person, line: line)
        case let .rejected(error):
            last = nil
            if persons.readError == nil, let id = persons.currentID(.id), let entries = grouped.removeValue(forKey: id) {
                report(entries, "its person (\(persons.file) line \(error.line)) is rejected")
            }
            return row
        }
    }

    func rejectLast(because error: RowError) {
        guard let last else { return }
        report(last.entries, "its person (\(persons.file) line \(last.line)) is rejected: \(error.reason)")
        self.last = nil
    }

    private func report(_ entries: [Entry], _ reason: String) {
        for e in entries { eventReports[e.line] = ("person_id", reason) }
    }

    /// Events by sequence number; events without one after them, in file order.
    static func ordered(_ entries: [Entry]) -> [PersonEvent] {
        func key(_ e: PersonEvent) -> Int { e.sequence > 0 ? e.sequence : Int.max }
        var sorted = true
        for i in entries.indices.dropFirst() where key(entries[i - 1].event) > key(entries[i].event) { sorted = false; break }
        if sorted { return entries.map(\.event) }
        return entries.enumerated()
            .sorted { (key($0.element.event), $0.offset) < (key($1.element.event), $1.offset) }
            .map(\.element.event)
    }

    /// The reported event rows, in line order, read again from the events file for their text.
    private func nextEventReport() -> ImportRow<Person>? {
        guard !eventReports.isEmpty else { return nil }
        if rescan == nil && !rescanFailed {
            do {
                let scanner = try CSVScanner(path: eventsPath)
                _ = try scanner.next()   // the header
                rescan = scanner
            } catch {
                rescanFailed = true
            }
        }
        if let scanner = rescan {
            while (try? scanner.next()) ?? false {
                if let r = eventReports.removeValue(forKey: scanner.recordLine) {
                    return .rejected(RowError(file: eventsPath, line: scanner.recordLine, field: r.field, reason: r.reason, raw: scanner.raw))
                }
            }
            rescan = nil
            rescanFailed = true
        }
        // The file changed or went away: report the rest without their text.
        let line = eventReports.keys.min()!
        let r = eventReports.removeValue(forKey: line)!
        return .rejected(RowError(file: eventsPath, line: line, field: r.field, reason: r.reason, raw: []))
    }

    func lastRaw() -> [UInt8] { persons.lastRaw() }
}

// MARK: - Validation

/// Applies a validation (such as `ProgramTenant.prepare`) to each record of another source.
final class PreparedSource<Value: Sendable>: RowSource {
    let inner: ErasedSource<Value>
    let transform: (Value) throws -> Value

    init(_ inner: ErasedSource<Value>, _ transform: @escaping (Value) throws -> Value) {
        self.inner = inner; self.transform = transform
    }

    var file: String { inner.file }
    var headers: [String: String] { inner.headers }

    func next() -> ImportRow<Value>? {
        guard let row = inner.next() else { return nil }
        guard case let .record(value, line) = row else { return row }
        do {
            return .record(try transform(value), line: line)
        } catch {
            let rejected = RowError(error, file: inner.file, line: line, raw: inner.lastRaw())
            inner.rejectLast(because: rejected)
            return .rejected(rejected)
        }
    }

    func lastRaw() -> [UInt8] { inner.lastRaw() }
    func rejectLast(because error: RowError) { inner.rejectLast(because: error) }
}
