import Foundation
import HosoDomain
import HosoShell
import HosoStore

/// The whole comparison: load both systems in child processes, ask both the same questions,
/// check the answers agree, measure durable writes, print the table.
struct Comparison {
    let options: Options

    /// Runs it; returns the exit status (0 when every answer agreed).
    func run() throws -> Int32 {
        let o = options
        let machine = MachineInfo.current()
        let work = try prepareWorkDirectory()
        defer { if !o.keep && o.workDirectory == nil { try? FileManager.default.removeItem(atPath: work) } }
        let today = Day.today()
        progress("\(o.verifyOnly ? "verify-only" : "compare"): \(grouped(o.persons)) persons, \(grouped(o.events)) events, "
                 + "province \(o.provinceCode), seed \(o.seed), today \(today), work directory \(work)")

        // Loads, each in its own process (peak RSS from wait4).
        let hosoStore = work + "/hoso", sqlitePath = work + "/sqlite.db"
        let (hosoLoad, hosoChild) = try load("hoso", at: hosoStore, today: today, work: work)
        let (sqliteLoad, sqliteChild) = try load("sqlite", at: sqlitePath, today: today, work: work)
        let hosoBytes = Disk.bytes(HosoSide.tenantDirectory(store: hosoStore))
        let sqliteBytes = Disk.bytes(sqlitePath) + Disk.bytes(sqlitePath + "-wal")

        let program = try HosoSide.open(at: hosoStore, today: today, durability: .noMetaSync)
        let tenantToday = try program.tenant.read { try $0.today() }
        guard tenantToday == today else {
            throw ChildError(description: "the Hoso tenant's today() is \(tenantToday), the run's day is \(today): current counts would not be comparable")
        }
        let db = try SQLiteSchema.open(path: sqlitePath)
        // Compacted copies of both, made the way each system compacts: Hoso's backup (every
        // database rewritten in key order, as `hoso tenants compact` writes it) and SQLite's VACUUM.
        let compacted = work + "/hoso-compacted", vacuumed = work + "/sqlite-vacuumed.db"
        var started = now()
        try Store(directory: hosoStore, options: HosoSide.options(today: today, durability: .noMetaSync))
            .backupTenant(HosoSide.tenantName, to: compacted)
        let hosoCompactSeconds = now() - started
        started = now()
        try db.exec("VACUUM INTO '\(vacuumed)'")
        let sqliteCompactSeconds = now() - started
        let sqliteCompactedBytes = Disk.bytes(vacuumed)
        try? FileManager.default.removeItem(atPath: vacuumed)
        let storage = try StorageBreakdown.measure(program, compactedBytes: Disk.bytes(compacted), db)
        try? FileManager.default.removeItem(atPath: compacted)
        progress("storage: " + storage.summary)
        // SQLite's best setup for the questions, after the load (outside its load time) and after
        // the disk was measured: statistics for its planner, and reads through a memory map like LMDB's.
        let analyzeStarted = now()
        try db.exec("ANALYZE")
        let analyzeSeconds = now() - analyzeStarted
        try db.exec("PRAGMA mmap_size = \(SQLiteSchema.queryMapBytes)")
        let setup = "ANALYZE after the load (\(fmt(analyzeSeconds)) s, not in its load time), mmap_size \(SQLiteSchema.queryMapBytes >> 20) MiB, "
            + "cache 64 MiB, WAL; indexes (each question reads one, covering for the counts): " + SQLiteSchema.indexNames.joined(separator: ", ")
        progress("sqlite setup: " + setup)
        let hoso = HosoAsker(program: program)
        let sqlite = try SQLiteAsker(db)
        let data = try SyntheticProvince(provinceCode: o.provinceCode, persons: o.persons, events: o.events, seed: o.seed)
        let p = Parameters(data: data, exhaustive: o.verifyOnly, seed: o.seed)
        let budget: Double? = o.verifyOnly ? nil : o.querySeconds
        var disagreements: [Disagreement] = []
        var rows: [Row] = []
        var compared = 0

        let loadRows = Double(o.persons + o.events)
        rows.append(Row("bulk load, persons + events (rows/s)¹", unit: "rows/s",
                        hoso: loadRows / hosoLoad.seconds, sqlite: loadRows / sqliteLoad.seconds, higherIsBetter: true))

        // The histories SQLite was handed are the ones Hoso stored.
        let histories = try QuestionRun("status history of a person (check only)", parameters: p.historyIDs, budget: nil,
                                        describe: { "person \($0)" }, hoso: hoso.history(id:), sqlite: sqlite.history(id:))
        disagreements += histories.disagreements; compared += histories.compared

        // The full scans come first: they also bring both files into memory.
        let scan = try fullScans(p, hoso, sqlite, rounds: o.verifyOnly ? 1 : 3)
        disagreements += scan.disagreements; compared += scan.compared

        let byID = try QuestionRun("point get by id", parameters: p.personIDs, budget: budget, describe: { "id \($0)" },
                                   hoso: hoso.person(id:), sqlite: sqlite.person(id:))
        rows.append(Row("point get by id, full record", unit: "gets/s", hoso: byID.hoso.perSecond, sqlite: byID.sqlite.perSecond,
                        higherIsBetter: true, answersCompared: byID.compared))
        // The same fields SQLite's row gives, read from a lazy view of the stored bytes (events and history not decoded).
        let byView = try QuestionRun("point get by id, lazy view", parameters: p.personIDs, budget: budget, describe: { "id \($0)" },
                                     hoso: hoso.personView(id:), sqlite: sqlite.person(id:))
        rows.append(Row("point get by id, lazy view", unit: "gets/s", hoso: byView.hoso.perSecond, sqlite: byView.sqlite.perSecond,
                        higherIsBetter: true, answersCompared: byView.compared))
        let byNID = try QuestionRun("get by national ID", parameters: p.nationalIDs, budget: budget, describe: { "national ID \($0)" },
                                    hoso: hoso.person(nationalID:), sqlite: sqlite.person(nationalID:))
        rows.append(Row("get by national ID", unit: "gets/s", hoso: byNID.hoso.perSecond, sqlite: byNID.sqlite.perSecond,
                        higherIsBetter: true, answersCompared: byNID.compared))
        let byNIDView = try QuestionRun("get by national ID, lazy view", parameters: p.nationalIDs, budget: budget, describe: { "national ID \($0)" },
                                        hoso: hoso.personView(nationalID:), sqlite: sqlite.person(nationalID:))
        rows.append(Row("get by national ID, lazy view", unit: "gets/s", hoso: byNIDView.hoso.perSecond, sqlite: byNIDView.sqlite.perSecond,
                        higherIsBetter: true, answersCompared: byNIDView.compared))
        let current = try QuestionRun("count by commune + current status", parameters: p.communeStatus, budget: budget,
                                      describe: { "\($0.1.code) in commune \($0.0.commune)" },
                                      hoso: { try hoso.currentCount($0.1, $0.0) }, sqlite: { try sqlite.currentCount($0.1, $0.0) })
        rows.append(Row("count by commune + current status", unit: "µs", hoso: current.hoso.microsecondsEach,
                        sqlite: current.sqlite.microsecondsEach, higherIsBetter: false, answersCompared: current.compared))
        let kinds = try QuestionRun("events of a commune in a month by kind", parameters: p.communeMonths, budget: budget,
                                    describe: { "commune \($0.0.commune), \($0.1)" },
                                    hoso: { try hoso.eventsByKind($0.0, $0.1) }, sqlite: { try sqlite.eventsByKind($0.0, $0.1) })
        rows.append(Row("events of a commune in a month, by kind", unit: "µs", hoso: kinds.hoso.microsecondsEach,
                        sqlite: kinds.sqlite.microsecondsEach, higherIsBetter: false, answersCompared: kinds.compared))
        let asOf = try QuestionRun("persons in status S in commune C on day D", parameters: p.statusCommuneDays, budget: budget,
                                   describe: { "\($0.0.code) in commune \($0.1.commune) on \($0.2)" },
                                   hoso: { try hoso.personsOn($0.0, $0.1, $0.2) }, sqlite: { try sqlite.personsOn($0.0, $0.1, $0.2) })
        rows.append(Row("persons in status S in commune C on a day", unit: "µs", hoso: asOf.hoso.microsecondsEach,
                        sqlite: asOf.sqlite.microsecondsEach, higherIsBetter: false, answersCompared: asOf.compared))
        let flow = try QuestionRun("persons entering status S in commune C during a quarter", parameters: p.statusCommuneQuarters,
                                   budget: budget, describe: { "\($0.0.code) in commune \($0.1.commune) during \($0.2)" },
                                   hoso: { try hoso.entries($0.0, $0.1, $0.2) }, sqlite: { try sqlite.entries($0.0, $0.1, $0.2) })
        rows.append(Row("persons entering status S in commune C in a quarter", unit: "µs", hoso: flow.hoso.microsecondsEach,
                        sqlite: flow.sqlite.microsecondsEach, higherIsBetter: false, answersCompared: flow.compared))
        for run in [byID.disagreements, byView.disagreements, byNID.disagreements, byNIDView.disagreements, current.disagreements, kinds.disagreements, asOf.disagreements, flow.disagreements] {
            disagreements += run
        }
        compared += byID.compared + byView.compared + byNID.compared + byNIDView.compared + current.compared + kinds.compared + asOf.compared + flow.compared
        rows += scan.rows

        // With --sealed: the same questions of a second, unsealed Hoso store, passes interleaved.
        var sealingCost: SealingCost? = nil
        if HosoSide.sealed {
            let clearStore = work + "/hoso-not-sealed"
            let (clearLoad, _) = try withoutSealing { try load("hoso", at: clearStore, today: today, work: work, label: "hoso-not-sealed") }
            let clear = HosoAsker(program: try HosoSide.open(at: clearStore, today: today, durability: .noMetaSync))
            var cost = SealingCost()
            cost.lines.append(.init(question: "bulk load, persons + events", unit: "rows/s", clear: loadRows / clearLoad.seconds,
                                    sealed: loadRows / hosoLoad.seconds, kept: clearLoad.seconds / hosoLoad.seconds))
            let seconds = budget ?? 0.2
            try cost.measure("point get by id, full record", unit: "gets/s", parameters: p.personIDs, budget: seconds,
                             describe: { "id \($0)" }, clear: clear.person(id:), sealed: hoso.person(id:))
            // The same gets of records never kept opened: every one decrypted.
            let cold = HosoAsker(program: try HosoSide.open(at: hosoStore, today: today, durability: .noMetaSync, openedRecordCacheBytes: 0))
            try cost.measure("point get by id, sealed records not kept opened (every get decrypts)", unit: "gets/s", parameters: p.personIDs,
                             budget: seconds, describe: { "id \($0)" }, clear: clear.person(id:), sealed: cold.person(id:))
            try cost.measure("get by national ID", unit: "gets/s", parameters: p.nationalIDs, budget: seconds,
                             describe: { "national ID \($0)" }, clear: clear.person(nationalID:), sealed: hoso.person(nationalID:))
            try cost.measure("count by commune + current status", unit: "counts/s", parameters: p.communeStatus, budget: seconds,
                             describe: { "\($0.1.code) in commune \($0.0.commune)" },
                             clear: { try clear.currentCount($0.1, $0.0) }, sealed: { try hoso.currentCount($0.1, $0.0) })
            try cost.measure("persons in status S in commune C on a day", unit: "counts/s", parameters: p.statusCommuneDays, budget: seconds,
                             describe: { "\($0.0.code) in commune \($0.1.commune) on \($0.2)" },
                             clear: { try clear.personsOn($0.0, $0.1, $0.2) }, sealed: { try hoso.personsOn($0.0, $0.1, $0.2) })
            try cost.measure("persons entering status S in commune C in a quarter", unit: "counts/s", parameters: p.statusCommuneQuarters,
                             budget: seconds, describe: { "\($0.0.code) in commune \($0.1.commune) during \($0.2)" },
                             clear: { try clear.entries($0.0, $0.1, $0.2) }, sealed: { try hoso.entries($0.0, $0.1, $0.2) })
            let clearBytes = Disk.bytes(HosoSide.tenantDirectory(store: clearStore))
            cost.lines.append(.init(question: "disk bytes (MiB, smaller is better)", unit: "MiB", clear: Double(clearBytes) / 1_048_576,
                                    sealed: Double(hosoBytes) / 1_048_576, kept: Double(clearBytes) / Double(max(hosoBytes, 1))))
            disagreements += cost.disagreements; compared += cost.compared
            sealingCost = cost
        }

        // Durable writes, on their own small stores.
        progress("preparing the write stores")
        let writes = try WriteBench(directory: work + "/writes", provinceCode: o.provinceCode, seed: o.seed, today: today,
                                    persons: 2_000, events: 10_000)
        let writeResults = try writes.run(writerCounts: o.verifyOnly ? [1, 4] : [1, 16],
                                          seconds: o.verifyOnly ? 0.2 : o.writeSeconds, rounds: o.verifyOnly ? 1 : o.writeRounds)
        disagreements += try writes.checkCounts()
        for r in writeResults {
            let level = WriteBench.levels.first { $0.name == r.level }!
            rows.append(Row("durable writes, \(r.writers) writer\(r.writers == 1 ? "" : "s"), Hoso \(level.hosoName) vs SQLite \(level.sqliteSynchronous)²",
                            unit: "writes/s", hoso: median(r.hoso), sqlite: median(r.sqlite), higherIsBetter: true))
        }
        rows.append(Row("disk bytes³", unit: "MiB", hoso: Double(hosoBytes) / 1_048_576, sqlite: Double(sqliteBytes) / 1_048_576,
                        higherIsBetter: false))
        rows.append(Row("disk bytes, compacted copy (Hoso \(fmt(hosoCompactSeconds)) s, SQLite VACUUM INTO \(fmt(sqliteCompactSeconds)) s)³", unit: "MiB",
                        hoso: Double(storage.hosoCompactedBytes) / 1_048_576, sqlite: Double(sqliteCompactedBytes) / 1_048_576,
                        higherIsBetter: false))
        rows.append(Row("peak RSS of the load⁴", unit: "MiB", hoso: Double(hosoChild.maxRSSBytes) / 1_048_576,
                        sqlite: Double(sqliteChild.maxRSSBytes) / 1_048_576, higherIsBetter: false))

        if o.verifyOnly {
            print("hoso-compare --verify-only: \(grouped(o.persons)) persons, \(grouped(o.events)) events, "
                  + "\(grouped(compared)) answers compared, \(disagreements.isEmpty ? "all agree" : "\(disagreements.count) disagree")")
        } else {
            print("""
            Hoso vs SQLite \(sqliteVersion(db)) — \(o.sizeName): \(grouped(o.persons)) persons, \(grouped(o.events)) events \
            (province \(o.provinceCode), seed \(o.seed), today \(today)); \(grouped(compared)) answers compared, \
            \(disagreements.isEmpty ? "all agree" : "\(disagreements.count) DISAGREE")
            \(machine.summary)

            \(renderTable(rows))

            ratio = Hoso's advantage (> 1: Hoso faster or smaller). Reads: one read transaction / statement per question, \
            \(fmt(o.querySeconds)) s per system per question after a warm-up, the same random parameters for both.
            ¹ Generation is outside the timing. Hoso's time is `program.load`: validation, status-history derivation and all \
            of its indexes (\(Person.schema.indexes.count) on persons, \(CaseEvent.schema.indexes.count) on events, incl. dated counts). SQLite was handed precomputed histories and \
            current status (from Hoso's `program.prepare` / `Person.status(on:)`); its time is the INSERTs (persons, their \
            file events and \(grouped(sqliteLoad.intervalRows)) status intervals, events and their person links, 4 secondary \
            indexes) and the final WAL checkpoint. Batches of \(grouped(o.batchSize)) rows, one transaction each, generated \(LoadChild.batchesPerChunk) at a time \
            outside the timed part and handed over together (Hoso prepares a batch while the one before it commits); Hoso .noMetaSync, SQLite WAL + NORMAL.
            ² One new case event per write, on separate small stores (2,000 persons, 10,000 events). Median of \(o.writeRounds) \
            runs of \(fmt(o.writeSeconds)) s, Hoso and SQLite interleaved. Hoso: `tenant.write` (1 writer), `tenant.writeGrouped` \
            (16 threads); SQLite: one connection per thread, WAL, busy_timeout, BEGIN IMMEDIATE … COMMIT. LMDB .noMetaSync still \
            fsyncs the data on every commit; SQLite NORMAL in WAL mode does not fsync on commit (only at checkpoints).
            ³ Hoso: the tenant directory (data.mdb, lock.mdb) as the load left it; SQLite: database + WAL after a TRUNCATE \
            checkpoint. Compacted copies: Hoso's `backupTenant` (no free pages, every database rewritten in key order with its pages \
            filled, as `hoso tenants compact` leaves the tenant), SQLite's `VACUUM INTO` (its tables and indexes rebuilt). \
            Per-database sizes are in the JSON.
            ⁴ ru_maxrss of the child process that loaded (wait4), with the generated records of the \(LoadChild.batchesPerChunk) batches \
            handed over at once. LMDB's memory map counts the file pages it touched (page cache, reclaimable); SQLite's page cache is set to 64 MiB.
            SQLite's setup for the reads: \(setup).
            Hoso's tenant: \(HosoSide.sealed ? "sealed (personal fields AES-GCM per commune, national IDs indexed as HMAC digests; the handle holds the keys)" : "not sealed").
            """)
            if let sealingCost {
                print("""

                Sealing's cost in this run: the same data loaded into a second Hoso store, not sealed; each question asked \
                of both in interleaved passes (3 pairs of \(fmt(o.querySeconds / 3)) s after a warm-up, each pass from the first \
                parameter), their answers compared. A handle keeps the sealed records it opened (64 MiB by default) and hands \
                them out again while their stored bytes are unchanged; the second row reads through a handle that keeps none.

                \(sealingCost.render())
                """)
            }
        }
        if let path = o.jsonPath {
            let report = JSONReport(
                machine: machine,
                parameters: .init(size: o.sizeName, persons: o.persons, events: o.events, provinceCode: o.provinceCode, seed: o.seed,
                                  today: today.description, querySeconds: o.querySeconds, writeSeconds: o.writeSeconds, writeRounds: o.writeRounds),
                rows: rows, sealingCost: sealingCost?.lines, loads: [hosoLoad, sqliteLoad], writes: writeResults, statusIntervals: sqliteLoad.intervalRows, storage: storage,
                disagreements: disagreements)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(report).write(to: URL(fileURLWithPath: path))
            progress("figures written to \(path)")
        }
        guard disagreements.isEmpty else {
            printError("hoso-compare: Hoso and SQLite disagree on \(disagreements.count) answer(s):")
            for d in disagreements.prefix(25) { printError("  DISAGREEMENT \(d)") }
            if disagreements.count > 25 { printError("  … and \(disagreements.count - 25) more") }
            return 2
        }
        return 0
    }

