import Foundation
import HosoDomain
import HosoStore
import Synchronization

/// Durable single-record writes (one new case event each) on small separate stores: 1 writer
/// and many concurrent writers, at two durability levels, Hoso and SQLite interleaved.
final class WriteBench {
    /// A durability pairing: Hoso's LMDB mode against SQLite's `synchronous` in WAL mode.
    struct Level: Sendable {
        var name: String
        var fullSync: Bool
        var sqliteSynchronous: String { fullSync ? "FULL" : "NORMAL" }
        var hosoName: String { fullSync ? ".full" : ".noMetaSync" }
    }
    static let levels = [Level(name: "synced", fullSync: true), Level(name: "relaxed", fullSync: false)]

    /// One measured configuration: writes/s of each run, in order.
    struct Result: Codable {
        var level: String
        var writers: Int
        var hoso: [Double]
        var sqlite: [Double]
    }

    let directory: String
    let data: SyntheticProvince
    let today: Day
    let templates: [CaseEvent]
    let preloadEvents: Int
    private let hoso: [Bool: ProgramTenant]
    private let sqlitePaths: [Bool: String]
    private let nextHosoID: [Bool: IDSource]
    private let nextSQLiteID: [Bool: IDSource]

    /// Creates one Hoso store and one SQLite database per level, each preloaded with the same
    /// small data (`persons`, `events`).
    init(directory: String, provinceCode: Int32, seed: UInt64, today: Day, persons: Int, events: Int) throws {
        self.directory = directory; self.today = today; preloadEvents = events
        let data = try SyntheticProvince(provinceCode: provinceCode, persons: persons, events: events, seed: seed)
        self.data = data
        // New events look like generated ones (some with person links), with fresh ids.
        let pool = try SyntheticProvince(provinceCode: provinceCode, persons: persons, events: 1_000, seed: seed ^ 0x5EED)
        templates = (1...1_000).map { pool.event(RecordID($0)) }
        var hosoIDs: [Bool: IDSource] = [:], sqliteIDs: [Bool: IDSource] = [:]
        var programs: [Bool: ProgramTenant] = [:], paths: [Bool: String] = [:]
        for level in Self.levels {
            let program = try HosoSide.create(at: directory + "/hoso-\(level.name)", provinceCode: provinceCode, today: today,
                                              durability: level.fullSync ? .full : .noMetaSync)
            let persons = try (1...RecordID(persons)).map { try program.prepare(data.person($0)) }
            let events = (1...RecordID(max(events, 1))).map { data.event($0) }
            try program.load(persons: persons, events: events)
            programs[level.fullSync] = program
            let path = directory + "/sqlite-\(level.name).db"
            let db = try SQLiteSchema.create(path: path)
            let loader = try SQLiteLoader(db, today: today)
            try loader.insert(persons: persons)
            try loader.insert(events: events)
            try db.exec("PRAGMA wal_checkpoint(TRUNCATE)")
            paths[level.fullSync] = path
            hosoIDs[level.fullSync] = IDSource(after: RecordID(events.count))
            sqliteIDs[level.fullSync] = IDSource(after: RecordID(events.count))
        }
        nextHosoID = hosoIDs; nextSQLiteID = sqliteIDs; hoso = programs; sqlitePaths = paths
    }

    /// Runs every configuration `rounds` times, alternating Hoso and SQLite runs of `seconds`.
    func run(writerCounts: [Int], seconds: Double, rounds: Int) throws -> [Result] {
        var results: [Result] = []
        for level in Self.levels {
            for writers in writerCounts {
                var r = Result(level: level.name, writers: writers, hoso: [], sqlite: [])
                for round in 1...rounds {
                    r.hoso.append(try runHoso(level, writers: writers, seconds: seconds))
                    r.sqlite.append(try runSQLite(level, writers: writers, seconds: seconds))
                    progress("writes \(level.name), \(writers) writer(s), round \(round)/\(rounds): "
                             + "Hoso \(Int(r.hoso.last!))/s, SQLite \(Int(r.sqlite.last!))/s")
                }
                results.append(r)
            }
        }
        return results
    }

    func event(_ id: RecordID) -> CaseEvent {
        var e = templates[Int(id % RecordID(templates.count))]
        e.id = id
        return e
    }

    /// Writes per second of one Hoso run: `tenant.write` for one writer, `tenant.writeGrouped`
    /// from `writers` threads otherwise.
    func runHoso(_ level: Level, writers: Int, seconds: Double) throws -> Double {
        let tenant = hoso[level.fullSync]!.tenant
        let ids = nextHosoID[level.fullSync]!
        if writers == 1 {
            let t0 = now(), deadline = t0 + seconds
            var n = 0
            while now() < deadline {
                let e = event(ids.take())
                try tenant.write { try $0.insert(e) }
                n += 1
            }
            return Double(n) / (now() - t0)
        }
        let templates = self.templates
        return try concurrently(writers, seconds: seconds) { deadline in
            var n = 0
            while now() < deadline {
                let id = ids.take()
                var e = templates[Int(id % RecordID(templates.count))]
                e.id = id
                let record = e
                try tenant.writeGrouped { try $0.insert(record) }
                n += 1
            }
            return n
        }
    }

