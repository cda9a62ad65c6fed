import ArgumentParser
import Foundation
import HosoDomain

struct Places: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Places across the 2025 reform: what an old commune became, what a new one took over, which old ones the mapping misses.",
        discussion: """
        Until 30/6/2025 places were province → district → commune (63 provinces, 696 districts, \\
        10,051 communes); from 1/7/2025 province → commune (34 provinces, 3,321 communes). The \\
        official mapping says which new commune(s) each old commune went into; an old commune split \\
        across several has a primary successor, which takes its records unless assigned by village \\
        or by an officer. Old communes without a row must be reported, never dropped.

        Exit codes: 0 printed; 1 a code is not in the gazetteer.

        Examples:
          hoso places old 6178              (an old commune: whole into one new commune, split, or unmapped)
          hoso places new 6184              (a new commune: the old communes it took over)
          hoso places unmapped --province 20
        """,
        subcommands: [Old.self, New.self, Unmapped.self])

    static func history() throws -> PlaceHistory {
        do { return try PlaceHistory.official() } catch { fail("the bundled gazetteer cannot be read: \(error)") }
    }

    struct Old: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Where an old (pre-2025) commune's records are counted now.")
        @Argument(help: "The old commune's code (2024 gazetteer).") var code: Int32
        func run() throws {
            let places = try Places.history()
            guard let old = places.before.commune(code: code) else {
                fail("\(code) is not a commune of the 2024 gazetteer (hoso places new \(code) for a 2025 commune)")
            }
            let district = old.districtCode.flatMap { places.before.district(code: $0) }?.name ?? "?"
            print("\(old.code) \(old.name), \(district), \(old.provinceName) (until 30/6/2025):")
            func name(_ c: Int32) -> String { places.after.commune(code: c).map { "\($0.code) \($0.name), \($0.provinceName)" } ?? String(c) }
            switch places.placement(ofOldCommune: code) {
            case .whole(let c): print("  went whole into \(name(c))")
            case .split(let primary, let among):
                print("  was split across \(among.count) communes; its records go to \(name(primary)) unless assigned to another:")
                for c in among { print("    \(name(c))" + (c == primary ? " (primary)" : "")) }
            case .unmapped: print("  has no row in the official mapping: its records must be placed by hand (report them)")
            }
        }
    }

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The old communes a 2025 commune took over, whole or in part.")
        @Argument(help: "The commune's code (2025 gazetteer).") var code: Int32
        func run() throws {
            let places = try Places.history()
            guard let new = places.after.commune(code: code) else {
                fail("\(code) is not a commune of the 2025 gazetteer (hoso places old \(code) for a pre-2025 commune)")
            }
            let parts = places.predecessors(ofNewCommune: code)
            print("\(new.code) \(new.name), \(new.provinceName) (from 1/7/2025) took over \(parts.count) old commune\(parts.count == 1 ? "" : "s"):")
            let rows = parts.map { p in
                [String(p.oldCode), p.name, places.before.district(code: p.oldDistrict)?.name ?? String(p.oldDistrict),
                 p.whole ? "whole" : (p.primary ? "part (primary successor)" : "part")]
            }
            print(TextTable(header: ["old code", "old commune", "district", "taken over"], rows: rows).render())
        }
    }

    struct Unmapped: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Old communes the official mapping has no row for.")
        @Option(help: "Only this old province (2024 code).") var province: Int32?
        func run() throws {
            let places = try Places.history()
            let missing = places.unmappedOldCommunes(inProvince: province)
            print("\(missing.count) old commune\(missing.count == 1 ? "" : "s")" + (province.map { " of province \($0)" } ?? "")
                  + " without a row in the official mapping (their records must be placed by hand):")
            let rows = missing.map { c in
                [String(c.code), c.name, c.districtCode.flatMap { places.before.district(code: $0) }?.name ?? "", c.provinceName]
            }
            print(TextTable(header: ["code", "commune", "district", "province"], rows: rows).render())
        }
    }
}
