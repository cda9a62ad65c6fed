import ArgumentParser
import Foundation
import HosoDomain
import HosoShell
import HosoStore

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load persons or case events from CSV or NDJSON (see Sources/HosoDomain/Interchange/FORMATS.md).",
        discussion: "Bad rows go to a reject file with their line number and reason; good rows land in batches that land whole or not at all.")

    @OptionGroup var storeOptions: StoreOptions
    @Argument(help: "The file (persons: person_events.csv beside it holds the events in CSV).") var file: String
    @Option(help: "persons or events.") var table: String
    @Option(help: "Tenant to load into.") var tenant: String
    @Option(help: "csv or ndjson (default: by extension).") var format: String?
    @Option(help: "Reject file (default: FILE.rejects.csv or .ndjson).") var rejects: String?

    func run() throws {
        let format = try parseFormat(format)
        let program = try ProgramTenant.open(in: try storeOptions.open(), name: tenant)
        let terminal = isatty(STDERR_FILENO) != 0
        let summary = try TableTransfer.importFile(file, table: table.lowercased(), into: program, format: format, rejects: rejects) { n in
            if terminal { FileHandle.standardError.write(Data("\r  \(n) rows…".utf8)) }
        }
        if terminal { FileHandle.standardError.write(Data("\r".utf8)) }
        print("\(file) → \(table): \(summary.text)")
        if summary.rejected > 0 { Foundation.exit(2) }
    }
}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write persons or case events to CSV or NDJSON (what import reads back).")

    @OptionGroup var storeOptions: StoreOptions
    @Argument(help: "persons or events.") var table: String
    @Argument(help: "The file to write (.csv or .ndjson).") var file: String
    @Option(help: "Tenant (default: 'demo', or the only tenant).") var tenant: String?
    @Option(help: "csv or ndjson (default: by extension).") var format: String?

    func run() throws {
        let format = try parseFormat(format)
        let session = try ShellSession(store: try storeOptions.open(), tenant: tenant)
        guard let program = session.context?.program else { throw ValidationError("no tenant: give --tenant NAME") }
        let n = try TableTransfer.exportTable(table.lowercased(), to: file, from: program, format: format)
        print("\(table) → \(file): \(n) records written")
    }
}

/// The `--format` option of import and export.
func parseFormat(_ text: String?) throws -> InterchangeFormat? {
    try text.map { f throws -> InterchangeFormat in
        guard let v = InterchangeFormat(rawValue: f.lowercased()) else { throw ValidationError("--format must be csv or ndjson, not '\(f)'") }
        return v
    }
}
