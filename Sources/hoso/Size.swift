import ArgumentParser
import Foundation
import HosoDomain

struct Size: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Size the hardware for a population: measures a scaled sample on this machine and extrapolates.",
        discussion: """
        Generates a sample province with the same ratio of events to persons as the population, \
        loads it into a temporary store, compacts it, and measures bytes per person and per event, \
        load speed and query latencies on this machine. Disk, memory and load time for the whole \
        population are extrapolated from those figures; the formulas are printed with the result.
        """)

    @Option(help: "Persons under management, per tenant.") var persons: Int = 1_000_000
    @Option(help: "Case events per year, per tenant.") var eventsPerYear: Int = 1_000_000
    @Option(help: "Years of events kept.") var years: Int = 5
    @Option(help: "Tenants (provinces) on the machine.") var tenants: Int = 1
    @Option(help: "Persons in the measured sample (events scale with it).") var sample: Int = 50_000
    @Option(help: "Province whose communes the sample uses.") var province: Int32 = 20
    @Option(help: "Directory for the temporary sample store (removed afterwards).") var workDirectory: String = NSTemporaryDirectory()

    func validate() throws {
        guard persons > 0, eventsPerYear >= 0, years > 0, tenants > 0, sample >= 1_000 else {
            throw ValidationError("persons, years and tenants must be positive and --sample at least 1000")
        }
    }

    func run() throws {
        let totalEvents = eventsPerYear * years
        let samplePersons = min(sample, persons)
        let sampleEvents = Int((Double(totalEvents) / Double(persons) * Double(samplePersons)).rounded())
        let dir = (workDirectory as NSString).appendingPathComponent("hoso-size-\(getpid())")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(directory: dir, options: .init(today: { Day(year: 2026, month: 11, day: 24)! }))
        let data = try SyntheticProvince(provinceCode: province, persons: samplePersons, events: sampleEvents, seed: 99)
        FileHandle.standardError.write(Data("size: loading a sample of \(samplePersons) persons and \(sampleEvents) events…\n".utf8))
        let people = Array(data.persons()), cases = Array(data.events())
        let program = try ProgramTenant.create(in: store, info: TenantInfo(name: "sample"), settings: data.settings())
        let started = Date()
        try program.load(persons: people, events: cases, batchSize: 100_000)
        let loadSeconds = Date().timeIntervalSince(started)
        try store.compactTenant("sample")
        let reopened = try ProgramTenant.open(in: store, name: "sample")
        let description = try reopened.describe()
        let personBytes = description.databases.filter { $0.name.hasPrefix("r.person") || $0.name.hasPrefix("i.person") }.reduce(0) { $0 + $1.bytes }
        let eventBytes = description.databases.filter { $0.name.hasPrefix("r.event") || $0.name.hasPrefix("i.event") }.reduce(0) { $0 + $1.bytes }
        let indexBytes = description.databases.filter { $0.name.hasPrefix("i.") }.reduce(0) { $0 + $1.bytes }
        let recordBytes = description.databases.filter { $0.name.hasPrefix("r.") }.reduce(0) { $0 + $1.bytes }
        let perPerson = Double(personBytes) / Double(samplePersons)
        let perEvent = sampleEvents > 0 ? Double(eventBytes) / Double(sampleEvents) : 0
        let latencies = try measureQueries(reopened, data: data)

        let rowsPerSecond = Double(samplePersons + sampleEvents) / loadSeconds
        let allPersons = Double(persons * tenants), allEvents = Double(totalEvents * tenants)
        let liveBytes = perPerson * allPersons + perEvent * allEvents
        let disk = liveBytes * 2.2            // free pages between compactions (×2) + 10% growth
        let indexShare = Double(indexBytes) / Double(indexBytes + recordBytes)
        let hot = liveBytes * indexShare + liveBytes * (1 - indexShare) * 0.2
        let ram = hot + 2e9                    // indexes + a fifth of the records, plus the OS and tools
        let loadHours = (allPersons + allEvents) / rowsPerSecond / 3600
        let cores = max(2, min(tenants, 8) + 1)

        func gb(_ b: Double) -> String { String(format: "%.1f GB", b / 1e9) }
        print("Measured on this machine (\(ProcessInfo.processInfo.activeProcessorCount) cores, \(gb(Double(ProcessInfo.processInfo.physicalMemory))) RAM), sample of \(samplePersons) persons / \(sampleEvents) events:")
        print(TextTable(header: ["figure", "value"], rows: [
            ["bytes per person (record + indexes)", String(format: "%.0f", perPerson)],
            ["bytes per case event (record + indexes)", String(format: "%.0f", perEvent)],
            ["index share of the data", String(format: "%.0f%%", indexShare * 100)],
            ["bulk load, rows/s (one writer)", String(format: "%.0f", rowsPerSecond)],
        ] + latencies.map { [$0.0 + ", median µs", String(format: "%.1f", $0.1)] }).render())
        print("")
        print("For \(tenants) tenant(s) × \(persons) persons and \(eventsPerYear) events/year kept \(years) years:")
        print(TextTable(header: ["recommendation", "value", "how"], rows: [
            ["disk", gb(disk), "live data \(gb(liveBytes)) × 2 (free pages between compactions) + 10%"],
            ["memory", gb(ram), "indexes + 20% of records in page cache + 2 GB"],
            ["cores", String(cores), "one writer per tenant loading in parallel (up to 8) + 1 for queries"],
            ["initial load time", String(format: "%.1f h on one core", loadHours), "all rows ÷ measured rows/s; tenants load in parallel"],
        ]).render())
    }

    /// Median latency of each kind of question over random communes, statuses and periods.
    func measureQueries(_ program: ProgramTenant, data: SyntheticProvince) throws -> [(String, Double)] {
        var rng = SplitMix64(seed: 7)
        let communes = program.settings.communes.map(\.ref)
        let statuses: [Status] = [.illegalUser, .addict, .methadone, .postRehab]
        func median(_ runs: Int, _ body: () throws -> Void) rethrows -> Double {
            var times: [Double] = []
            for _ in 0..<runs {
                let t = DispatchTime.now().uptimeNanoseconds
                try body()
                times.append(Double(DispatchTime.now().uptimeNanoseconds - t) / 1000)
            }
            return times.sorted()[runs / 2]
        }
        var out: [(String, Double)] = []
        out.append(("get person by id", try median(2000) { _ = try program.person(id: RecordID.random(in: 1...RecordID(data.personCount), using: &rng)) }))
        out.append(("count by commune + status (now)", try median(2000) {
            _ = try program.currentCount(statuses.randomElement(using: &rng)!, in: .commune(communes.randomElement(using: &rng)!))
        }))
        out.append(("persons in status on a day (commune)", try median(1000) {
            _ = try program.countPersons(statuses.randomElement(using: &rng)!, in: .commune(communes.randomElement(using: &rng)!),
                                         on: Day(year: 2025, month: Int.random(in: 1...12, using: &rng), day: 10)!)
        }))
        out.append(("events of a commune in a month by kind", try median(1000) {
            _ = try program.countEvents(in: .commune(communes.randomElement(using: &rng)!),
                                        during: Period.month(year: 2025, month: Int.random(in: 1...12, using: &rng)).range())
        }))
        out.append(("entries into a status in a quarter (province)", try median(1000) {
            _ = try program.countFlow(statuses.randomElement(using: &rng)!, .start, in: .province(program.settings.communes[0].ref.province),
                                      during: Period.quarter(year: 2025, quarter: Int.random(in: 1...4, using: &rng)).range())
        }))
        return out
    }
}
