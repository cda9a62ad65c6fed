/// Command-line options of `hoso-compare`.
struct Options {
    var sizeName = "small"
    var persons = 100_000
    var events = 500_000
    var provinceCode: Int32 = 20
    var seed: UInt64 = 2025
    var batchSize = 50_000
    var workDirectory: String? = nil
    var keep = false
    var jsonPath: String? = nil
    var verifyOnly = false
    /// Seconds each system gets per read question (after a short warm-up).
    var querySeconds = 1.0
    /// Seconds of one durable-write run, and how many H, S rounds are interleaved.
    var writeSeconds = 2.0
    var writeRounds = 5
    var help = false

    static let usage = """
    usage: hoso-compare [--size small|medium|large] [--allow-large] [--persons N --events M]
                        [--province CODE] [--seed S] [--json FILE] [--work DIR] [--keep]
                        [--query-seconds S] [--write-seconds S] [--write-rounds N] [--verify-only] [--sealed]

    Builds identical synthetic data (SyntheticProvince), loads it into Hoso and into SQLite,
    asks both the same questions, checks that the answers agree, and prints one table.

      --size small      100k persons / 500k events (default)
      --size medium     1M persons / 5M events
      --size large      10M persons / 50M events (needs --allow-large)
      --persons N --events M   explicit sizes (override --size)
      --province CODE   province of the 2025 gazetteer (default 20, Lạng Sơn)
      --json FILE       also write the figures as JSON
      --work DIR        where the stores go (default: a new directory under /tmp, removed at the end)
      --keep            keep the work directory
      --sealed          Hoso's tenants seal personal fields (AES-GCM per commune); the handle holds the keys;
                        a second, unsealed Hoso store is loaded too and sealing's cost printed, question
                        by question, from interleaved passes in the same run
      --verify-only     tiny data (2k persons / 10k events), every question asked exhaustively,
                        no timings: exits 0 only when both systems agree on every answer
    """

    static func parse(_ arguments: [String]) throws -> Options {
        var o = Options()
        var explicitPersons: Int? = nil, explicitEvents: Int? = nil
        var allowLarge = false
        var i = 0
        func value(_ name: String) throws -> String {
            i += 1
            guard i < arguments.count else { throw UsageError("\(name) needs a value") }
            return arguments[i]
        }
        func number<T: FixedWidthInteger>(_ name: String) throws -> T {
            let text = try value(name).replacingOccurrences(of: "_", with: "")
            guard let n = T(text), n >= 0 else { throw UsageError("\(name) needs a non-negative integer, not '\(text)'") }
            return n
        }
        func seconds(_ name: String) throws -> Double {
            let text = try value(name)
            guard let s = Double(text), s > 0 else { throw UsageError("\(name) needs a positive number of seconds, not '\(text)'") }
            return s
        }
        while i < arguments.count {
            let a = arguments[i]
            switch a {
            case "--size": o.sizeName = try value(a)
            case "--allow-large": allowLarge = true
            case "--persons": explicitPersons = try number(a)
            case "--events": explicitEvents = try number(a)
            case "--province": o.provinceCode = try number(a)
            case "--seed": o.seed = try number(a)
            case "--batch": o.batchSize = max(1, try number(a))
            case "--work": o.workDirectory = try value(a)
            case "--keep": o.keep = true
            case "--json": o.jsonPath = try value(a)
            case "--verify-only": o.verifyOnly = true
            case "--sealed": setenv("HOSO_COMPARE_SEALED", "1", 1)
            case "--query-seconds": o.querySeconds = try seconds(a)
            case "--write-seconds": o.writeSeconds = try seconds(a)
            case "--write-rounds": o.writeRounds = max(1, try number(a))
            case "-h", "--help": o.help = true
            default: throw UsageError("unknown argument '\(a)'")
            }
            i += 1
        }
        switch o.sizeName {
        case "small": (o.persons, o.events) = (100_000, 500_000)
        case "medium": (o.persons, o.events) = (1_000_000, 5_000_000)
        case "large":
            guard allowLarge || o.verifyOnly else {
                throw UsageError("--size large (10M persons / 50M events) takes hours and tens of GB here; add --allow-large to mean it")
            }
            (o.persons, o.events) = (10_000_000, 50_000_000)
        default: throw UsageError("--size must be small, medium or large, not '\(o.sizeName)'")
        }
        if o.verifyOnly { o.sizeName = "verify"; (o.persons, o.events) = (2_000, 10_000) }
        if let p = explicitPersons { o.persons = p; o.sizeName = "custom" }
        if let e = explicitEvents { o.events = e; o.sizeName = "custom" }
        guard o.persons >= 10 else { throw UsageError("--persons must be at least 10") }
        return o
    }
}

struct UsageError: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message + "\n\n" + Options.usage }
}

import Foundation
