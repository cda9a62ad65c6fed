import Foundation

/// What loading one synthetic sample province cost on this machine: the figures
/// ``SizingPlan`` fits and extrapolates.
///
/// ``measure(persons:events:province:directory:batchSize:)`` generates the sample a batch at a
/// time outside the timed part (as an import's reading and parsing would hand records over),
/// loads it with ``ProgramTenant/load(persons:events:batchSize:progress:personConflicts:eventConflicts:)``
/// (validation, history derivation, every index), reads the file the load left, compacts it
/// and reads the live bytes. Memory is sampled from `/proc/self/status` while each batch loads:
/// the heap the load used (anonymous resident memory above what it was before the batch) apart
/// from the pages of the tenant's file mapped in (page cache, shared and reclaimable).
///
/// <!-- doc-example: compile-only -->
/// ```swift
/// let sample = try SizingSample.measure(persons: 2_000, events: 10_000, directory: NSTemporaryDirectory() + "sizing-doc")
/// print(sample.rows, sample.loadSeconds > 0)   // 12000 true
/// ```
public struct SizingSample: Sendable, Equatable {
    /// Persons and case events loaded.
    public var persons: Int, events: Int
    /// Seconds of the timed load.
    public var loadSeconds: Double
    /// Bytes of the tenant's file as the load left it, and once compacted (live pages only).
    public var fileBytesAfterLoad: Int, liveBytes: Int
    /// Live bytes of the person and event record types (records and their indexes), and of
    /// every index and every record database.
    public var personBytes: Int, eventBytes: Int, indexBytes: Int, recordBytes: Int
    /// The most heap one batch's load added (anonymous resident bytes above those before the
    /// batch), or nil where `/proc/self/status` cannot be read.
    public var loadHeapBytes: Int?
    /// The most resident bytes of mapped files during the load above those mapped before it
    /// (the tenant's pages in the page cache; the program's own code is not counted), or nil
    /// where it cannot be read.
    public var mappedBytes: Int?

    /// The rows per batch of the load.
    public var batchSize: Int

    /// Persons plus events.
    public var rows: Int { persons + events }
    /// Rows loaded per second.
    public var rowsPerSecond: Double { Double(rows) / loadSeconds }

    /// Creates a sample from figures measured elsewhere (tests, stored runs).
    public init(persons: Int, events: Int, loadSeconds: Double, fileBytesAfterLoad: Int, liveBytes: Int,
                personBytes: Int = 0, eventBytes: Int = 0, indexBytes: Int = 0, recordBytes: Int = 0,
                loadHeapBytes: Int? = nil, mappedBytes: Int? = nil, batchSize: Int = 100_000) {
        self.persons = persons; self.events = events; self.loadSeconds = loadSeconds
        self.fileBytesAfterLoad = fileBytesAfterLoad; self.liveBytes = liveBytes
        self.personBytes = personBytes; self.eventBytes = eventBytes; self.indexBytes = indexBytes; self.recordBytes = recordBytes
        self.loadHeapBytes = loadHeapBytes; self.mappedBytes = mappedBytes
        self.batchSize = batchSize
    }

    /// Batches handed to one load of a sample (generated together beforehand).
    static let batchesPerLoad = 4

