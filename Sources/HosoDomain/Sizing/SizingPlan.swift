import Foundation

/// Hardware for a population, predicted from samples loaded at several sizes on this machine.
///
/// A load's rate falls as the data grows (deeper trees, more distinct pages touched per batch,
/// caches outgrown), while bytes per row fall (the per-commune and per-day count keys are
/// shared by more rows); scaling one sample in proportion gets both wrong. The plan fits each
/// figure to the samples instead (``GrowthFit``) and gives each prediction its interval; the
/// samples share the population's ratio of events to persons, so rows stand for both:
///
/// - the load time as `c · rows^β` (β above 1: the rate falls);
/// - the live bytes (compacted) as `c · rows^β`;
/// - the file a load leaves as the live bytes times the largest ratio of file to live bytes
///   any sample showed (the free pages batches leave behind: an upper estimate);
/// - the load's heap, once the largest sample loaded whole batches, as the most any sample
///   used: a load holds one batch at a time, so its heap is bounded by the batch, not by the
///   data (``heapIsBound``); with smaller samples, as `c · rows^β`.
///
/// ```swift
/// // Samples whose load time grows as rows^1.25, at 500 live bytes per row.
/// let samples = [12_000, 24_000, 48_000, 96_000].map { rows in
///     SizingSample(persons: rows / 6, events: rows - rows / 6, loadSeconds: 1e-5 * pow(Double(rows), 1.25),
///                  fileBytesAfterLoad: rows * 650, liveBytes: rows * 500, indexBytes: rows * 300, recordBytes: rows * 200,
///                  loadHeapBytes: 50_000_000, batchSize: 10_000)
/// }
/// let plan = try SizingPlan(samples: samples, persons: 1_000_000, events: 5_000_000)
/// print(String(format: "%.2f", plan.loadFit.exponent))   // 1.25
/// print(String(format: "%.0f s", plan.loadSeconds.value))   // 2970 s
/// print(String(format: "%.1f GB", plan.liveBytes.value / 1e9), String(format: "%.1f GB", plan.fileBytes.value / 1e9))   // 3.0 GB 3.9 GB
/// print(plan.heapIsBound, plan.loadHeapBytes!.high)   // true 50000000.0
/// ```
public struct SizingPlan: Sendable {
    /// The samples fitted, smallest first.
    public let samples: [SizingSample]
    /// The population of one tenant, and the tenants on the machine.
    public let persons: Int, events: Int, tenants: Int
    /// The fits of seconds and live bytes against rows, and of the load's heap where it is
    /// not a bound (nil where no sample could read it).
    public let loadFit: GrowthFit, liveFit: GrowthFit, heapFit: GrowthFit?
    /// The largest ratio of the file a sample's load left to its live bytes.
    public let fileRatio: Double
    /// Whether ``loadHeapBytes`` is a bound (the largest sample loaded whole batches) rather
    /// than a fit: its `high` is the most any sample used, its `low` 0.
    public let heapIsBound: Bool
    /// Per tenant: the initial load's seconds (one core), the file it leaves, its live bytes
    /// and the heap it needs.
    public let loadSeconds: GrowthFit.Prediction, fileBytes: GrowthFit.Prediction, liveBytes: GrowthFit.Prediction
    public let loadHeapBytes: GrowthFit.Prediction?
    /// The share of live bytes in indexes (of the largest sample).
    public let indexShare: Double

    /// Persons plus events of one tenant.
    public var rows: Int { persons + events }

