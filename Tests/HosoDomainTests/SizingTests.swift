import Foundation
import Testing
@testable import HosoDomain

/// Sizing's fits against independent computations: the least squares of ``GrowthFit`` against
/// the normal equations solved as a matrix, its intervals against their coverage of a known
/// curve under noise (fixed seeds), the plan's figures against the curve the samples were drawn
/// from, and a real sample's bytes against the store's own description.
@Suite struct SizingTests {
    /// The normal equations `(XᵀX) β = Xᵀy` of `y = β₀ + β₁ u`, solved by the inverse of the
    /// 2×2 matrix, and the prediction variance `s² (1 + x₀ᵀ (XᵀX)⁻¹ x₀)`.
    static func normalEquations(_ u: [Double], _ v: [Double], at u0: Double) -> (b0: Double, b1: Double, se: Double) {
        let n = Double(u.count)
        let a = n, b = u.reduce(0, +), d = u.reduce(0) { $0 + $1 * $1 }
        let det = a * d - b * b
        let inv = [[d / det, -b / det], [-b / det, a / det]]
        let ty = [v.reduce(0, +), zip(u, v).reduce(0) { $0 + $1.0 * $1.1 }]
        let b0 = inv[0][0] * ty[0] + inv[0][1] * ty[1], b1 = inv[1][0] * ty[0] + inv[1][1] * ty[1]
        let rss = zip(u, v).reduce(0) { $0 + pow($1.1 - b0 - b1 * $1.0, 2) }
        let s2 = rss / (n - 2)
        let q = inv[0][0] + 2 * inv[0][1] * u0 + inv[1][1] * u0 * u0
        return (b0, b1, (s2 * (1 + q)).squareRoot())
    }

