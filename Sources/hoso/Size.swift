import ArgumentParser
import Foundation
import HosoDomain

struct Size: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Size the hardware for a population: measures samples at several sizes on this machine and extrapolates.",
        discussion: """
        Generates sample provinces of several sizes (--sample, then halved --sample-count - 1 \
        times) with the population's ratio of events to persons, loads each into a temporary \
        store and measures its load time, the file it leaves, its live bytes once compacted and \
        the memory of the load (heap apart from the mapped pages of the file). A load's rate \
        falls as the data grows, so the load time is fitted as c * rows^b and the bytes as \
        a + b * rows; each figure for the population comes with its 90% interval. --check also \
        loads the whole population of one tenant and prints each prediction against the \
        measurement.
        """)

    @Option(help: "Persons under management, per tenant.") var persons: Int = 1_000_000
    @Option(help: "Case events per year, per tenant.") var eventsPerYear: Int = 1_000_000
    @Option(help: "Years of events kept.") var years: Int = 5
    @Option(help: "Tenants (provinces) on the machine.") var tenants: Int = 1
    @Option(help: "Persons in the largest sample (events scale with it); the others halve it.") var sample: Int = 100_000
    @Option(help: "Samples measured (3 or more).") var sampleCount: Int = 4
    @Flag(help: "Also load the whole population of one tenant and compare it with the prediction.") var check = false
    @Option(help: "Province whose communes the samples use.") var province: Int32 = 20
    @Option(help: "Directory for the temporary sample stores (removed afterwards).") var workDirectory: String = NSTemporaryDirectory()

    func validate() throws {
        guard persons > 0, eventsPerYear >= 0, years > 0, tenants > 0 else {
            throw ValidationError("--persons, --years and --tenants must be positive, and --events-per-year not negative")
        }
        guard sampleCount >= 3 else { throw ValidationError("--sample-count must be 3 or more (a fit with its error needs three sizes), not \(sampleCount)") }
        guard sampleCount <= 20, sample >> (sampleCount - 1) >= 500 else {
            throw ValidationError("the smallest sample, --sample \(sample) halved \(sampleCount - 1) times, must keep 500 persons at least: raise --sample or lower --sample-count")
        }
    }

    func run() throws {
        let totalEvents = eventsPerYear * years
        let eventsPerPerson = Double(totalEvents) / Double(persons)
        let largest = min(sample, persons)
        let sizes = (0..<sampleCount).reversed().map { max(largest >> $0, 1) }
        var samples: [SizingSample] = []
        var latencies: [(String, Double)] = []
        for (i, n) in sizes.enumerated() {
            let events = Int((eventsPerPerson * Double(n)).rounded())
            FileHandle.standardError.write(Data("size: sample \(i + 1) of \(sizes.count): \(n) persons and \(events) events…\n".utf8))
            let dir = (workDirectory as NSString).appendingPathComponent("hoso-size-\(getpid())-\(i)")
            samples.append(try SizingSample.measure(persons: n, events: events, province: province, directory: dir) { program, data in
                if i == sizes.count - 1 { latencies = try measureQueries(program, data: data) }
            })
        }
        let plan: SizingPlan
        do { plan = try SizingPlan(samples: samples, persons: persons, events: totalEvents, tenants: tenants) }
        catch { throw ValidationError("\(error)") }

        let ram = Double(ProcessInfo.processInfo.physicalMemory), cores = ProcessInfo.processInfo.activeProcessorCount
        func gb(_ b: Double) -> String { b >= 1e9 ? String(format: "%.1f GB", b / 1e9) : String(format: "%.0f MB", b / 1e6) }
        func mb(_ b: Int?) -> String { b.map { String(format: "%.1f MB", Double($0) / 1e6) } ?? "n/a" }
        func hours(_ s: Double) -> String { s >= 3600 ? String(format: "%.1f h", s / 3600) : s >= 60 ? String(format: "%.0f min", s / 60) : String(format: "%.0f s", s) }
        func interval(_ p: GrowthFit.Prediction, _ f: (Double) -> String) -> String { "\(f(p.low)) – \(f(p.high))" }
        func error(_ p: GrowthFit.Prediction) -> String {
            let e = p.relativeError
            return String(format: "-%.0f%% / +%.0f%%", e.below * 100, e.above * 100)
        }

        print("Samples measured on this machine (\(cores) cores, \(gb(ram)) RAM), \(String(format: "%.2f", eventsPerPerson)) events per person:")
        print(TextTable(header: ["persons", "events", "load s", "rows/s", "file after load", "live (compacted)", "heap of the load", "mapped pages"],
                        rows: plan.samples.map { s in
            [String(s.persons), String(s.events), String(format: "%.2f", s.loadSeconds), String(format: "%.0f", s.rowsPerSecond),
             mb(s.fileBytesAfterLoad), mb(s.liveBytes), mb(s.loadHeapBytes), mb(s.mappedBytes)]
        }).render())
        print("")
        print("Fits (rows = persons + events; intervals are 90% prediction intervals):")
        print("  load seconds = \(String(format: "%.3g", plan.loadFit.coefficient)) * rows^\(String(format: "%.3f", plan.loadFit.exponent))"
              + (plan.loadFit.exponent > 1 ? " (the rate falls as the data grows)" : ""))
        print("  live bytes = \(String(format: "%.3g", plan.liveFit.coefficient)) * rows^\(String(format: "%.3f", plan.liveFit.exponent));"
              + " the file a load leaves = live × \(String(format: "%.2f", plan.fileRatio)) (the most any sample left)")
        if let h = plan.heapFit { print("  heap of the load = \(String(format: "%.3g", h.coefficient)) * rows^\(String(format: "%.3f", h.exponent)) bytes") }
        if plan.heapIsBound, let h = plan.loadHeapBytes {
            print("  heap of the load: at most \(gb(h.high)), the most any sample used (a load holds one batch of \(plan.samples.last!.batchSize) rows at a time)")
        }
        print("")
        if !latencies.isEmpty {
            print("Questions on the largest sample (median µs):")
            print(TextTable(header: ["question", "µs"], rows: latencies.map { [$0.0, String(format: "%.1f", $0.1)] }).render())
            print("")
        }
        let linear = Double(plan.rows) / plan.samples.last!.rowsPerSecond
        let loads = min(tenants, max(cores - 1, 1))
        print("For \(tenants) tenant(s) × \(persons) persons and \(eventsPerYear) events/year kept \(years) years (\(plan.rows) rows each):")
        print(TextTable(header: ["recommendation", "value", "90% interval", "expected error", "how"], rows: [
            ["disk", gb(plan.disk.value), interval(plan.disk, gb), error(plan.disk),
             "each tenant's file after its load (\(gb(plan.fileBytes.value))) + one compaction copy of live data (\(gb(plan.liveBytes.value))), + 10%"],
            ["memory", gb(plan.memory(parallelLoads: loads).value), interval(plan.memory(parallelLoads: loads), gb), error(plan.memory(parallelLoads: loads)),
             "page cache for indexes + 20% of records (\(String(format: "%.0f%%", plan.indexShare * 100)) of live data is index)"
                + (plan.loadHeapBytes.map { " + heap of \(loads) load(s) at once (\(plan.heapIsBound ? "at most " : "")\(gb($0.value)) each)" } ?? "") + " + 2 GB"],
            ["cores", String(max(2, min(tenants, 8) + 1)), "", "", "one writer per tenant loading in parallel (up to 8) + 1 for queries"],
            ["initial load time", hours(plan.loadSeconds.value) + " per tenant, one core", interval(plan.loadSeconds, hours), error(plan.loadSeconds),
             "the fit above; the largest sample's rate kept constant would say \(hours(linear))"],
        ]).render())
        if plan.outgrowsMemory(ram) {
            print("")
            print("warning: the live data (\(gb(plan.liveBytes.value * Double(tenants)))) outgrow this machine's memory (\(gb(ram))): every sample fitted in it, "
                  + "so a load of this size also waits for disk reads and the load time above is a lower bound.")
        }
        guard check else { return }
        print("")
        let events = totalEvents
        FileHandle.standardError.write(Data("size: checking: loading the whole population of one tenant, \(persons) persons and \(events) events…\n".utf8))
        let dir = (workDirectory as NSString).appendingPathComponent("hoso-size-\(getpid())-check")
        let whole = try SizingSample.measure(persons: persons, events: events, province: province, directory: dir)
        let lines = plan.check(whole)
        print("Check: the whole population of one tenant loaded (\(String(format: "%.0f", whole.rowsPerSecond)) rows/s):")
        print(TextTable(header: ["figure", "predicted", "90% interval", "measured", "error", "inside"], rows: lines.map { l in
            let seconds = l.figure.hasSuffix("seconds")
            if l.figure.hasSuffix("(at most)") {
                return [l.figure, String(format: "%.1f MB", l.predicted.high / 1e6), "", String(format: "%.1f MB", l.measured / 1e6),
                        String(format: "%+.1f%%", l.error * 100), l.inside ? "yes" : "no"]
            }
            let f: (Double) -> String = seconds ? { String(format: "%.1f", $0) } : { String(format: "%.1f MB", $0 / 1e6) }
            return [l.figure, f(l.predicted.value), interval(l.predicted, f), f(l.measured), String(format: "%+.1f%%", l.error * 100), l.inside ? "yes" : "no"]
        } + [["initial load, seconds, the largest sample's rate kept", String(format: "%.1f", linear), "", String(format: "%.1f", whole.loadSeconds),
              String(format: "%+.1f%%", (whole.loadSeconds - linear) / linear * 100), ""]]).render())
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