    /// Fits `samples` (three or more, at two sizes or more) and predicts for `tenants` of `persons` and `events` each.
    public init(samples: [SizingSample], persons: Int, events: Int, tenants: Int = 1) throws(GrowthFit.FitError) {
        let sorted = samples.sorted { $0.rows < $1.rows }
        self.samples = sorted; self.persons = persons; self.events = events; self.tenants = tenants
        func points(_ value: (SizingSample) -> Double?) -> [(x: Double, y: Double)] {
            sorted.compactMap { s in value(s).map { (x: Double(s.rows), y: $0) } }
        }
        loadFit = try GrowthFit(.power, points: points { $0.loadSeconds })
        liveFit = try GrowthFit(.power, points: points { Double($0.liveBytes) })
        fileRatio = sorted.map { $0.liveBytes > 0 ? Double($0.fileBytesAfterLoad) / Double($0.liveBytes) : 1 }.max() ?? 1
        let x = Double(persons + events)
        loadSeconds = loadFit.predict(at: x); liveBytes = liveFit.predict(at: x)
        fileBytes = Self.scaled(liveBytes, fileRatio)
        let largest = sorted.last!
        let heaps = sorted.compactMap(\.loadHeapBytes)
        if heaps.count == sorted.count, largest.persons >= min(largest.batchSize, persons), largest.events >= min(largest.batchSize, events) {
            heapIsBound = true; heapFit = nil
            let most = Double(heaps.max()!)
            loadHeapBytes = GrowthFit.Prediction(value: most, low: 0, high: most)
        } else if heaps.count == sorted.count {
            // A heap that did not grow over a batch still takes a page: at least 1 MiB.
            heapIsBound = false
            let fit = try GrowthFit(.power, points: points { $0.loadHeapBytes.map { Double(max($0, 1 << 20)) } })
            heapFit = fit; loadHeapBytes = fit.predict(at: x)
        } else {
            heapIsBound = false; heapFit = nil; loadHeapBytes = nil
        }
        let known = largest.indexBytes + largest.recordBytes
        indexShare = known > 0 ? Double(largest.indexBytes) / Double(known) : 1
    }

    /// A prediction scaled by `k` (tenants), shifted by `plus`.
    static func scaled(_ p: GrowthFit.Prediction, _ k: Double, plus: Double = 0) -> GrowthFit.Prediction {
        GrowthFit.Prediction(value: p.value * k + plus, low: p.low * k + plus, high: p.high * k + plus)
    }

    /// The disk to provision: every tenant's file as its load leaves it, plus room for one
    /// compaction's copy of the live data at a time, plus 10 % for growth.
    public var disk: GrowthFit.Prediction {
        let t = Double(tenants)
        let sum = GrowthFit.Prediction(value: fileBytes.value * t + liveBytes.value, low: fileBytes.low * t + liveBytes.low,
                                       high: fileBytes.high * t + liveBytes.high)
        return Self.scaled(sum, 1.1)
    }

    /// Memory to provision: the heap of the tenants loading at once (`parallelLoads`, at most
    /// the tenants), the page cache for every tenant's indexes and a fifth of its records, and
    /// 2 GB for the system and its tools.
    public func memory(parallelLoads: Int) -> GrowthFit.Prediction {
        let t = Double(tenants)
        let hotShare = indexShare + (1 - indexShare) * 0.2
        let hot = Self.scaled(liveBytes, t * hotShare)
        let heap = loadHeapBytes.map { Self.scaled($0, Double(min(max(parallelLoads, 1), tenants))) }
            ?? GrowthFit.Prediction(value: 0, low: 0, high: 0)
        return GrowthFit.Prediction(value: hot.value + heap.value + 2e9, low: hot.low + heap.low + 2e9, high: hot.high + heap.high + 2e9)
    }

    /// Whether the page cache the load needs (the predicted live bytes of every tenant) exceeds
    /// `physicalMemory`: then the load reads pages back from disk and runs slower than any
    /// sample showed, so the predicted time is a lower bound.
    public func outgrowsMemory(_ physicalMemory: Double) -> Bool { liveBytes.value * Double(tenants) > physicalMemory * 0.8 }

    /// A measured load of the whole population of one tenant against the plan's predictions:
    /// one line per figure with the prediction, the measurement and the error.
    public func check(_ measured: SizingSample) -> [SizingCheckLine] {
        var lines = [
            SizingCheckLine(figure: "initial load, seconds", predicted: loadSeconds, measured: measured.loadSeconds),
            SizingCheckLine(figure: "file after the load, bytes", predicted: fileBytes, measured: Double(measured.fileBytesAfterLoad)),
            SizingCheckLine(figure: "live bytes (compacted)", predicted: liveBytes, measured: Double(measured.liveBytes)),
        ]
        if let p = loadHeapBytes, let m = measured.loadHeapBytes {
            lines.append(SizingCheckLine(figure: heapIsBound ? "heap of the load, bytes (at most)" : "heap of the load, bytes", predicted: p, measured: Double(m)))
        }
        return lines
    }
}

/// One figure of ``SizingPlan/check(_:)``.
public struct SizingCheckLine: Sendable, Equatable {
    /// What was predicted.
    public var figure: String
    /// The prediction and its interval.
    public var predicted: GrowthFit.Prediction
    /// What the real load measured.
    public var measured: Double
    /// `(measured - predicted) / predicted`.
    public var error: Double { (measured - predicted.value) / predicted.value }
    /// Whether the measurement lies in the interval.
    public var inside: Bool { predicted.contains(measured) }
}
