import Foundation
import HosoDomain
import HosoStore

/// Imports and exports persons and case events through the interchange formats
/// (`Sources/HosoDomain/Interchange/FORMATS.md`), streaming, with a reject file and a summary.
///
/// ```swift
/// let summary = try TableTransfer.importFile("in/persons.csv", table: "persons", into: program)
/// print(summary.text)   // "persons.csv: 1000 rows read, 998 loaded, 2 rejected (see in/persons.csv.rejects.csv)"
/// ```
public enum TableTransfer {
    /// What an import did.
    public struct Summary: Sendable {
        /// Rows accepted and loaded.
        public var loaded: Int
        /// Rows rejected (written to the reject file).
        public var rejected: Int
        /// The reject file, when rows were rejected.
        public var rejectFile: String?
        /// Seconds taken.
        public var seconds: Double
        /// The summary line.
        public var text: String {
            "\(loaded + rejected) rows read, \(loaded) loaded, \(rejected) rejected"
                + (rejectFile.map { " (reasons and line numbers in \($0))" } ?? "") + String(format: ", %.1f s", seconds)
        }
    }

    /// The format a file name implies (`.ndjson`, `.jsonl` → NDJSON, else CSV).
    public static func format(of path: String) -> InterchangeFormat {
        path.hasSuffix(".ndjson") || path.hasSuffix(".jsonl") ? .ndjson : .csv
    }

    /// Imports persons or events from a file; bad rows go to the reject file (default: the
    /// file's name plus `.rejects.csv` / `.rejects.ndjson`), good rows land in batches that land
    /// whole or not at all.
    public static func importFile(_ path: String, table: String, into program: ProgramTenant, format: InterchangeFormat? = nil,
                                  rejects: String? = nil, progress: ((Int) -> Void)? = nil) throws -> Summary {
        let started = Date()
        let format = format ?? Self.format(of: path)
        let rejectPath = rejects ?? path + (format == .csv ? ".rejects.csv" : ".rejects.ndjson")
        let province = program.settings.communes.first?.ref.province ?? 0
        var rejected: [RowError] = []
        var loaded = 0
        var header: String?
        switch table {
        case "persons":
            let reader = try ImportReader.persons(at: path, format: format, provinceCode: province).prepared(by: program)
            header = reader.headers[reader.file]
            let values = reader.values { rejected.append($0) }.lazy.map { p -> Person in loaded += 1; if loaded % 10_000 == 0 { progress?(loaded) }; return p }
            try program.load(persons: values, events: [CaseEvent]())
        case "events":
            let reader = try ImportReader.caseEvents(at: path, format: format, provinceCode: province).prepared(by: program)
            header = reader.headers[reader.file]
            let values = reader.values { rejected.append($0) }.lazy.map { e -> CaseEvent in loaded += 1; if loaded % 10_000 == 0 { progress?(loaded) }; return e }
            try program.load(persons: [Person](), events: values)
        default:
            throw QueryError("import reads persons or events, not '\(table)'", location: nil)
        }
        if !rejected.isEmpty {
            let writer = try RejectWriter(path: rejectPath, format: format, header: header)
            for r in rejected { try writer.write(r) }
            try writer.finish()
        }
        return Summary(loaded: loaded, rejected: rejected.count, rejectFile: rejected.isEmpty ? nil : rejectPath,
                       seconds: Date().timeIntervalSince(started))
    }

    /// Exports persons or events to a file (CSV or NDJSON by extension unless given), streaming
    /// from one read transaction; returns how many records were written.
    @discardableResult
    public static func exportTable(_ table: String, to path: String, from program: ProgramTenant, format: InterchangeFormat? = nil) throws -> Int {
        let format = format ?? Self.format(of: path)
        switch table {
        case "persons":
            let writer = try PersonWriter(path: path, format: format)
            try program.tenant.read { txn in
                try txn.scan(Person.self) { p in try Interruption.check(); try writer.write(p); return true }
            }
            try writer.finish()
            return writer.count
        case "events":
            let writer = try CaseEventWriter(path: path, format: format)
            try program.tenant.read { txn in
                try txn.scan(CaseEvent.self) { e in try Interruption.check(); try writer.write(e); return true }
            }
            try writer.finish()
            return writer.count
        default:
            throw QueryError("export writes persons or events, not '\(table)'", location: nil)
        }
    }
}
