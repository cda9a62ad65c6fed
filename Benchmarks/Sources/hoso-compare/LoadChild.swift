import Foundation
import HosoDomain
import HosoStore

/// What a load child reports back (its peak RSS comes from `wait4` in the parent).
struct LoadResult: Codable {
    var system: String
    /// Seconds spent in the timed part of the load (see ``LoadChild``).
    var seconds: Double
    var persons: Int
    var events: Int
    /// Status-interval rows written (SQLite) — one per interval of every person's history.
    var intervalRows: Int
}

/// The hidden subcommand `__load`: loads one system in a child process so that the parent can
/// read the load's peak RSS with `wait4`. Records are generated ``batchesPerChunk`` batches at a
/// time outside the timed part; the timed part is, for Hoso, `program.load` (validation, history derivation,
/// every index); for SQLite, the INSERT transactions and the final WAL checkpoint, with
/// histories and current status computed beforehand by Hoso's `program.prepare`.
enum LoadChild {
    static let command = "__load"

    struct Job: Codable {
        var system: String          // "hoso" or "sqlite"
        var path: String            // the store directory or the database file
        var provinceCode: Int32
        var seed: UInt64
        var persons: Int
        var events: Int
        var today: Int32
        var batchSize: Int
        var resultPath: String
    }

    static func run(_ arguments: [String]) throws {
        guard let encoded = arguments.first, let job = try? JSONDecoder().decode(Job.self, from: Data(encoded.utf8)) else {
            throw UsageError("\(command) is internal: it takes one JSON job")
        }
        let data = try SyntheticProvince(provinceCode: job.provinceCode, persons: job.persons, events: job.events, seed: job.seed)
        let today = Day(rawValue: job.today)
        let result: LoadResult
        switch job.system {
        case "hoso": result = try loadHoso(job, data, today)
        case "sqlite": result = try loadSQLite(job, data, today)
        default: throw UsageError("unknown system \(job.system)")
        }
        try JSONEncoder().encode(result).write(to: URL(fileURLWithPath: job.resultPath))
    }

    /// Id ranges of at most `size` from 1 through `count`.
    static func batches(_ count: Int, _ size: Int) -> [ClosedRange<RecordID>] {
        stride(from: 1, through: count, by: size).map { RecordID($0)...RecordID(min($0 + size - 1, count)) }
    }

    /// Batches generated ahead together, outside the timed part: a load of many batches
    /// (as an import of a file is) prepares one batch while the one before it commits, so each
    /// timed load is handed this many batches at once. Their records are in memory (and in the
    /// peak RSS) for both systems alike.
    static let batchesPerChunk = 4

    static func loadHoso(_ job: Job, _ data: SyntheticProvince, _ today: Day) throws -> LoadResult {
        let program = try HosoSide.create(at: job.path, provinceCode: job.provinceCode, today: today, durability: .noMetaSync)
        var seconds = 0.0
        let chunk = job.batchSize * batchesPerChunk
        for ids in batches(job.persons, chunk) {
            let persons = ids.map { data.person($0) }
            let t0 = now()
            try program.load(persons: persons, events: [CaseEvent](), batchSize: job.batchSize)
            seconds += now() - t0
            progress("hoso: \(ids.upperBound) persons loaded")
        }
        for ids in batches(job.events, chunk) {
            let events = ids.map { data.event($0) }
            let t0 = now()
            try program.load(persons: [Person](), events: events, batchSize: job.batchSize)
            seconds += now() - t0
            progress("hoso: \(ids.upperBound) events loaded")
        }
        return LoadResult(system: "hoso", seconds: seconds, persons: job.persons, events: job.events, intervalRows: 0)
    }

    static func loadSQLite(_ job: Job, _ data: SyntheticProvince, _ today: Day) throws -> LoadResult {
        // A throwaway program tenant, only to derive histories exactly as Hoso's load does.
        let scratch = job.path + ".prepare-store"
        let preparer = try HosoSide.create(at: scratch, provinceCode: job.provinceCode, today: today, durability: .noMetaSync)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let db = try SQLiteSchema.create(path: job.path)
        let loader = try SQLiteLoader(db, today: today)
        var seconds = 0.0
        let chunk = job.batchSize * batchesPerChunk
        for ids in batches(job.persons, chunk) {
            let persons = try ids.map { try preparer.prepare(data.person($0)) }
            let t0 = now()
            for start in stride(from: 0, to: persons.count, by: job.batchSize) {
                try loader.insert(persons: persons[start..<min(start + job.batchSize, persons.count)])
            }
            seconds += now() - t0
            progress("sqlite: \(ids.upperBound) persons loaded")
        }
        for ids in batches(job.events, chunk) {
            let events = ids.map { data.event($0) }
            let t0 = now()
            for start in stride(from: 0, to: events.count, by: job.batchSize) {
                try loader.insert(events: events[start..<min(start + job.batchSize, events.count)])
            }
            seconds += now() - t0
            progress("sqlite: \(ids.upperBound) events loaded")
        }
        let t0 = now()
        try db.exec("PRAGMA wal_checkpoint(TRUNCATE)")
        seconds += now() - t0
        return LoadResult(system: "sqlite", seconds: seconds, persons: job.persons, events: job.events, intervalRows: loader.intervalRows)
    }
}