    private func prepareWorkDirectory() throws -> String {
        let fm = FileManager.default
        let path = options.workDirectory ?? (NSTemporaryDirectory() + "/hoso-compare-\(getpid())")
        let standardized = (path as NSString).standardizingPath
        if fm.fileExists(atPath: standardized), !((try? fm.contentsOfDirectory(atPath: standardized)) ?? []).isEmpty {
            throw UsageError("the work directory \(standardized) is not empty; give --work an empty or new directory")
        }
        try fm.createDirectory(atPath: standardized, withIntermediateDirectories: true)
        return standardized
    }

    /// Runs `body` (which starts child processes) with `--sealed` off for its children.
    private func withoutSealing<T>(_ body: () throws -> T) rethrows -> T {
        unsetenv("HOSO_COMPARE_SEALED")
        defer { setenv("HOSO_COMPARE_SEALED", "1", 1) }
        return try body()
    }

    private func load(_ system: String, at path: String, today: Day, work: String, label: String? = nil) throws -> (LoadResult, ChildProcess.Outcome) {
        let o = options
        let name = label ?? system
        let job = LoadChild.Job(system: system, path: path, provinceCode: o.provinceCode, seed: o.seed, persons: o.persons,
                                events: o.events, today: today.rawValue, batchSize: o.batchSize, resultPath: work + "/\(name)-load.json")
        progress("loading \(name) in a child process")
        let outcome = try ChildProcess.runSelf([LoadChild.command, String(decoding: try JSONEncoder().encode(job), as: UTF8.self)])
        guard outcome.exitStatus == 0 else {
            throw ChildError(description: "the \(system) load failed (exit status \(outcome.exitStatus)); its messages are above")
        }
        let result = try JSONDecoder().decode(LoadResult.self, from: Data(contentsOf: URL(fileURLWithPath: job.resultPath)))
        progress("\(name) loaded in \(fmt(result.seconds)) s (timed part), peak RSS \(outcome.maxRSSBytes / 1_048_576) MiB")
        return (result, outcome)
    }