    /// Loads a synthetic province of `persons` and `events` into a new store at `directory`,
    /// which must not exist yet (it is removed afterwards), and measures it. With `keep`, the
    /// compacted tenant is handed to `keep` before the store is removed (to time questions on it).
    public static func measure(persons: Int, events: Int, province: Int32 = 20, directory: String, batchSize: Int = 100_000,
                               seed: UInt64 = 99, keep: ((ProgramTenant, SyntheticProvince) throws -> Void)? = nil) throws -> SizingSample {
        guard !FileManager.default.fileExists(atPath: directory) else { throw SizingError.directoryExists(directory) }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try Store(directory: directory, options: .init(today: { Day(year: 2026, month: 11, day: 24)! }))
        let data = try SyntheticProvince(provinceCode: province, persons: persons, events: events, seed: seed)
        let program = try ProgramTenant.create(in: store, info: TenantInfo(name: "sample"), settings: data.settings())
        let sampler = MemorySampler()
        let mappedBefore = MemoryReading.now()?.mapped
        var seconds = 0.0, heap: Int? = nil
        func timed(_ body: () throws -> Void) rethrows {
            let before = MemoryReading.now()
            sampler.start()
            let t0 = DispatchTime.now().uptimeNanoseconds
            try body()
            seconds += Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            let peak = sampler.stop()
            if let before, let peak { heap = max(heap ?? 0, peak.anonymous - before.anonymous) }
        }
        // Records are generated a few batches at a time, outside the timed part, and each load
        // is handed them together: as in an import, a batch is prepared while the one before it
        // is written, so the load's time and heap are those of that overlap.
        let chunk = batchSize * batchesPerLoad
        for start in stride(from: 1, through: max(persons, 0), by: chunk) {
            let records = (RecordID(start)...RecordID(min(start + chunk - 1, persons))).map { data.person($0) }
            try timed { try program.load(persons: records, events: [CaseEvent](), batchSize: batchSize) }
        }
        for start in stride(from: 1, through: max(events, 0), by: chunk) {
            let records = (RecordID(start)...RecordID(min(start + chunk - 1, events))).map { data.event($0) }
            try timed { try program.load(persons: [Person](), events: records, batchSize: batchSize) }
        }
        let mapped = sampler.peakMapped.flatMap { peak in mappedBefore.map { max(peak - $0, 0) } }
        let loaded = try program.describe()
        try store.compactTenant("sample")
        let reopened = try ProgramTenant.open(in: store, name: "sample")
        let d = try reopened.describe()
        func bytes(_ prefixes: String...) -> Int {
            d.databases.filter { db in prefixes.contains { db.name.hasPrefix($0) } }.reduce(0) { $0 + $1.bytes }
        }
        let sample = SizingSample(persons: persons, events: events, loadSeconds: seconds, fileBytesAfterLoad: loaded.fileBytes,
                                  liveBytes: d.fileBytes, personBytes: bytes("r.person", "i.person"), eventBytes: bytes("r.event", "i.event"),
                                  indexBytes: bytes("i."), recordBytes: bytes("r."), loadHeapBytes: heap, mappedBytes: mapped, batchSize: batchSize)
        try keep?(reopened, data)
        return sample
    }
}

/// Why a sample could not be measured.
public enum SizingError: Error, Equatable, CustomStringConvertible {
    /// The sample's store directory exists already: a sample never writes into, or removes, a directory it did not make.
    case directoryExists(String)

    public var description: String {
        switch self {
        case .directoryExists(let path): return "\(path) exists already: give the sample a directory that does not exist yet (it is removed afterwards)"
        }
    }
}

/// Anonymous (heap) and file-backed (mapped) resident bytes of this process.
struct MemoryReading: Sendable {
    var anonymous: Int, mapped: Int

    /// Reads `RssAnon` and `RssFile` of `/proc/self/status`; nil where there is none.
    static func now() -> MemoryReading? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        var anon: Int?, file: Int?
        for line in text.split(separator: "\n") {
            func kB() -> Int? { line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Int($0) }.map { $0 * 1024 } }
            if line.hasPrefix("RssAnon:") { anon = kB() } else if line.hasPrefix("RssFile:") { file = kB() }
        }
        guard let anon, let file else { return nil }
        return MemoryReading(anonymous: anon, mapped: file)
    }
}

/// Reads ``MemoryReading`` every 10 ms on a thread of its own between `start` and `stop`, and
/// keeps the peaks.
final class MemorySampler: @unchecked Sendable {
    private let lock = NSLock()
    private var running = false, generation = 0
    private var peak: MemoryReading?
    private var mappedPeak: Int?
    private var done: DispatchSemaphore?

    /// The most mapped bytes seen over every run so far.
    var peakMapped: Int? { lock.withLock { mappedPeak } }

    func start() {
        let finished = DispatchSemaphore(value: 0)
        let run: Int = lock.withLock {
            running = true; generation += 1; peak = MemoryReading.now(); done = finished
            return generation
        }
        let thread = Thread { [self] in
            while lock.withLock({ running && generation == run }) {
                if let r = MemoryReading.now() { note(r) }
                usleep(10_000)
            }
            finished.signal()
        }
        thread.start()
    }

    private func note(_ r: MemoryReading) {
        lock.withLock {
            peak = MemoryReading(anonymous: max(peak?.anonymous ?? 0, r.anonymous), mapped: max(peak?.mapped ?? 0, r.mapped))
            mappedPeak = max(mappedPeak ?? 0, r.mapped)
        }
    }

    /// Stops the thread and returns the peaks of this run (the reading at the stop included).
    func stop() -> MemoryReading? {
        if let r = MemoryReading.now() { note(r) }
        let wait: DispatchSemaphore? = lock.withLock { running = false; return done }
        wait?.wait()
        return lock.withLock { peak }
    }
}
