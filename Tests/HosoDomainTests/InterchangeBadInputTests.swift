import Foundation
import Testing
import HosoDomain
import HosoStore

/// Bad input in import files: NDJSON numbers outside RFC 8259, and rows whose bytes would break
/// the reject file's CSV.
@Suite("Interchange bad input")
struct InterchangeBadInputTests {
    typealias F = InterchangeFixtures

    // MARK: NDJSON numbers

    @Test func ndjsonNumbersFollowRFC8259() throws {
        let dir = try F.directory()
        let base = #""kind":"tip","commune_code":6253,"date":"2025-01-02""#
        // (value of the line, the field expected to be refused or nil when the line is read)
        let lines: [(String, String?)] = [
            (#"{"id":1,\#(base),"arrested":0}"#, nil),
            (#"{"id":2,\#(base),"arrested":-1}"#, nil),
            (#"{"id":3,\#(base),"note":0.5}"#, nil),
            (#"{"id":4,\#(base),"note":1e5}"#, nil),
            (#"{"id":5,\#(base),"note":-12.25E-3}"#, nil),
            (#"{"id":6,\#(base),"note":1E+5}"#, nil),
            (#"{"id":0,\#(base),"person_ids":[0,10]}"#, nil),
            (#"{"id":05,\#(base)}"#, "id"),
            (#"{"id":9,\#(base),"arrested":01.5}"#, "arrested"),
            (#"{"id":10,\#(base),"arrested":1.}"#, "arrested"),
            (#"{"id":11,\#(base),"arrested":.5}"#, "arrested"),
            (#"{"id":12,\#(base),"arrested":1e}"#, "arrested"),
            (#"{"id":13,\#(base),"arrested":+1}"#, "arrested"),
            (#"{"id":14,\#(base),"note":00}"#, "note"),
            (#"{"id":15,\#(base),"note":-01}"#, "note"),
            (#"{"id":16,\#(base),"person_ids":[1,02]}"#, "person_ids"),
            (#"{"id":17,"kind":"tip","commune_code":06253,"date":"2025-01-02"}"#, "commune_code"),
            (#"{"id":18,\#(base),"plants":1.5e}"#, "plants"),
            (#"{"id":19,\#(base),"note":-}"#, "note"),
            (#"{"id":20,\#(base),"note":1e+}"#, "note"),
            (#"{"id":21,\#(base),"note":0x10}"#, "note"),
        ]
        try F.write(lines.map(\.0).joined(separator: "\n") + "\n", to: dir + "events.ndjson")
        let (records, errors) = F.readAll(try ImportReader.caseEvents(at: dir + "events.ndjson", format: .ndjson))
        let refused = lines.indices.filter { lines[$0].1 != nil }
        #expect(records.map(\.line) == lines.indices.filter { lines[$0].1 == nil }.map { $0 + 1 })
        #expect(errors.map(\.line) == refused.map { $0 + 1 })
        #expect(errors.map(\.field) == refused.map { lines[$0].1 })
        for e in errors {
            #expect(e.reason.contains("is not valid JSON: '") && (e.reason.contains("is not a JSON number (RFC 8259: no leading zeros") || e.reason.contains("is not a JSON value")),
                    "line \(e.line): \(e.reason)")
        }
        #expect(errors.first?.reason == "is not valid JSON: '05' is not a JSON number (RFC 8259: no leading zeros, no '+', digits on both sides of '.', digits after 'e') at column 7")
        #expect(records.map(\.value.note) == [nil, nil, "0.5", "1e5", "-12.25E-3", "1E+5", nil])
        #expect(records.map(\.value.arrested) == [0, -1, 0, 0, 0, 0, 0])
        #expect(records.last?.value.id == 0 && records.last?.value.personIDs == [0, 10])
    }

    @Test func minusZeroIsAJSONNumber() throws {
        // RFC 8259 allows -0; it reads as what the field makes of it: a whole number 0, not an id.
        let dir = try F.directory()
        try F.write("""
            {"id":1,"kind":"tip","commune_code":6253,"date":"2025-01-02","arrested":-0,"note":-0}
            {"id":-0,"kind":"tip","commune_code":6253,"date":"2025-01-02"}

            """, to: dir + "events.ndjson")
        let (records, errors) = F.readAll(try ImportReader.caseEvents(at: dir + "events.ndjson", format: .ndjson))
        #expect(records.map(\.value.arrested) == [0] && records.map(\.value.note) == ["-0"])
        #expect(errors.map(\.line) == [2] && errors.map(\.field) == ["id"])
        #expect(errors.first?.reason.contains("is not a record id") == true)
    }

    @Test func numbersInsideAPersonsEventsAreChecked() throws {
        let dir = try F.directory()
        try F.write("""
            {"id":1,"full_name":"A","commune_code":6253,"file_opened":"2025-01-02","events":[{"sequence":1,"date":"2025-01-02","kind":"test_result"}]}
            {"id":2,"full_name":"B","commune_code":6253,"file_opened":"2025-01-02","events":[{"sequence":1,"date":"2025-01-02","kind":"test_result"},{"sequence":02,"date":"2025-01-03","kind":"test_result"}]}
            {"id":3,"full_name":"C","commune_code":6253,"file_opened":"2025-01-02","events":[{"term_months":+6,"date":"2025-01-02","kind":"rehab_decision"}]}

            """, to: dir + "persons.ndjson")
        let (records, errors) = F.readAll(try ImportReader.persons(at: dir + "persons.ndjson", format: .ndjson))
        #expect(records.map(\.line) == [1])
        #expect(errors.map(\.line) == [2, 3])
        #expect(errors.map(\.field) == ["events[1].sequence", "events[0].term_months"])
        #expect(errors.first?.reason.contains("'02' is not a JSON number") == true)
    }

    // MARK: Reject files are RFC 4180

    /// A strict RFC 4180 reader, written here independently of the engine: fields separated by
    /// commas, optionally quoted with `"` (a quote inside doubled); outside quotes CRLF, CR or LF
    /// ends a record (as Python's csv module reads them); a quote inside an unquoted field or text
    /// after a closing quote is an error.
    struct StrictCSVError: Error, CustomStringConvertible { var description: String }
    static func readCSV(_ b: [UInt8]) throws -> [[[UInt8]]] {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        var records: [[[UInt8]]] = []
        var record: [[UInt8]] = []
        var i = 0
        while i < b.count {
            var field: [UInt8] = []
            if b[i] == quote {
                i += 1
                while true {
                    guard i < b.count else { throw StrictCSVError(description: "a quoted field is not closed at the end of the file") }
                    if b[i] == quote {
                        if i + 1 < b.count && b[i + 1] == quote { field.append(quote); i += 2; continue }
                        i += 1
                        break
                    }
                    field.append(b[i]); i += 1
                }
                guard i >= b.count || b[i] == comma || b[i] == cr || b[i] == lf else {
                    throw StrictCSVError(description: "text after a closing quote at byte \(i) (record \(records.count + 1))")
                }
            } else {
                while i < b.count && b[i] != comma && b[i] != cr && b[i] != lf {
                    guard b[i] != quote else { throw StrictCSVError(description: "a quote inside an unquoted field at byte \(i) (record \(records.count + 1))") }
                    field.append(b[i]); i += 1
                }
            }
            record.append(field)
            if i < b.count && b[i] == comma {
                i += 1
                if i == b.count { record.append([]) }
                continue
            }
            // The end of a record: CRLF, CR or LF, or the end of the file.
            if i < b.count && b[i] == cr { i += 1 }
            if i < b.count && b[i] == lf { i += 1 }
            records.append(record)
            record = []
        }
        if !record.isEmpty { records.append(record) }
        return records
    }

    /// The rows of the file that `rejectFileIsRFC4180` reads: original bytes, and the fields an
    /// RFC 4180 reader must find for each rejected one in the reject file (before `line`, `reason`).
    static func awkwardRows() -> (file: [UInt8], rejected: [(line: Int, fields: [[UInt8]], verbatim: [UInt8]?)]) {
        var file = Array("id,kind,commune_code,date,note\n".utf8)
        var rejected: [(Int, [[UInt8]], [UInt8]?)] = []
        var line = 2
        func b(_ s: String) -> [UInt8] { Array(s.utf8) }
        func row(_ raw: [UInt8], end: [UInt8] = [10], _ fields: [[UInt8]]?, verbatim: Bool = false) {
            if let fields { rejected.append((line, fields, verbatim ? raw : nil)) }
            file += raw + end
            line += 1 + raw.filter { $0 == 10 }.count
        }
        row(b("1,tip,6253,2025-01-02,fine"), nil)
        // A bare CR inside an unquoted note (the reader keeps it as text).
        row(b("2,tip,6253,2025-02-30,a\rb"), [b("2"), b("tip"), b("6253"), b("2025-02-30"), b("a\rb")])
        // A quoted note with CRLF and doubled quotes inside, the row ended by CRLF: copied as it is.
        row(b("3,tip,6253,2025-02-30,\"x\r\ny \"\"z\"\"\""), end: [13, 10], [b("3"), b("tip"), b("6253"), b("2025-02-30"), b("x\r\ny \"z\"")], verbatim: true)
        // A quote inside an unquoted field (kept as text, as Excel does).
        row(b("4,tip,6253,2025-02-30,ab\"c"), [b("4"), b("tip"), b("6253"), b("2025-02-30"), b("ab\"c")])
        // Text after a closing quote: the field's original bytes.
        row(b("5,tip,6253,2025-01-02,\"x\"y"), [b("5"), b("tip"), b("6253"), b("2025-01-02"), b("\"x\"y")])
        // A bare CR in the middle of a row; a short row (its CR before the LF ends the line).
        row(b("6,tip\r,6253,2025-01-02,ok"), [b("6"), b("tip\r"), b("6253"), b("2025-01-02"), b("ok")])
        row(b("7,tip"), end: [13, 10], [b("7"), b("tip")], verbatim: true)
        // An empty last field, quotes, commas and bytes that are not UTF-8.
        row(b("8,tip,6253,2025-02-30,"), [b("8"), b("tip"), b("6253"), b("2025-02-30"), []], verbatim: true)
        row(b("9,tip,6253,2025-01-02,\"q,\"\"uote\""), nil)
        row(b("10,tip,6253,2025-01-02,") + [0xFF, 0xFE, 0x0D, 0x41], [b("10"), b("tip"), b("6253"), b("2025-01-02"), [0xFF, 0xFE, 0x0D, 0x41]])
        // A quoted field cut short by the end of the file, with a CR inside.
        row(b("11,tip,6253,2025-01-02,\"cut\rshort"), end: [], [b("11"), b("tip"), b("6253"), b("2025-01-02"), b("cut\rshort")])
        return (file, rejected)
    }

    /// Reads `awkwardRows()` and writes its rejected rows to a CSV reject file; returns its bytes.
    static func writeRejects(_ dir: String) throws -> (bytes: [UInt8], errors: [RowError]) {
        try F.write(awkwardRows().file, to: dir + "events.csv")
        let reader = try ImportReader.caseEvents(at: dir + "events.csv", format: .csv)
        let rejects = try RejectWriter(path: dir + "rejects.csv", format: .csv, header: reader.headers[reader.file])
        var errors: [RowError] = []
        for row in reader { if let e = row.error { errors.append(e); try rejects.write(e) } }
        try rejects.finish()
        return (try F.bytes(dir + "rejects.csv"), errors)
    }

    @Test func rejectFileIsRFC4180() throws {
        let dir = try F.directory()
        let (bytes, errors) = try Self.writeRejects(dir)
        let expected = Self.awkwardRows().rejected
        #expect(errors.map(\.line) == expected.map(\.line))
        let records = try Self.readCSV(bytes)
        #expect(records.count == 1 + expected.count, "one record per rejected row, after the header")
        #expect(records.first == ["id", "kind", "commune_code", "date", "note", "line", "reason"].map { Array($0.utf8) })
        for (k, (e, want)) in zip(errors, expected).enumerated() where k + 1 < records.count {
            let reason = (e.field.map { "\($0): " } ?? "") + e.reason
            #expect(records[k + 1] == want.fields + [Array(String(e.line).utf8), Array(reason.utf8)],
                    "line \(e.line): \(records[k + 1].map { String(decoding: $0, as: UTF8.self) })")
            // A row that was already RFC 4180 is there byte for byte.
            if let verbatim = want.verbatim {
                let written = verbatim + Array(",\(e.line),".utf8)
                #expect(bytes.indices.contains { bytes[$0...].starts(with: written) }, "line \(e.line) is not copied as it was")
            }
        }
        // No CR or LF outside quotes except the CRLF that ends each record.
        var inQuotes = false, lineEnds = 0
        for (i, byte) in bytes.enumerated() {
            if byte == UInt8(ascii: "\"") { inQuotes.toggle(); continue }
            if inQuotes { continue }
            if byte == 13 { #expect(i + 1 < bytes.count && bytes[i + 1] == 10, "a bare CR outside quotes at byte \(i)") }
            if byte == 10 { lineEnds += 1; #expect(i > 0 && bytes[i - 1] == 13, "a bare LF outside quotes at byte \(i)") }
        }
        #expect(lineEnds == records.count)
    }

    static let python3: String? = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        .map { "\($0)/python3" }.first { FileManager.default.isExecutableFile(atPath: $0) }

    /// The same reject file read by Python's csv module (strict), when python3 is installed.
    @Test(.enabled(if: InterchangeBadInputTests.python3 != nil, "python3 is not installed"))
    func rejectFileReadsBackWithPythonsCSVModule() throws {
        let dir = try F.directory()
        let (_, errors) = try Self.writeRejects(dir)
        let script = """
            import csv, json, sys
            with open(sys.argv[1], newline='', encoding='latin-1') as f:
                print(json.dumps([row for row in csv.reader(f, strict=True)]))
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try #require(Self.python3))
        p.arguments = ["-c", script, dir + "rejects.csv"]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let problem = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(problem)")
        // Latin-1 maps each byte to one character: back to the bytes.
        let rows = try #require(try JSONSerialization.jsonObject(with: data) as? [[String]])
            .map { $0.map { $0.unicodeScalars.map { UInt8($0.value) } } }
        let expected = Self.awkwardRows().rejected
        #expect(rows.count == 1 + expected.count)
        for (k, (e, want)) in zip(errors, expected).enumerated() where k + 1 < rows.count {
            #expect(Array(rows[k + 1].dropLast(2)) == want.fields, "line \(e.line)")
            #expect(rows[k + 1].dropLast().last == Array(String(e.line).utf8))
        }
    }
}
