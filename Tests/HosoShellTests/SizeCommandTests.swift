import Foundation
import Testing

/// `hoso size` through the built `hoso`: samples at several sizes, the fits, each figure with
/// its interval and expected error, and `--check` loading the whole (small) population and
/// printing each prediction beside the measurement; bad options are refused with the option
/// named and what to do.
@Suite struct SizeCommandTests {
    @Test(.enabled(if: InteractiveTests.hoso != nil, "the hoso executable is not built beside the test bundle"))
    func samplesFitsIntervalsAndACheck() throws {
        let hoso = try #require(InteractiveTests.hoso)
        let dir = NSTemporaryDirectory() + "hoso-size-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (out, code) = try PersonsCommandTests.run(hoso, ["size", "--persons", "6000", "--events-per-year", "6000", "--years", "2",
                                                             "--sample", "2000", "--sample-count", "3", "--tenants", "2", "--check",
                                                             "--work-directory", dir])
        #expect(code == 0, "\(out)")
        let lines = out.split(separator: "\n").map { String($0.reversed().drop(while: { $0 == " " }).reversed()) }
        // Three samples of 500, 1000 and 2000 persons with two events each.
        for (persons, events) in [(500, 1000), (1000, 2000), (2000, 4000)] {
            #expect(lines.contains { $0.hasPrefix(String(persons) + " ") && $0.split(separator: " ").dropFirst().first == Substring(String(events)) }, "\(out)")
        }
        #expect(out.contains("load seconds = ") && out.contains(" * rows^") && out.contains("live bytes = ") && out.contains("the file a load leaves = live × "), "\(out)")
        for figure in ["disk", "memory", "initial load time"] {
            let line = try #require(lines.first { $0.hasPrefix(figure + " ") }, "\(out)")
            #expect(line.contains(" – ") && line.contains("% / +"), "\(line)")
        }
        #expect(out.contains("For 2 tenant(s) × 6000 persons and 6000 events/year kept 2 years (18000 rows each)"), "\(out)")
        // The check: every figure predicted, measured, its error and whether it fell inside.
        #expect(out.contains("Check: the whole population of one tenant loaded"), "\(out)")
        for figure in ["initial load, seconds", "file after the load, bytes", "live bytes (compacted)"] {
            let line = try #require(lines.first { $0.hasPrefix(figure + " ") }, "\(out)")
            #expect(line.hasSuffix("yes") || line.hasSuffix("no"), "\(line)")
            #expect(line.contains("%"), "\(line)")
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: dir)
        #expect(left.isEmpty, "the sample stores are removed: \(left)")

        let (few, fewCode) = try PersonsCommandTests.run(hoso, ["size", "--sample-count", "2", "--work-directory", dir])
        #expect(fewCode != 0 && few.contains("--sample-count must be 3 or more"), "\(few)")
        let (small, smallCode) = try PersonsCommandTests.run(hoso, ["size", "--sample", "1000", "--sample-count", "4", "--work-directory", dir])
        #expect(smallCode != 0 && small.contains("--sample 1000 halved 3 times, must keep 500 persons"), "\(small)")
    }
}
