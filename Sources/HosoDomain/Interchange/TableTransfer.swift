import Foundation
import HosoStore

/// What an import reads or an export writes: the persons (with their events) or the case events.
///
/// ```swift
/// print(TransferTable(rawValue: "events") == .events)   // true
/// ```
public enum TransferTable: String, CodedEnum {
    /// What a table is called in messages.
    public static let codeName = "table"

    /// Person files with their person events (`persons.csv` + `person_events.csv`, or NDJSON).
    case persons
    /// Case events.
    case events
}

/// The import and export drivers: persons and case events through the interchange formats
/// (`FORMATS.md` beside this file), streaming, with a reject file and a summary. The shell's
/// `.import` / `.export` and `hoso import` / `hoso export` call them.
///
/// ```swift
/// let file = directory + "/persons.csv"
/// try PersonWriter.export(data.persons(), to: file, format: .csv)
/// let summary = try TableTransfer.importFile(file, table: .persons, into: program)
/// print(summary.text)   // 10 rows read, 10 loaded…
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
        /// Rejected rows per input file (`persons.csv` and `person_events.csv` apart), with the
        /// reject file each went to, in the order first seen.
        public var rejectsByFile: [(file: String, rows: Int, rejectFile: String)] = []
        /// Rows loaded with a national ID another file holds (``DuplicatePolicy/keep``): their
        /// line, id, national ID (now ``Person/pendingNationalID``) and the holder, in line
        /// order. `hoso persons duplicates` lists them; `hoso persons merge` joins each pair.
        public var keptDuplicates: [(line: Int, id: RecordID, nationalID: String, holder: RecordID)] = []
        /// Records naming a pre-2025 commune that was split, placed in its primary successor by
        /// default (an import with `places: .before2025`): their line, id, the old commune and
        /// the successors it was split across, in line order. An officer checks them with
        /// `hoso places review` and moves one with `hoso places assign`.
        public var placedThroughSplit: [(line: Int, id: RecordID, named: CommuneRef, placedIn: Int32, among: [Int32])] = []
        /// Records a village rule of the tenant placed (``ProgramTenant/villageRules()``), by id.
        public var placedByVillage: [RecordID] = []
        /// The first rejected rows (up to 5), each naming its file, line, field and reason.
        public var firstRejects: [RowError] = []
        /// The summary line.
        public var text: String { mainText + keptText + villageText + splitText }
        var villageText: String {
            placedByVillage.isEmpty ? "" : "; \(placedByVillage.count) placed by a village rule (hoso places rules)"
        }
        var splitText: String {
            placedThroughSplit.isEmpty ? "" : "; \(placedThroughSplit.count) placed through a split commune in its primary successor, for review (hoso places review)"
        }
        var keptText: String {
            keptDuplicates.isEmpty ? "" : "; \(keptDuplicates.count) kept with a national ID another file holds, waiting for a merge (hoso persons duplicates)"
        }
        var mainText: String {
            if rejectsByFile.count > 1 {
                return "\(loaded) loaded, \(rejected) rejected: "
                    + rejectsByFile.map { "\($0.rows) rows of \(($0.file as NSString).lastPathComponent) (reasons and line numbers in \($0.rejectFile))" }.joined(separator: ", ")
                    + String(format: ", %.1f s", seconds)
            }
            return "\(loaded + rejected) rows read, \(loaded) loaded, \(rejected) rejected"
                + (rejectFile.map { " (reasons and line numbers in \($0))" } ?? "") + String(format: ", %.1f s", seconds)
        }
    }

    /// The format a file name implies (`.ndjson`, `.jsonl` → NDJSON, else CSV).
    ///
    /// ```swift
    /// print(TableTransfer.format(of: "in/events.ndjson") == .ndjson)   // true
    /// ```
    public static func format(of path: String) -> InterchangeFormat {
        path.hasSuffix(".ndjson") || path.hasSuffix(".jsonl") ? .ndjson : .csv
    }

    /// Imports persons or events from a file; bad rows go to the reject file (default: the
    /// file's name plus `.rejects.csv` / `.rejects.ndjson`), good rows land in batches that land
    /// whole or not at all. `progress` is called every 10,000 rows read.
    ///
    /// ```swift
    /// try program.load(persons: data.persons(), events: [])   // the persons the events name
    /// let file = directory + "/events.csv"
    /// try CaseEventWriter.export(data.events(), to: file, format: .csv)
    /// let summary = try TableTransfer.importFile(file, table: .events, into: program, rejects: directory + "/events.bad.csv")
    /// if summary.rejected > 0 { print("see", summary.rejectFile!) }
    /// print(summary.rejected)   // 0
    /// ```
    ///
    /// With `duplicates: .keep`, a person whose national ID another file holds (in the tenant or
    /// earlier in the file) is loaded with it as ``Person/pendingNationalID`` instead of being
    /// rejected, and listed in ``Summary/keptDuplicates``.
    ///
    /// With `places: .before2025` the file's commune codes are pre-2025 communes (see
    /// ``ImportReader/persons(at:format:personEventsPath:provinceCode:places:villageRules:)``): each record is
    /// counted in the 2025 commune that took its commune over and keeps the old one as its
    /// named place; the tenant's village rules (``ProgramTenant/villageRules()``) place the
    /// persons of a split or unmapped commune's village the file assigns no successor to
    /// (``Summary/placedByVillage``); the records placed through a split by default are listed
    /// in ``Summary/placedThroughSplit``.
    public static func importFile(_ path: String, table: TransferTable, into program: ProgramTenant, format: InterchangeFormat? = nil,
                                  rejects: String? = nil, batchSize: Int = 50_000, duplicates: DuplicatePolicy = .reject,
                                  places: PlaceHistory.Hierarchy = .since2025, progress: ((Int) -> Void)? = nil) throws -> Summary {
        let started = Date()
        let format = format ?? Self.format(of: path)
        let rejectPath = rejects ?? path + (format == .csv ? ".rejects.csv" : ".rejects.ndjson")
        let province = program.province ?? program.settings.communes.first?.ref.province ?? 0
        var loaded = 0
        // Rejected rows stream to the reject file as they are found; it is created on the first one.
        // Each input file's rejects go to a reject file of their own, with that file's header
        // (the rows of person_events.csv apart from those of persons.csv).
        var rejectWriters: [String: RejectWriter] = [:]
        var rejectsByFile: [(file: String, rows: Int, rejectFile: String)] = []
        var rejected = 0
        var rejectFailure: (any Error)?
        var headers: [String: String] = [:]
        var mainFile = path
        var firstRejects: [RowError] = []
        func reject(_ row: RowError) {
            rejected += 1
            if firstRejects.count < 5 { firstRejects.append(row) }
            let file = row.file.isEmpty ? mainFile : row.file
            let target = file == mainFile ? rejectPath : file + (format == .csv ? ".rejects.csv" : ".rejects.ndjson")
            if let i = rejectsByFile.firstIndex(where: { $0.file == file }) { rejectsByFile[i].rows += 1 }
            else { rejectsByFile.append((file, 1, target)) }
            do {
                if rejectWriters[file] == nil { rejectWriters[file] = try RejectWriter(path: target, format: format, header: headers[file]) }
                try rejectWriters[file]?.write(row)
            } catch { rejectFailure = rejectFailure ?? error }
        }
        let unique = UniqueRows(program, duplicates: duplicates)
        var keptLines: [RecordID: Int] = [:]
        var splitRows: [RecordID: (line: Int, named: NamedPlace, placedIn: Int32)] = [:]
        var villageRows = Set<RecordID>()
        // The rows of the batches not yet committed, by batch number from 1 (the load reads the
        // rows of one batch while the one before it is written), so that a record the store
        // refuses at commit time (a concurrent import of the same file got there first) goes
        // to the reject file too.
        var inFlight: [Int: [RecordID: (line: Int, raw: [UInt8])]] = [:]
        var handedOver = 0
        func rows<V: Sendable>(_ reader: ImportReader<V>, id: @escaping (V) -> RecordID) -> some Sequence<V> {
            sequence(state: reader) { reader -> V? in
                while let row = reader.next() {
                    switch row {
                    case let .record(value, line):
                        inFlight[handedOver / batchSize + 1, default: [:]][id(value)] = (line, reader.lastRowBytes)
                        handedOver += 1
                        if unique.kept[id(value)] != nil { keptLines[id(value)] = line }
                        if let (named, placedIn) = (value as? Person).map({ ($0.namedPlace, $0.commune.commune) }) ?? (value as? CaseEvent).map({ ($0.namedPlace, $0.commune.commune) }),
                           let named {
                            if named.placedBy.needsReview { splitRows[id(value)] = (line, named, placedIn) }
                            if named.placedBy == .village { villageRows.insert(id(value)) }
                        }
                        loaded += 1
                        if loaded % 10_000 == 0 { progress?(loaded) }
                        return value
                    case let .rejected(error):
                        // The tenant went away under the import (a compaction elsewhere): stop
                        // here rather than reject good rows; the next commit reports it.
                        if unique.stopped != nil { return nil }
                        reject(error)
                    }
                }
                return nil
            }
        }
        func refused(_ id: RecordID, _ error: any Error, file: String) {
            loaded -= 1
            unique.kept[id] = nil
            splitRows[id] = nil
            villageRows.remove(id)
            let row = inFlight.values.lazy.compactMap { $0[id] }.first ?? (0, [])
            reject(RowError(error, file: file, line: row.line, raw: row.raw))
        }
        let batchDone: (String, BulkLoadProgress) -> Void = { _, p in inFlight[p.batchesCommitted] = nil }
        switch table {
        case .persons:
            let rules = places == .before2025 ? VillageRuleBook(try program.villageRules()) : VillageRuleBook()
            let reader = try ImportReader.persons(at: path, format: format, provinceCode: province, places: places, villageRules: rules).prepared(by: program)
                .validated { p in try unique.check(p) }
            headers = reader.headers
            mainFile = reader.file
            try program.load(persons: rows(reader, id: \.id), events: [CaseEvent](), batchSize: batchSize, progress: batchDone,
                             personConflicts: { p, error in refused(p.id, error, file: reader.file) })
        case .events:
            let reader = try ImportReader.caseEvents(at: path, format: format, provinceCode: province, places: places).prepared(by: program)
                .validated { e in try unique.check(e) }
            headers = reader.headers
            mainFile = reader.file
            try program.load(persons: [Person](), events: rows(reader, id: \.id), batchSize: batchSize, progress: batchDone,
                             eventConflicts: { e, error in refused(e.id, error, file: reader.file) })
        }
        for file in rejectsByFile.map(\.file) { try rejectWriters[file]?.finish() }
        if let stopped = unique.stopped { throw stopped }
        if let rejectFailure { throw rejectFailure }
        var summary = Summary(loaded: loaded, rejected: rejected, rejectFile: rejected == 0 ? nil : rejectsByFile.first?.rejectFile,
                              seconds: Date().timeIntervalSince(started))
        summary.rejectsByFile = rejectsByFile
        summary.firstRejects = firstRejects
        summary.keptDuplicates = unique.kept.map { (keptLines[$0.key] ?? 0, $0.key, $0.value.nationalID, $0.value.holder) }
            .sorted { ($0.line, $0.id) < ($1.line, $1.id) }
        summary.placedByVillage = villageRows.sorted()
        if !splitRows.isEmpty {
            let history = try PlaceHistory.official()
            summary.placedThroughSplit = splitRows.map { id, row in
                (row.line, id, row.named.commune, row.placedIn, history.mapping.successors(ofOldCommune: row.named.commune.commune).map(\.newCode))
            }.sorted { ($0.line, $0.id) < ($1.line, $1.id) }
        }
        return summary
    }

    /// Exports persons or events to a file (CSV or NDJSON by extension unless given), streaming
    /// from one snapshot; returns how many records were written. `checkpoint` runs before each
    /// record: what it throws (a Ctrl-C) stops the export, and nothing is written to `path`.
    ///
    /// ```swift
    /// let n = try TableTransfer.exportTable(.events, to: directory + "/events.ndjson", from: program)
    /// print(n)   // 0
    /// ```
    ///
    /// Persons in CSV take two files: the events of those persons go to `personEventsPath`, by
    /// default `person_events.csv` beside `path`. That second file is never replaced unannounced:
    /// when it exists and was not named, the export fails with
    /// ``InterchangeError/wouldOverwrite(path:writing:)`` unless `replacing` says it may be.
    /// ``files(_:at:format:personEventsPath:)`` lists what an export writes.
    @discardableResult
    public static func exportTable(_ table: TransferTable, to path: String, from program: ProgramTenant, format: InterchangeFormat? = nil,
                                   personEventsPath: String? = nil, replacing: Bool = false,
                                   checkpoint: () throws -> Void = {}) throws -> Int {
        let format = format ?? Self.format(of: path)
        // An export is the whole record: a role that reads no personal field (an analyst) would
        // get files with the names, national IDs and notes blanked without being told.
        guard program.access.readsPersonalFields else {
            let principal = program.tenant.principal
            throw HosoError.accessDenied(principal: principal.name, operation: "export \(table.rawValue) to \(path)",
                                         reason: "an export holds names, national IDs, birth dates, villages and notes, which the \(principal.role) role does not read; count and sum in the shell (hoso query) or make a report (hoso report)")
        }
        switch table {
        case .persons:
            if format == .csv, personEventsPath == nil, !replacing {
                let events = siblingPath(of: path, named: "person_events.csv")
                var st = stat()
                if lstat(events, &st) == 0 { throw InterchangeError.wouldOverwrite(path: events, writing: path) }
            }
            let writer = try PersonWriter(path: path, format: format, personEventsPath: personEventsPath)
            var ids: [RecordID] = []
            try program.persons(from: .all) { p in try checkpoint(); try writer.write(p); ids.append(p.id); return true }
            // The export is a read of every file's personal fields: logged before the file appears.
            try program.logPersonalRead("export persons to " + files(.persons, at: path, format: format, personEventsPath: personEventsPath).joined(separator: " and "), personIDs: ids)
            try writer.finish()
            return writer.count
        case .events:
            let writer = try CaseEventWriter(path: path, format: format)
            var ids = Set<RecordID>()
            try program.events(from: .all) { e in
                try checkpoint(); try writer.write(e)
                if e.note != nil { ids.formUnion(e.personIDs) }
                return true
            }
            try program.logPersonalRead("export events to " + path + " (notes of the events naming them)", personIDs: ids)
            try writer.finish()
            return writer.count
        }
    }
}

