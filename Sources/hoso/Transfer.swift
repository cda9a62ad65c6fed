import ArgumentParser
import Foundation
import HosoDomain
import HosoShell

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load persons or case events from CSV or NDJSON (see Sources/HosoDomain/Interchange/FORMATS.md).",
        discussion: """
        Bad rows go to a reject file with their line number and reason; good rows land in batches \
        that land whole or not at all. Rows of person_events.csv that are wrong are rejected with \
        their person.

        Exit codes: 0 every row loaded; 2 some rows were rejected (the others loaded; see the reject \
        file, correct it and import it again); 1 nothing could be read or written (the message says why).

        Examples:
          hoso import persons.csv --table persons --tenant lang-son
          hoso import events.ndjson --table events --tenant lang-son --rejects bad-events.ndjson
          hoso import district-b.csv --table persons --tenant lang-son --duplicates keep
          hoso import old-persons.csv --table persons --tenant lang-son --places before2025

        A person whose national ID another file holds is rejected (--duplicates reject, the default) \
        or loaded with the ID waiting for a merge (--duplicates keep): the summary lists those rows; \
        hoso persons duplicates pairs them with the holder and hoso persons merge joins them.

        Old data (--places before2025): the file's commune codes are pre-2025 communes (2024 \
        gazetteer), optionally with a district_code column that is checked against them. Each record \
        is counted in the 2025 commune that took its commune over and keeps the old one; a split \
        commune's records go to its primary successor unless an assigned_commune_code column names \
        another successor, and the summary lists them for review (hoso places review, hoso places \
        assign). An old commune without a row in the official mapping is a rejected row unless \
        assigned_commune_code places it (hoso places unmapped lists them).
        """)

    @OptionGroup var storeOptions: StoreOptions
    @Argument(help: "The file (persons: person_events.csv beside it holds the events in CSV).") var file: String
    @Option(help: ArgumentHelp(TransferTable.codes.joined(separator: " or ") + ".")) var table: String
    @Option(help: "Tenant to load into.") var tenant: String
    @Option(help: ArgumentHelp(InterchangeFormat.codes.joined(separator: " or ") + " (default: by extension).")) var format: String?
    @Option(help: "Reject file (default: FILE.rejects.csv or .ndjson).") var rejects: String?
    @Option(help: "Rows per batch: each batch lands whole or not at all.") var batchSize: Int = 50_000
    @Option(help: "A person whose national ID another file holds: reject (default) or keep (load it, the ID waiting for a merge).")
    var duplicates: String = "reject"
    @Option(help: "The communes the file names: since2025 (default, 2025 codes) or before2025 (old codes, placed in their 2025 successors).")
    var places: String = "since2025"

    func run() throws {
        guard let hierarchy = PlaceHistory.Hierarchy(rawValue: places) else {
            throw ValidationError("--places must be since2025 or before2025, not '\(places)'")
        }
        let format = try parseFormat(format)
        guard let policy = DuplicatePolicy(code: duplicates.lowercased()) else {
            throw ValidationError("--duplicates must be reject or keep, not '\(duplicates)'")
        }
        let program = try ProgramTenant.open(in: try storeOptions.open(), name: tenant)
        let terminal = isatty(STDERR_FILENO) != 0
        let summary: TableTransfer.Summary
        // Rows, percentage and time left: a bar on a terminal, a line every 10 s in a pipe.
        let bar = ProgressBar(label: file, total: ProgressBar.estimatedRows(of: file), terminal: terminal) {
            FileHandle.standardError.write(Data($0.utf8))
        }
        defer { bar.finish(0) }
        do {
            summary = try TableTransfer.importFile(file, table: try parseTable(table, "import reads"), into: program, format: format, rejects: rejects,
                                                   batchSize: max(1, batchSize), duplicates: policy, places: hierarchy) { n in bar.update(n) }
        } catch let error as BulkLoadError {
            bar.finish(0)
            let loaded = "\(error.recordsLoaded) records in \(error.batch - 1) whole batches were written before it; nothing of batch \(error.batch) was"
            switch error.underlying {
            case let .diskFull(path, free):
                fail("\(file): the disk is full (\(free) bytes free on the file system of \(path)). \(loaded). "
                     + "Free disk space and run the same import again: the rows already loaded go to the reject file as duplicates, the rest load.")
            case .tenantReplaced:
                fail("\(file): tenant '\(tenant)' was compacted, restored or dropped by another command while this import ran. \(loaded). "
                     + "Run the same import again to load the rest: the rows already loaded go to the reject file as duplicates.")
            default:
                throw error
            }
        } catch HosoError.tenantReplaced {
            bar.finish(0)
            fail("\(file): tenant '\(tenant)' was compacted, restored or dropped by another command while this import ran; the whole batches before it "
                 + "were written. Run the same import again to load the rest: the rows already loaded go to the reject file as duplicates.")
        }
        bar.finish(0)
        print("\(file) → \(table): \(summary.text)")
        for k in summary.keptDuplicates {
            print("  line \(k.line): person \(k.id) kept, national ID \(k.nationalID) held by person \(k.holder): hoso persons merge \(k.holder) \(k.id) --tenant \(tenant)")
        }
        for s in summary.placedThroughSplit.prefix(20) {
            print("  line \(s.line): \(table == "events" ? "event" : "person") \(s.id) named old commune \(s.named.commune), split across \(s.among.map(String.init).joined(separator: ", ")): "
                  + "counted in \(s.placedIn) (primary); another: hoso places assign \(s.id) NEWCODE --tenant \(tenant)")
        }
        if summary.placedThroughSplit.count > 20 { print("  … \(summary.placedThroughSplit.count - 20) more: hoso places review --tenant \(tenant)") }
        for r in summary.firstRejects { FileHandle.standardError.write(Data("  rejected: \(r)\n".utf8)) }
        if summary.rejected > summary.firstRejects.count {
            FileHandle.standardError.write(Data("  … \(summary.rejected - summary.firstRejects.count) more rejected rows: see the reject file\n".utf8))
        }
        if summary.rejected > 0 { Foundation.exit(2) }
    }
}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write persons or case events to CSV or NDJSON (what import reads back).",
        discussion: """
        Exit codes: 0 written; 1 not written (the message says why; no partial file is left).

        Persons in CSV take two files: the events of those persons go to person_events.csv beside \
        FILE (or --events PATH). An existing events file that was not named is not replaced unless \
        --replace says so. Files are written 0600 (they hold personal data) under a new temporary \
        name, never through a symbolic link, and appear only when complete.

        Examples:
          hoso export persons persons.csv --tenant lang-son      (also writes person_events.csv)
          hoso export persons out/p.csv --events out/p-events.csv --tenant lang-son
          hoso export events events.ndjson --tenant lang-son
        """)

    @OptionGroup var storeOptions: StoreOptions
    @Argument(help: ArgumentHelp(TransferTable.codes.joined(separator: " or ") + ".")) var table: String
    @Argument(help: "The file to write (.csv or .ndjson).") var file: String
    @Option(help: "Tenant (default: 'demo', or the only tenant).") var tenant: String?
    @Option(help: ArgumentHelp(InterchangeFormat.codes.joined(separator: " or ") + " (default: by extension).")) var format: String?
    @Option(help: "Persons in CSV: the file for their events (default: person_events.csv beside FILE).") var events: String?
    @Flag(help: "Persons in CSV: replace an existing person_events.csv beside FILE.") var replace = false

    func run() throws {
        let format = try parseFormat(format)
        let table = try parseTable(table, "export writes")
        if events != nil, table != .persons || (format ?? TableTransfer.format(of: file)) != .csv {
            throw ValidationError("--events names the events file of a persons CSV export; \(self.table) to \(file) writes one file")
        }
        let session = try ShellSession(store: try storeOptions.open(), tenant: tenant)
        guard let program = session.context?.program else { throw ValidationError("no tenant: give --tenant NAME") }
        let n = try TableTransfer.exportTable(table, to: file, from: program, format: format, personEventsPath: events, replacing: replace)
        let files = TableTransfer.files(table, at: file, format: format, personEventsPath: events)
        print("\(self.table) → \(files.joined(separator: " and ")): \(n) records written")
    }
}

/// The table argument of import and export.
func parseTable(_ text: String, _ verb: String) throws -> TransferTable {
    guard let table = TransferTable(code: text.lowercased()) else {
        throw ValidationError("\(verb) \(TransferTable.codes.joined(separator: " or ")), not '\(text)'")
    }
    return table
}

/// The `--format` option of import and export.
func parseFormat(_ text: String?) throws -> InterchangeFormat? {
    try text.map { f throws -> InterchangeFormat in
        guard let v = InterchangeFormat(code: f.lowercased()) else {
            throw ValidationError("--format must be \(InterchangeFormat.codes.joined(separator: " or ")), not '\(f)'")
        }
        return v
    }
}