    private func sqliteVersion(_ db: SQLiteConnection) -> String { (try? db.text("SELECT sqlite_version()")) ?? "" }

    /// Full scans with a filter on non-indexed fields, interleaved, median: Hoso through the
    /// public query API (the filter decided on the stored bytes, the files that pass decoded;
    /// and counted on the bytes, every core), through the shell's planner, decoding every
    /// record (the path before filters), reading two fields of the stored bytes by hand; SQLite's
    /// `count(*) … WHERE`.
    private func fullScans(_ p: Parameters, _ hoso: HosoAsker, _ sqlite: SQLiteAsker, rounds: Int)
        throws -> (rows: [Row], disagreements: [Disagreement], compared: Int) {
        let labels = ["public API, files that pass decoded", "public API count on the stored bytes", "shell statement",
                      "every record decoded", "2 fields of the stored bytes read by hand"]
        var times = Array(repeating: [Double](), count: labels.count)
        var sql: [Double] = []
        var disagreements: [Disagreement] = []
        var compared = 0
        let context = try QueryContext(program: hoso.program)
        let runs = p.verifyAll ? p.scanFilters.count : max(rounds, 1)
        for i in 0..<runs {
            let (occupation, cutoff) = p.scanFilters[i % p.scanFilters.count]
            let asks: [() throws -> Int] = [
                { try hoso.scanMatching(occupation: occupation, bornBefore: cutoff) },
                { try hoso.countMatching(occupation: occupation, bornBefore: cutoff) },
                { try hoso.scanShell(occupation: occupation, bornBefore: cutoff, context: context) },
                { try hoso.scanDecoded(occupation: occupation, bornBefore: cutoff) },
                { try hoso.scanBytes(occupation: occupation, bornBefore: cutoff) },
            ]
            var answers: [Int] = []
            for (k, ask) in asks.enumerated() {
                let t0 = now()
                answers.append(try ask())
                times[k].append(now() - t0)
            }
            let t0 = now()
            let c = try sqlite.scan(occupation: occupation, bornBefore: cutoff)
            sql.append(now() - t0)
            let question = "full scan: persons with occupation X born before Y"
            let params = "occupation \(occupation), born before \(cutoff)"
            for (k, a) in answers.enumerated() {
                compared += 1
                if a != c { disagreements.append(Disagreement(question: question + " (\(labels[k]))", parameters: params, hoso: "\(a)", sqlite: "\(c)")) }
            }
            progress("full scan \(params): \(c) persons; Hoso " + labels.indices.map { "\(labels[$0]) \(fmt(times[$0].last!)) s" }.joined(separator: ", ")
                     + "; SQLite \(fmt(sql.last!)) s")
        }
        let n = Double(p.personCount)
        let titles = [
            "full scan + filter on 2 non-indexed fields, public API (files that pass decoded)",
            "full scan + filter, public API count on the stored bytes (both cores)",
            "full scan + filter, shell statement (SELECT COUNT(*) … WHERE)",
            "full scan + filter, every record decoded (txn.scan)",
            "full scan + filter, 2 fields of the stored bytes read by hand",
        ]
        let rows = titles.indices.map { k in
            Row(titles[k], unit: "rows/s", hoso: n / median(times[k]), sqlite: n / median(sql), higherIsBetter: true, answersCompared: compared / labels.count)
        }
        return (rows, disagreements, compared)
    }
}
