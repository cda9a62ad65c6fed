import Foundation
import HosoDomain
@testable import HosoShell
import Testing

/// SQL at the shell: which engine answers, the indexes the virtual tables use, the shell's
/// additions to SQL (AS OF, periods, REPORT), errors, dot-commands, Ctrl-C. Answers are checked
/// against the fixture's records (brute force).
@Suite struct SQLShellTests {
    func session() throws -> (ShellSession, () -> String, () -> String) {
        let s = try Fixture.get().session()
        final class Box: @unchecked Sendable { var out = ""; var err = "" }
        let box = Box()
        s.output = { box.out += $0 }
        s.errors = { box.err += $0 }
        return (s, { box.out }, { box.err })
    }

    @Test func joinsAnswerFromIndexesAndExplainSaysWhich() throws {
        let f = try Fixture.get()
        let (s, out, _) = try session()
        let commune = f.context.communes.entries[3]
        let sql = "SELECT p.id, h.status, h.start FROM persons p JOIN status_history h ON h.person_id = p.id WHERE p.commune = \(commune.ref.commune)"
        let rows = try s.query(sql).rows
        #expect(s.lastEngine == "sqlite")
        let truth = f.persons.filter { $0.commune(on: f.today) == commune.ref }.flatMap { p in p.history.map { [Value.int(Int64(p.id)), .text($0.status.code), .text($0.start.description)] } }
        #expect(bag(rows) == bag(truth) && !truth.isEmpty)
        #expect(s.run("EXPLAIN " + sql + ";"))
        #expect(out().contains("engine: SQLite over Hoso's virtual tables"))
        #expect(out().contains("persons.byCommune commune="))
        #expect(out().contains("persons.id person_id="))
        // A count the indexes answer goes to Hoso's fast path.
        _ = try s.query("SELECT commune, COUNT(*) FROM persons WHERE status = 'addict' GROUP BY commune")
        #expect(s.lastEngine == "hoso fast path")
        #expect(s.run("EXPLAIN SELECT COUNT(*) FROM persons WHERE status = 'addict';"))
        #expect(out().contains("engine: Hoso's planner, fast path (answered from count and dated indexes, no record read)"))
        // A count of files by their own fields is counted on the stored bytes.
        let cutoff = Day(year: 1985, month: 1, day: 1)!
        let older = f.persons.filter { $0.birthDate.map { $0 < cutoff } ?? false }.count
        #expect(try s.query("SELECT COUNT(*) FROM persons WHERE birth_date < '1985-01-01'").rows == [[.int(Int64(older))]])
        #expect(s.lastEngine == "hoso fast path" && older > 0)
        #expect(s.run("EXPLAIN SELECT COUNT(*) FROM persons WHERE birth_date < '1985-01-01';"))
        #expect(out().contains("COUNT by a full scan of persons, deciding"))
        #expect(out().contains("engine: Hoso's planner, fast path (counted on the stored bytes of every file, none decoded)"))
    }

    /// A full scan reads the snapshot page by page (2,048 records a page): every row once.
    @Test func pagedFullScansSeeEveryRowOnce() throws {
        let f = try Fixture.get()
        let engine = try SQLEngine(context: f.context)
        let events = try engine.run("SELECT COUNT(*), COUNT(DISTINCT id), SUM(plants) FROM events WHERE quantity >= 0").rows
        #expect(engine.lastAccesses == ["events: full scan"])
        #expect(events == [[.int(Int64(f.events.count)), .int(Int64(f.events.count)), .int(Int64(f.events.map(\.plants).reduce(0, +)))]])
        let persons = try engine.run("SELECT COUNT(*), MIN(id), MAX(id) FROM persons WHERE sex <> 'x'").rows
        #expect(persons == [[.int(Int64(f.persons.count)), .int(Int64(f.persons.map(\.id).min()!)), .int(Int64(f.persons.map(\.id).max()!))]])
        #expect(f.events.count > 2 * SQLTables.pageSize)
        // Tables of rows drawn from persons page by persons.
        let history = try engine.run("SELECT COUNT(*), COUNT(DISTINCT person_id) FROM status_history WHERE status <> 'x'").rows
        #expect(history == [[.int(Int64(f.persons.map(\.history.count).reduce(0, +))), .int(Int64(f.persons.filter { !$0.history.isEmpty }.count))]])
        #expect(engine.lastAccesses == ["status_history: full scan"])
        let fileEvents = try engine.run("SELECT COUNT(*) FROM person_events WHERE kind <> 'x'").rows
        #expect(fileEvents == [[.int(Int64(f.persons.map(\.events.count).reduce(0, +)))]])
        #expect(f.persons.count > SQLTables.pageSize / 2)
    }

