import Benchmark
import Foundation
import HosoDomain
import HosoStore

// Micro-benchmarks of the Hoso engine through the program tenant API, on a small generated
// tenant built once (Fixture). Run: `cd Benchmarks && swift package benchmark`.
//
// Read benchmarks do 1,000 operations per iteration (scalingFactor .kilo), so wall clock is per
// thousand calls and throughput is per call.

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .throughput, .mallocCountTotal],
        warmupIterations: 1,
        maxDuration: .seconds(2),
        maxIterations: 10_000
    )
    Benchmark.teardown = { Fixture.removeAll() }
    let perThousand = Benchmark.Configuration(scalingFactor: .kilo, setup: { _ = fixture })

    Benchmark("put case event (.none durability)", configuration: .init(setup: { _ = fixture })) { benchmark in
        for _ in benchmark.scaledIterations {
            let e = fixture.newEvent()
            try fixture.writes.tenant.write { try $0.insert(e) }
        }
    }

    Benchmark("put case event (.noMetaSync: one fsync per commit)",
              configuration: .init(maxDuration: .seconds(2), maxIterations: 500, setup: { _ = fixture })) { benchmark in
        for _ in benchmark.scaledIterations {
            let e = fixture.newEvent()
            try fixture.durableWrites.tenant.write { try $0.insert(e) }
        }
    }

    Benchmark("get person by id (full decode)", configuration: perThousand) { benchmark in
        var rng = SplitMix64(seed: 1)
        for _ in benchmark.scaledIterations {
            blackHole(try fixture.program.person(id: RecordID.random(in: 1...RecordID(Fixture.persons), using: &rng)))
        }
    }

    Benchmark("get person by id (lazy view, identity fields)", configuration: perThousand) { benchmark in
        var rng = SplitMix64(seed: 1)
        for _ in benchmark.scaledIterations {
            let view = try fixture.program.personView(id: RecordID.random(in: 1...RecordID(Fixture.persons), using: &rng))
            blackHole(try view.map { (try $0.fullName, try $0.nationalID, try $0.birthDate, try $0.commune, try $0.village, try $0.occupation, try $0.drugs, try $0.fileOpened) })
        }
    }

    Benchmark("get person by national ID", configuration: perThousand) { benchmark in
        var i = 0
        for _ in benchmark.scaledIterations {
            blackHole(try fixture.program.person(nationalID: fixture.nationalIDs[i % fixture.nationalIDs.count]))
            i += 1
        }
    }

    Benchmark("index range: current persons of a commune (decoded)", configuration: .init(setup: { _ = fixture })) { benchmark in
        for _ in benchmark.scaledIterations {
            var n = 0
            try fixture.program.currentPersons(in: .commune(fixture.busiestCommune)) { p in n += p.events.count; return true }
            blackHole(n)
        }
    }

    Benchmark("count by commune + current status", configuration: perThousand) { benchmark in
        var rng = SplitMix64(seed: 2)
        for _ in benchmark.scaledIterations {
            let c = fixture.communes[Int.random(in: 0..<fixture.communes.count, using: &rng)]
            let s = Status.allCases[Int.random(in: 0..<Status.allCases.count, using: &rng)]
            blackHole(try fixture.program.currentCount(s, in: .commune(c)))
        }
    }

    Benchmark("events of a commune in a month, by kind", configuration: perThousand) { benchmark in
        var rng = SplitMix64(seed: 3)
        for _ in benchmark.scaledIterations {
            let c = fixture.communes[Int.random(in: 0..<fixture.communes.count, using: &rng)]
            let month = Period.month(year: Int.random(in: 2023...2026, using: &rng), month: Int.random(in: 1...11, using: &rng)).range()
            blackHole(try fixture.program.countEvents(in: .commune(c), during: month))
        }
    }

    Benchmark("as-of count: persons in status S in commune C on day D", configuration: perThousand) { benchmark in
        var rng = SplitMix64(seed: 4)
        let managed = Status.allCases.filter { $0 != .none }
        for _ in benchmark.scaledIterations {
            let c = fixture.communes[Int.random(in: 0..<fixture.communes.count, using: &rng)]
            let s = managed[Int.random(in: 0..<managed.count, using: &rng)]
            let day = Day(rawValue: Int32.random(in: fixture.data.firstDay.rawValue...fixture.data.lastDay.rawValue, using: &rng))
            blackHole(try fixture.program.countPersons(s, in: .commune(c), on: day))
        }
    }

    Benchmark("entering count: persons entering status S in commune C in a quarter", configuration: perThousand) { benchmark in
        var rng = SplitMix64(seed: 5)
        let managed = Status.allCases.filter { $0 != .none }
        for _ in benchmark.scaledIterations {
            let c = fixture.communes[Int.random(in: 0..<fixture.communes.count, using: &rng)]
            let s = managed[Int.random(in: 0..<managed.count, using: &rng)]
            let start = Day(rawValue: Int32.random(in: fixture.data.firstDay.rawValue...fixture.data.lastDay.rawValue, using: &rng))
            blackHole(try fixture.program.countFlow(s, .start, in: .commune(c), during: DayRange(from: start, through: start.adding(days: 90))))
        }
    }

    Benchmark("full scan with a filter (stored bytes: 2 fields read, \(Fixture.persons) persons)", configuration: .init(setup: { _ = fixture })) { benchmark in
        let target = Array(fixture.occupation.utf8)
        let limit = Int64(Day(year: 1990, month: 1, day: 1)!.rawValue)
        for _ in benchmark.scaledIterations {
            var n = 0
            try fixture.program.tenant.read { txn in
                try txn.scanBytes(Person.self) { _, bytes in
                    var reader = try RecordReader(bytes, recordType: "person")
                    var birth: Int64? = nil, matches = false
                    while let f = try reader.next() {
                        if f.number == 2 { birth = try f.int64() }
                        if f.number == 9 { matches = try f.bytes().elementsEqual(target) }
                        if f.number >= 9 { break }
                    }
                    if matches, let birth, birth < limit { n += 1 }
                    return true
                }
            }
            blackHole(n)
        }
    }

    Benchmark("full scan with a filter (decoded, \(Fixture.persons) persons)", configuration: .init(setup: { _ = fixture })) { benchmark in
        let cutoff = Day(year: 1990, month: 1, day: 1)!
        for _ in benchmark.scaledIterations {
            var n = 0
            try fixture.program.tenant.read { txn in
                try txn.scan(Person.self) { p in
                    if p.occupation == fixture.occupation, let b = p.birthDate, b < cutoff { n += 1 }
                    return true
                }
            }
            blackHole(n)
        }
    }

    Benchmark("bulk load 10k persons into a new tenant",
              configuration: .init(metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident],
                                   warmupIterations: 0, maxDuration: .seconds(10), maxIterations: 5, setup: { _ = fixture })) { benchmark in
        for _ in benchmark.scaledIterations {
            let program = try fixture.newTenant()
            let persons = fixture.bulkPersons
            benchmark.startMeasurement()
            try program.load(persons: persons, events: [CaseEvent]())
            benchmark.stopMeasurement()
        }
    }
}