    @Test func leastSquaresAgreeWithTheNormalEquations() throws {
        var rng = SplitMix64(seed: 41)
        for trial in 0..<200 {
            let k = Int.random(in: 3...8, using: &rng)
            let xs = (0..<k).map { Double(1_000 << $0) * Double.random(in: 0.9...1.1, using: &rng) }
            let beta = Double.random(in: 0.8...1.5, using: &rng), c = Double.random(in: 1e-6...1e-3, using: &rng)
            let noise = Double.random(in: 0.05...0.3, using: &rng)   // above the fit's floor: the interval is the regression's own
            let ys = xs.map { c * pow($0, beta) * exp(Double.random(in: -noise...noise, using: &rng)) }
            let fit = try GrowthFit(.power, points: zip(xs, ys).map { (x: $0, y: $1) })
            let x0 = xs.last! * Double.random(in: 2...200, using: &rng)
            let oracle = Self.normalEquations(xs.map(log), ys.map(log), at: log(x0))
            #expect(abs(fit.exponent - oracle.b1) < 1e-9 && abs(log(fit.coefficient) - oracle.b0) < 1e-7, "trial \(trial) (seed 41)")
            let p = fit.predict(at: x0)
            let t = GrowthFit.studentT90(degreesOfFreedom: k - 2)
            #expect(abs(log(p.value) - (oracle.b0 + oracle.b1 * log(x0))) < 1e-7, "trial \(trial) (seed 41)")
            // Where the samples scatter more than the floor, the interval is exactly the regression's.
            let rss = zip(xs, ys).reduce(0.0) { $0 + pow(log($1.1) - oracle.b0 - oracle.b1 * log($1.0), 2) }
            if (rss / Double(k - 2)).squareRoot() > GrowthFit.minimumScatter {
                #expect(abs(log(p.high) - log(p.value) - t * oracle.se) < 1e-7 && abs(log(p.value) - log(p.low) - t * oracle.se) < 1e-7,
                        "trial \(trial) (seed 41)")
            }
        }
        // A linear fit: the same equations in the plain coordinates.
        let xs = [10.0, 20, 40, 80, 160], ys = [1_050.0, 1_980, 4_100, 7_950, 16_020]
        let fit = try GrowthFit(.linear, points: zip(xs, ys).map { (x: $0, y: $1) })
        let oracle = Self.normalEquations(xs, ys, at: 1_000)
        #expect(abs(fit.coefficient - oracle.b0) < 1e-6 && abs(fit.exponent - oracle.b1) < 1e-9)
        let p = fit.predict(at: 1_000)
        #expect(abs(p.value - (oracle.b0 + oracle.b1 * 1_000)) < 1e-6)
        // These samples lie closer to their line than the floor (3 % of the mean): the interval is the wider.
        #expect(p.high - p.value >= GrowthFit.studentT90(degreesOfFreedom: 3) * oracle.se - 1e-6 && abs((p.high - p.value) - (p.value - p.low)) < 1e-6)
    }

    /// Samples of a known curve with noise of known size: the 90 % interval at 100 times the
    /// largest sample holds a new measurement in about 90 % of the draws, and the fit is nearly
    /// always closer to the curve than a proportional extrapolation (what sizing did before).
    @Test func intervalsCoverTheCurveAtTheirConfidence() throws {
        var rng = SplitMix64(seed: 7)
        let draws = 2_000
        var covered = 0, proportionalCloser = 0
        let truth = { (x: Double) in 2e-6 * pow(x, 1.2) }
        for _ in 0..<draws {
            let xs = [75_000.0, 150_000, 300_000, 600_000]
            // Normal noise of σ = 0.08 on the logarithm (Box–Muller).
            let ys = xs.map { x -> Double in
                let u1 = Double.random(in: Double.ulpOfOne...1, using: &rng), u2 = Double.random(in: 0...1, using: &rng)
                return truth(x) * exp(0.08 * (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2))
            }
            let fit = try GrowthFit(.power, points: zip(xs, ys).map { (x: $0, y: $1) })
            let x0 = 60_000_000.0
            // The interval is for a new measurement: compare with one.
            let u1 = Double.random(in: Double.ulpOfOne...1, using: &rng), u2 = Double.random(in: 0...1, using: &rng)
            let measured = truth(x0) * exp(0.08 * (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2))
            if fit.predict(at: x0).contains(measured) { covered += 1 }
            let proportional = ys.last! / xs.last! * x0
            if abs(log(proportional / truth(x0))) <= abs(log(fit.predict(at: x0).value / truth(x0))) { proportionalCloser += 1 }
        }
        let share = Double(covered) / Double(draws)
        #expect(share > 0.86 && share < 0.94, "coverage \(share) of \(draws) draws (seed 7)")
        #expect(Double(proportionalCloser) / Double(draws) < 0.02, "a proportional extrapolation closer \(proportionalCloser) times (seed 7)")
    }

    @Test func badSamplesAreRefusedWithTheReason() {
        #expect(throws: GrowthFit.FitError.tooFewPoints(2)) { try GrowthFit(.power, points: [(1, 1), (2, 2)]) }
        #expect(throws: GrowthFit.FitError.tooFewPoints(3)) { try GrowthFit(.linear, points: [(1, 1), (1, 2), (1, 3)]) }
        #expect(throws: GrowthFit.FitError.notPositive(x: 2, y: 0)) { try GrowthFit(.power, points: [(1, 1), (2, 0), (3, 3)]) }
        #expect("\(GrowthFit.FitError.tooFewPoints(2))".contains("--sample-count"))
    }

    /// Samples drawn from exact curves: the plan predicts the curves' values at the population,
    /// and its provisioning figures follow their stated formulas.
    @Test func thePlanPredictsTheCurvesAndProvisionsByItsFormulas() throws {
        let ratios = [1.0, 1.2, 1.4, 1.3]
        let samples = [12_000, 24_000, 48_000, 96_000].enumerated().map { i, rows in
            let live = 2_000.0 * pow(Double(rows), 0.9)
            return SizingSample(persons: rows / 6, events: rows - rows / 6, loadSeconds: 3e-6 * pow(Double(rows), 1.3),
                                fileBytesAfterLoad: Int(live * ratios[i]), liveBytes: Int(live), indexBytes: rows * 300, recordBytes: rows * 200,
                                loadHeapBytes: [40_000_000, 90_000_000, 70_000_000, 80_000_000][i], batchSize: 10_000)
        }
        let plan = try SizingPlan(samples: samples.reversed(), persons: 1_000_000, events: 5_000_000, tenants: 3)
        #expect(plan.samples.map(\.rows) == [12_000, 24_000, 48_000, 96_000])
        let x = 6_000_000.0
        func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-6) -> Bool { abs(a - b) / b < tolerance }
        #expect(close(plan.loadSeconds.value, 3e-6 * pow(x, 1.3)))
        // Live bytes from the curve (the samples were rounded to whole bytes); the file by the largest ratio seen.
        #expect(close(plan.liveBytes.value, 2_000 * pow(x, 0.9), 1e-4) && abs(plan.fileRatio - 1.4) < 1e-4)
        #expect(close(plan.fileBytes.value, plan.liveBytes.value * plan.fileRatio) && close(plan.fileBytes.high, plan.liveBytes.high * plan.fileRatio))
        // The largest sample loaded whole batches: the heap is bounded by the most any sample used.
        #expect(plan.heapIsBound && plan.heapFit == nil && plan.loadHeapBytes == GrowthFit.Prediction(value: 90e6, low: 0, high: 90e6))
        #expect(abs(plan.indexShare - 0.6) < 1e-12)
        #expect(close(plan.disk.value, 1.1 * (3 * plan.fileBytes.value + plan.liveBytes.value)))
        let memory = plan.memory(parallelLoads: 2)
        #expect(close(memory.value, 3 * plan.liveBytes.value * (0.6 + 0.4 * 0.2) + 2 * 90e6 + 2e9))
        #expect(plan.disk.low < plan.disk.value && plan.disk.value < plan.disk.high)
        let live = 3 * plan.liveBytes.value
        #expect(plan.outgrowsMemory(live / 0.8 * 1.01) == false && plan.outgrowsMemory(live / 0.8 * 0.99) == true)
        // A load that took what the curves say is inside; one 40 % slower is not; a heap above the bound is not.
        let onCurve = SizingSample(persons: 1_000_000, events: 5_000_000, loadSeconds: 3e-6 * pow(x, 1.3),
                                   fileBytesAfterLoad: Int(plan.fileBytes.value), liveBytes: Int(2_000 * pow(x, 0.9)), loadHeapBytes: 85_000_000)
        #expect(plan.check(onCurve).allSatisfy { $0.inside }, "\(plan.check(onCurve))")
        #expect(plan.check(onCurve).map(\.figure) == ["initial load, seconds", "file after the load, bytes", "live bytes (compacted)",
                                                      "heap of the load, bytes (at most)"])
        var slower = onCurve
        slower.loadSeconds *= 1.4; slower.loadHeapBytes = 95_000_000
        let lines = plan.check(slower)
        #expect(!lines[0].inside && abs(lines[0].error - 0.4) < 1e-6)
        #expect(!lines[3].inside && abs(lines[3].error - (95.0 / 90 - 1)) < 1e-9)

        // Samples smaller than a batch: the heap is fitted, not bounded.
        let small = samples.map { s -> SizingSample in var s = s; s.batchSize = 100_000; return s }
        let fitted = try SizingPlan(samples: small, persons: 1_000_000, events: 5_000_000)
        #expect(!fitted.heapIsBound && fitted.heapFit != nil && fitted.loadHeapBytes!.low > 0)
    }

    /// A real sample: the bytes it reports are the store's, the compacted file is no larger
    /// than the loaded one, and the load's memory was read.
    @Test func aRealSampleMeasuresWhatTheStoreHolds() throws {
        let dir = NSTemporaryDirectory() + "hoso-sizing-\(UUID().uuidString)"
        var seen = 0
        let s = try SizingSample.measure(persons: 1_500, events: 6_000, directory: dir, batchSize: 1_000) { program, _ in
            seen = try program.personCount() + program.eventCount()
        }
        #expect(seen == 7_500 && s.rows == 7_500)
        #expect(s.loadSeconds > 0 && s.liveBytes > 0 && s.liveBytes <= s.fileBytesAfterLoad)
        #expect(s.personBytes > 0 && s.eventBytes > 0 && s.indexBytes + s.recordBytes <= s.liveBytes)
        #if os(Linux)
        #expect(s.loadHeapBytes != nil && (s.mappedBytes ?? 0) > 0)
        #endif
        #expect(!FileManager.default.fileExists(atPath: dir), "the sample's store is removed")
        // A directory that exists is refused and left as it was.
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "keep".write(toFile: dir + "/mine.txt", atomically: true, encoding: .utf8)
        #expect(throws: SizingError.directoryExists(dir)) { try SizingSample.measure(persons: 1_000, events: 1_000, directory: dir) }
        #expect(try String(contentsOfFile: dir + "/mine.txt", encoding: .utf8) == "keep")
    }
}
