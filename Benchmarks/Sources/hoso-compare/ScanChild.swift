import Foundation
import HosoDomain
import HosoShell
import HosoStore

/// The hidden subcommand `__scan`: asks one of the full-scan questions of a kept Hoso store
/// (`--keep`) over and over, alone in its process, for a profiler to attach to:
/// `hoso-compare __scan DIR WHICH N` with WHICH one of `matching`, `count`, `shell`, `decoded`,
/// `bytes` (the rows of the full-scan table, in order), or `get` / `view` (10,000 point gets by
/// random id, the full record or the lazy view). Prints the answer and seconds per ask.
enum ScanChild {
    static let command = "__scan"

    static func run(_ arguments: [String]) throws {
        guard arguments.count == 3, let repeats = Int(arguments[2]), repeats > 0 else {
            throw UsageError("\(command) DIR matching|count|shell|decoded|bytes|get|view N")
        }
        let program = try HosoSide.open(at: arguments[0], today: .today(), durability: .noMetaSync)
        let hoso = HosoAsker(program: program)
        let context = try QueryContext(program: program)
        let occupation = "Lái xe", cutoff = Day(year: 1980, month: 1, day: 1)!
        let ask: () throws -> Int
        switch arguments[1] {
        case "matching": ask = { try hoso.scanMatching(occupation: occupation, bornBefore: cutoff) }
        case "count": ask = { try hoso.countMatching(occupation: occupation, bornBefore: cutoff) }
        case "shell": ask = { try hoso.scanShell(occupation: occupation, bornBefore: cutoff, context: context) }
        case "decoded": ask = { try hoso.scanDecoded(occupation: occupation, bornBefore: cutoff) }
        case "bytes": ask = { try hoso.scanBytes(occupation: occupation, bornBefore: cutoff) }
        case "get", "view":
            // 10,000 point gets by random id, full record or lazy view.
            var rng = SplitMix64(seed: 7)
            let n = RecordID(try program.personCount())
            let ids = (0..<10_000).map { _ in RecordID.random(in: 1...n, using: &rng) }
            let view = arguments[1] == "view"
            ask = {
                var found = 0
                for id in ids where try (view ? hoso.personView(id: id) : hoso.person(id: id)) != nil { found += 1 }
                return found
            }
        default: throw UsageError("\(command): unknown question \(arguments[1])")
        }
        var answer = 0
        let t0 = Date()
        for _ in 0..<repeats { answer = try ask() }
        print("\(arguments[1]): \(answer) persons, \(String(format: "%.2f", Date().timeIntervalSince(t0) * 1000 / Double(repeats))) ms per ask")
    }
}