/// The tenant every benchmark reads: generated once, the first time a benchmark's setup asks.
let fixture = try! Fixture()

final class Fixture: Sendable {
    static let persons = 20_000
    static let events = 100_000
    static let directory = NSTemporaryDirectory() + "/hoso-benchmarks-\(getpid())"

    let data: SyntheticProvince
    let program: ProgramTenant
    /// Tenants for puts: no sync (engine cost) and one fsync per commit.
    let writes: ProgramTenant
    let durableWrites: ProgramTenant
    let communes: [CommuneRef]
    let busiestCommune: CommuneRef
    let nationalIDs: [String]
    let occupation: String
    let bulkPersons: [Person]
    private let nextID = IDCounter()

    init() throws {
        let today = Day(year: 2026, month: 1, day: 1)!
        let data = try SyntheticProvince(provinceCode: 20, persons: Self.persons, events: Self.events)
        self.data = data
        func store(_ name: String, _ durability: Environment.Durability) throws -> Store {
            try Store(directory: Self.directory + "/" + name, options: Store.Options(durability: durability, today: { today }))
        }
        program = try ProgramTenant.create(in: try store("main", .noMetaSync), name: "bench", provinceCode: 20)
        try program.load(persons: data.persons(), events: data.events())
        writes = try ProgramTenant.create(in: try store("writes", .none), name: "bench", provinceCode: 20)
        durableWrites = try ProgramTenant.create(in: try store("durable", .noMetaSync), name: "bench", provinceCode: 20)
        communes = data.communes.map(\.ref)
        var perCommune: [CommuneRef: Int] = [:]
        for id in 1...RecordID(Self.persons) { perCommune[data.commune(ofPerson: id), default: 0] += 1 }
        busiestCommune = perCommune.max { $0.value < $1.value }!.key
        nationalIDs = (1...RecordID(2_000)).compactMap { data.person($0 * 7 % RecordID(Self.persons) + 1).nationalID }
        occupation = data.person(1).occupation ?? ""
        let bulk = try SyntheticProvince(provinceCode: 20, persons: 10_000, events: 0, seed: 7)
        bulkPersons = Array(bulk.persons())
    }

    func newEvent() -> CaseEvent {
        let id = nextID.next()
        var e = data.event(id % RecordID(Self.events) + 1)
        e.id = RecordID(Self.events) + id
        return e
    }

    /// A new empty tenant for one bulk-load iteration.
    func newTenant() throws -> ProgramTenant {
        let n = nextID.next()
        let store = try Store(directory: Self.directory + "/bulk-\(n)", options: Store.Options(durability: .noMetaSync))
        return try ProgramTenant.create(in: store, name: "bulk", provinceCode: 20)
    }

    static func removeAll() { try? FileManager.default.removeItem(atPath: directory) }
}

import LMDB
import Synchronization

final class IDCounter: Sendable {
    private let value = Atomic<UInt64>(0)
    func next() -> RecordID { value.add(1, ordering: .relaxed).newValue }
}