extension TableTransfer {
    /// The files an export of `table` to `path` writes: `path`, and for persons in CSV the
    /// events file beside it (or `personEventsPath`).
    ///
    /// ```swift
    /// print(TableTransfer.files(.persons, at: "out/p.csv", format: .csv))   // ["out/p.csv", "out/person_events.csv"]
    /// ```
    public static func files(_ table: TransferTable, at path: String, format: InterchangeFormat? = nil, personEventsPath: String? = nil) -> [String] {
        guard table == .persons, (format ?? Self.format(of: path)) == .csv else { return [path] }
        return [path, personEventsPath ?? siblingPath(of: path, named: "person_events.csv")]
    }
}

/// Rejects, row by row, what the store would refuse for a whole batch: an id already used (in
/// the tenant or earlier in the file), a national ID already held, an event naming a person
/// who is not on file. A refused row goes to the reject file with its line; the others land.
final class UniqueRows {
    let program: ProgramTenant
    var ids = Set<RecordID>()
    var nationalIDs: [String: RecordID] = [:]
    /// What to do with a national ID already held.
    let duplicates: DuplicatePolicy
    /// The rows kept with a national ID already held (``DuplicatePolicy/keep``): id → (national ID, holder).
    var kept: [RecordID: (nationalID: String, holder: RecordID)] = [:]
    init(_ program: ProgramTenant, duplicates: DuplicatePolicy = .reject) { self.program = program; self.duplicates = duplicates }