    @Test func everyCommuneWithZerosThroughAJoin() throws {
        let f = try Fixture.get()
        let (s, _, _) = try session()
        let rows = try s.query("SELECT c.code, COUNT(e.id) FROM communes c LEFT JOIN events e ON e.commune = c.code AND e.kind = 'cultivation' AND e.date = '2025-06' GROUP BY c.code").rows
        #expect(rows.count == f.context.communes.entries.count)
        let june = try Period.parse("2025-06").range()
        for row in rows {
            guard case .int(let code) = row[0] else { Issue.record("no code"); continue }
            let n = f.events.filter { $0.commune.commune == Int32(code) && $0.kind == .cultivation && june.contains($0.date) }.count
            #expect(row[1] == .int(Int64(n)), "commune \(code)")
        }
        #expect(rows.contains { $0[1] == .int(0) })
    }

    @Test func asOfAndReportPeriodsOnTheSQLitePath() throws {
        let f = try Fixture.get()
        let (s, _, _) = try session()
        let day = d("2025-06-30")
        let rows = try s.query("SELECT p.id FROM persons p WHERE p.status = 'addict' AND p.id IN (SELECT person_id FROM status_history) AS OF '30/06/2025'").rows
        #expect(s.lastEngine == "sqlite")
        #expect(Set(rows.map(\.[0])) == Set(f.persons.filter { $0.status(on: day) == .addict }.map { Value.int(Int64($0.id)) }))
        let month = f.context.calendar.month(2025, 6)
        let n = f.events.filter { month.contains($0.date) && $0.kind == .tip }.count
        for form in ["REPORT MONTH 2025-06", "REPORT MONTH '2025-06'"] {
            #expect(try s.query("SELECT COUNT(*) FROM events WHERE kind = 'tip' AND date IN \(form)").rows == [[.int(Int64(n))]])
            #expect(s.lastEngine == "hoso fast path")
            #expect(try s.query("SELECT COUNT(*) FROM events e WHERE e.kind = 'tip' AND e.date IN \(form) AND e.id > 0").rows == [[.int(Int64(n))]])
        }
        #expect(try s.query("SELECT report_month('2025-06-09'), report_month('2025-06-10'), report_year('2024-12-10'), today()").rows
                == [[.text("2025-06"), .text("2025-07"), .int(2025), .text(f.today.description)]])
        #expect(try s.query("SELECT in_period('2025-06-30', '2025-06'), in_report('2025-06-30', '2025-06'), period_end('2025-Q3'), report_start('2025')").rows
                == [[.int(1), .int(0), .text("2025-09-30"), .text("2024-12-10")]])
    }

    @Test func errorsSayWhatIsWrongAndWhere() throws {
        let (s, _, err) = try session()
        #expect(!s.run("SELECT id FROM status_history WHERE end IN '2026-12';"))
        #expect(err().contains("IN needs a list in parentheses: for a period write end = '2026-12'"))
        #expect(!s.run("SELECT COUNT(*) FROM persons p JOIN events e ON e.id = p.id WHER p.id = 1;"))
        #expect(err().contains("near \"WHER\": syntax error"))
        #expect(!s.run("SELECT * FROM persons WHERE status = 'adict';"))
        #expect(err().contains("did you mean"))
        #expect(!s.run("SELECT nope FROM persons p JOIN events e ON e.id = p.id;"))
        #expect(err().contains("no such column: nope"))
        #expect(!s.run("SELECT COUNT(*) FROM persons AS OF '31/02/2025';"))
        #expect(err().contains("not a date after AS OF"))
    }

    @Test func cancellationStopsALongStatement() throws {
        let f = try Fixture.get()
        let engine = try SQLEngine(context: f.context)
        // An endless recursive CTE: only cancellation ends it. (The engine's own cancel, not the
        // process-wide Ctrl-C flag, which would cancel other tests running meanwhile.)
        final class Stop: @unchecked Sendable { let lock = NSLock(); var stop = false }
        let stop = Stop()
        let finished = DispatchSemaphore(value: 0)
        nonisolated(unsafe) let target = engine
        DispatchQueue.global().async {
            while true {
                Thread.sleep(forTimeInterval: 0.05)
                stop.lock.lock(); let s = stop.stop; stop.lock.unlock()
                if s { break }
                target.cancel()
            }
            finished.signal()
        }
        let error = #expect(throws: QueryError.self) {
            try engine.run("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT COUNT(*) FROM n")
        }
        #expect(error?.message.hasPrefix("cancelled") == true)
        stop.lock.lock(); stop.stop = true; stop.lock.unlock()
        finished.wait()
        // The engine still answers afterwards.
        #expect(try engine.run("SELECT COUNT(*) FROM persons").rows == [[.int(Int64(f.persons.count))]])
    }

    @Test func dotCommandsOfTheSQLiteShell() throws {
        let f = try Fixture.get()
        let (s, out, err) = try session()
        let dir = NSTemporaryDirectory() + "hoso-sqlshell-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(s.run(".tables\n.schema person_events"))
        #expect(out().contains("persons  person_drugs  person_events  status_history  events  event_persons  communes"))
        #expect(out().contains("CREATE TABLE person_events (") && out().contains("  note TEXT COLLATE hoso  -- note\n);"))
        // Modes.
        let one = "SELECT 1 AS n, 'a|b' AS t;"
        #expect(s.run(".mode box\n" + one + "\n.mode markdown\n" + one + "\n.mode html\n" + one + "\n.mode list\n" + one + "\n.mode tabs\n" + one + "\n.mode insert x\n" + one))
        #expect(out().contains("│ n │ t   │"))
        #expect(out().contains("| n | t |\n|---:|---|\n| 1 | a\\|b |"))
        #expect(out().contains("<tr><td>1</td><td>a|b</td></tr>"))
        #expect(out().contains("n|t\n1|a|b\n"))
        #expect(out().contains("n\tt\n1\ta|b\n"))
        #expect(out().contains("INSERT INTO x(\"n\",\"t\") VALUES(1,'a|b');"))
        // .once, .output and the timer line on the screen.
        #expect(s.run(".mode csv\n.once \(dir)/once.csv\nSELECT COUNT(*) FROM communes;\nSELECT 7;"))
        #expect(try String(contentsOfFile: dir + "/once.csv", encoding: .utf8) == "count\n\(f.context.communes.entries.count)\n")
        #expect(out().hasSuffix("7\n7\n"))
        #expect(s.run(".output \(dir)/out.csv\n.timer on\nSELECT 8;\n.timer off\n.output stdout"))
        #expect(try String(contentsOfFile: dir + "/out.csv", encoding: .utf8) == "8\n8\n")
        #expect(out().contains("Run Time: "))
        let mode = try FileManager.default.attributesOfItem(atPath: dir + "/out.csv")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // .parameter, .export of a query, .excel.
        #expect(s.run(".parameter set :k cultivation\n.export \(dir)/q.csv SELECT id, plants FROM events WHERE kind = :k ORDER BY id"))
        let exported = try String(contentsOfFile: dir + "/q.csv", encoding: .utf8)
        #expect(exported.split(separator: "\n").count == f.events.filter { $0.kind == .cultivation }.count + 1)
        #expect(s.run(".excel\nSELECT full_name FROM persons WHERE id = 1;"))
        let path = try #require(out().split(separator: "\n").last { $0.hasPrefix("wrote 1 rows to ") }.map { String($0.dropFirst("wrote 1 rows to ".count).prefix { $0 != " " }) })
        let bytes = try #require(FileManager.default.contents(atPath: path))
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        try? FileManager.default.removeItem(atPath: path)
        // .eqp, .show, a dot-command after SQL on one line, .bail off.
        #expect(s.run(".eqp on\nSELECT COUNT(*) FROM persons p JOIN person_drugs d ON d.person_id = p.id;\n.eqp off"))
        #expect(out().contains("QUERY PLAN: - SCAN"))
        #expect(s.run("SELECT 9; .show"))
        #expect(out().contains("9\n") && out().contains("      mode: csv"))
        #expect(!s.run(".bail off\nSELECT nope FROM nowhere;\nSELECT 10;"))
        #expect(out().hasSuffix("10\n"))
        #expect(err().contains("unknown table 'nowhere'"))
        // .dump writes what the importer reads.
        #expect(s.run(".bail on\n.dump \(dir)/dump"))
        let reread = Array(try ImportReader.caseEvents(at: dir + "/dump/events.csv", format: .csv).values { _ in })
        #expect(reread.count == f.events.count)
        #expect(FileManager.default.fileExists(atPath: dir + "/dump/person_events.csv"))
    }

    /// Sorting that folds each text once orders rows exactly as comparing ``Value``s does.
    @Test func sortByNamesFoldsOnceAndOrdersAsValues() throws {
        let f = try Fixture.get()
        var rng = SplitMix(seed: 77)
        let names = f.context.communes.entries.map(\.name) + ["Thiện Tân", "thiện tân", "Thien Tan", "THIỆN THUẬT", "abc", "ABC"]
        let rows: [[Value]] = (0..<3000).map { i in
            [.text(names[Int(rng.next() % UInt64(names.count))]), rng.next() % 5 == 0 ? .null : .int(Int64(rng.next() % 7)), .int(Int64(i))]
        }
        for keys in [[(0, false), (2, false)], [(0, true), (1, false), (2, true)], [(1, true), (0, false), (2, false)]] {
            let fast = try Executor.sorted(rows, keys)
            let slow = rows.sorted { Executor.ordered($0, $1, keys) }
            #expect(fast == slow, "seed 77, keys \(keys)")
        }
    }

    @Test func rewriterKeepsPositionsOfTheOriginal() throws {
        let f = try Fixture.get()
        let r = try SQLRewriter.rewrite("SELECT COUNT(*) FROM events WHERE date = '2025-Q3' AS OF '2025-01-02' AND nope = 1", context: f.context)
        #expect(r.sql.contains("(date BETWEEN '2025-07-01' AND '2025-09-30')"))
        #expect(r.asOf == d("2025-01-02"))
        // "nope" in the rewritten text maps back to its column in the original.
        let offset = Array(r.sql.utf8).count - " = 1".utf8.count - "nope".utf8.count
        let original = "SELECT COUNT(*) FROM events WHERE date = '2025-Q3' AS OF '2025-01-02' AND nope = 1"
        #expect(r.location(ofByte: offset)?.column == original.distance(from: original.startIndex, to: original.range(of: "nope")!.lowerBound) + 1)
        let quoted = try SQLRewriter.rewrite("SELECT 'date = ''2025''', x.date <> '2025-H1' FROM events x", context: f.context)
        #expect(quoted.sql == "SELECT 'date = ''2025''', NOT (x.date BETWEEN '2025-01-01' AND '2025-06-30') FROM events x")
    }
}