    /// Writes per second of one SQLite run: each writer thread has its own connection and
    /// commits `BEGIN IMMEDIATE; INSERT event; INSERT links; COMMIT`.
    func runSQLite(_ level: Level, writers: Int, seconds: Double) throws -> Double {
        let path = sqlitePaths[level.fullSync]!
        let ids = nextSQLiteID[level.fullSync]!
        let connections = try (0..<writers).map { _ in
            let db = try SQLiteSchema.open(path: path, synchronous: level.sqliteSynchronous)
            return Unchecked((db, try SQLiteLoader(db, today: today)))
        }
        let templates = self.templates
        let body: @Sendable (Int, Double) throws -> Int = { w, deadline in
            let (db, loader) = connections[w].value
            var n = 0
            while now() < deadline {
                let id = ids.take()
                var e = templates[Int(id % RecordID(templates.count))]
                e.id = id
                try db.exec("BEGIN IMMEDIATE")
                do { try loader.insert(e); try db.exec("COMMIT") } catch { try? db.exec("ROLLBACK"); throw error }
                n += 1
            }
            return n
        }
        if writers == 1 {
            let t0 = now()
            let n = try body(0, t0 + seconds)
            return Double(n) / (now() - t0)
        }
        return try concurrently(writers, seconds: seconds, indexed: body)
    }

    private func concurrently(_ writers: Int, seconds: Double, _ body: @escaping @Sendable (Double) throws -> Int) throws -> Double {
        try concurrently(writers, seconds: seconds, indexed: { _, deadline in try body(deadline) })
    }

    /// Runs `body(writer, deadline)` on `writers` threads; returns total calls per second.
    private func concurrently(_ writers: Int, seconds: Double, indexed body: @escaping @Sendable (Int, Double) throws -> Int) throws -> Double {
        let tally = Tally()
        let group = DispatchGroup()
        let t0 = now(), deadline = t0 + seconds
        for w in 0..<writers {
            group.enter()
            let thread = Thread {
                do { tally.total.add(try body(w, deadline), ordering: .relaxed) } catch { tally.failures.withLock { $0.append("\(error)") } }
                group.leave()
            }
            thread.start()
        }
        group.wait()
        let elapsed = now() - t0
        if let first = tally.failures.withLock({ $0.first }) { throw ChildError(description: "a writer failed: \(first)") }
        return Double(tally.total.load(ordering: .relaxed)) / elapsed
    }

    /// Checks that every write landed: record counts equal the preload plus the ids handed out.
    func checkCounts() throws -> [Disagreement] {
        var out: [Disagreement] = []
        for level in Self.levels {
            let hosoCount = try hoso[level.fullSync]!.tenant.read { try $0.recordCount(CaseEvent.self) }
            let hosoExpected = Int(nextHosoID[level.fullSync]!.last)
            if hosoCount != hosoExpected {
                out.append(Disagreement(question: "durable writes (\(level.name)): events stored", parameters: "Hoso",
                                        hoso: "\(hosoCount)", sqlite: "expected \(hosoExpected)"))
            }
            let db = try SQLiteSchema.open(path: sqlitePaths[level.fullSync]!)
            let sqliteCount = Int(try db.scalar("SELECT count(*) FROM events"))
            let sqliteExpected = Int(nextSQLiteID[level.fullSync]!.last)
            if sqliteCount != sqliteExpected {
                out.append(Disagreement(question: "durable writes (\(level.name)): events stored", parameters: "SQLite",
                                        hoso: "expected \(sqliteExpected)", sqlite: "\(sqliteCount)"))
            }
        }
        return out
    }
}

/// Calls counted and errors seen by writer threads.
final class Tally: Sendable {
    let total = Atomic<Int>(0)
    let failures = Mutex<[String]>([])
}

/// Hands out increasing record ids to concurrent writers.
final class IDSource: Sendable {
    private let counter: Atomic<UInt64>
    init(after last: RecordID) { counter = Atomic(last) }
    func take() -> RecordID { counter.add(1, ordering: .relaxed).newValue }
    var last: RecordID { counter.load(ordering: .relaxed) }
}

/// Moves a value that is used by one thread at a time across threads (SQLite connections
/// opened `NOMUTEX`, each used by its own writer thread).
final class Unchecked<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