    /// Set when the store could not be read because the tenant was replaced: the import stops.
    var stopped: HosoError?

    func stored<T>(_ body: () throws -> T) throws(HosoError) -> T {
        do { return try body() } catch let error as HosoError {
            if case .tenantReplaced = error { stopped = error }
            throw error
        } catch {
            throw HosoError.invalidField(record: "import", field: "store", value: "", reason: "could not be read: \(error)")
        }
    }

    func check(_ p: Person) throws -> Person {
        var p = p
        if ids.contains(p.id) { throw HosoError.invalidField(record: "person \(p.id)", field: "id", value: String(p.id), reason: "appears twice in the file") }
        if try stored({ try program.person(id: p.id) != nil }) {
            throw HosoError.invalidField(record: "person \(p.id)", field: "id", value: String(p.id),
                                         reason: "is already in the tenant: an import adds new files only; give the row an unused id, or leave it out")
        }
        if let alias = try stored({ try program.read { try $0.alias(id: p.id) } }) { throw ProgramTenant.aliasInUse(alias) }
        if let n = p.nationalID {
            let holder = try nationalIDs[n] ?? stored({ try program.person(nationalID: n)?.id })
            if let holder {
                guard duplicates == .keep else { throw ProgramError.duplicateNationalID(nationalID: n, existing: holder, new: p.id) }
                p.nationalID = nil
                p.pendingNationalID = n
                kept[p.id] = (n, holder)
            } else {
                nationalIDs[n] = p.id
            }
        }
        ids.insert(p.id)
        return p
    }

    func check(_ e: CaseEvent) throws(HosoError) -> CaseEvent {
        if ids.contains(e.id) { throw .invalidField(record: "event \(e.id)", field: "id", value: String(e.id), reason: "appears twice in the file") }
        if try stored({ try program.containsEvent(id: e.id) }) {
            throw .invalidField(record: "event \(e.id)", field: "id", value: String(e.id),
                                reason: "is already in the tenant: an import adds new events only; give the row an unused id, or leave it out")
        }
        for person in e.personIDs where try !stored({ try program.containsPerson(id: person) }) {
            throw .invalidField(record: "event \(e.id)", field: "person_ids", value: String(person), reason: "names no person on file; import the persons first")
        }
        ids.insert(e.id)
        return e
    }
}