/// Progress: a bar redrawn in place on a terminal, periodic lines in a pipe (a fake clock).
@Suite struct ProgressBarTests {
    @Test func linesInAPipeAndABarOnATerminal() {
        final class Box: @unchecked Sendable { var now = 0.0; var out: [String] = [] }
        let box = Box()
        let pipe = ProgressBar(label: "events.csv", total: 400_000, terminal: false, clock: { box.now }) { box.out.append($0) }
        for (t, n) in [(1.0, 10_000), (5.0, 50_000), (10.0, 100_000), (12.0, 120_000), (20.0, 200_000), (30.0, 390_000)] {
            box.now = t; pipe.update(n)
        }
        pipe.finish(400_000)
        #expect(box.out == ["events.csv: 100,000 of 400,000 rows (25%), 30 s left\n", "events.csv: 200,000 of 400,000 rows (50%), 20 s left\n",
                            "events.csv: 390,000 of 400,000 rows (97%), 1 s left\n"])
        box.out = []; box.now = 0
        let term = ProgressBar(label: "p.csv", total: nil, terminal: true, clock: { box.now }) { box.out.append($0) }
        term.update(1); box.now = 0.05; term.update(2); box.now = 0.2; term.update(3)
        term.finish(3); term.finish(3)
        #expect(box.out == ["\r\u{1B}[Kp.csv: 1 rows, 0 s", "\r\u{1B}[Kp.csv: 3 rows, 0 s", "\r\u{1B}[K"])
        let bar = ProgressBar(label: "x", total: 10, terminal: true, clock: { 4 }) { box.out.append($0) }
        bar.update(5)
        #expect(box.out.last == "\r\u{1B}[K[##########..........] x: 5 of 10 rows (50%), 0 s left")
    }
}
