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

        Records imported from old data (hoso import --places before2025) keep the old commune they \
        named; those placed in a split commune's primary successor by default are listed by hoso places \
        review, and hoso places assign moves one to another successor (a logged update).

        Exit codes: 0 printed (or assigned); 1 a code is not in the gazetteer, or an assignment was refused.

        Examples:
          hoso places old 6178              (an old commune: whole into one new commune, split, or unmapped)
          hoso places new 6184              (a new commune: the old communes it took over)
          hoso places unmapped --province 20
          hoso places review --tenant lang-son
          hoso places assign 4711 6184 --tenant lang-son
        """,
        subcommands: [Old.self, New.self, Unmapped.self, Review.self, Assign.self])

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

extension Places {
    struct Review: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Records imported from old data placed in a split commune's primary successor by default, with the candidate successors.")
        @OptionGroup var options: Persons.TenantOptions
        func run() throws {
            let program = try options.open()
            let places = try Places.history()
            let reviews = try program.placementReviews()
            func name(_ c: Int32, _ g: Gazetteer) -> String { g.commune(code: c).map { "\(c) \($0.name)" } ?? String(c) }
            print("\(reviews.count) record\(reviews.count == 1 ? "" : "s") placed through a split commune, awaiting review"
                  + (reviews.isEmpty ? "." : " (move one: hoso places assign ID NEWCODE --tenant \(options.tenant)):"))
            guard !reviews.isEmpty else { return }
            let rows = reviews.map { r in
                [r.record.description, name(r.named.commune, places.before), name(r.placedIn.commune, places.after),
                 r.among.filter { $0 != r.placedIn.commune }.map { name($0, places.after) }.joined(separator: "; ")]
            }
            print(TextTable(header: ["record", "old commune named", "counted in (primary)", "other successors"], rows: rows).render())
        }
    }

    struct Assign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move a record imported from old data to another 2025 commune its old commune went into (an officer's decision, logged).")
        @OptionGroup var options: Persons.TenantOptions
        @Argument(help: "The person's id (or the event's, with --event).") var id: UInt64
        @Argument(help: "The 2025 commune: one of the successors of the old commune the record named.") var newCode: Int32
        @Flag(help: "ID is a case event's.") var event = false
        func run() throws {
            let program = try options.open()
            let record = event ? "event \(id)" : "person \(id)"
            do {
                if event { try program.assignPlace(event: id, to: newCode) } else { try program.assignPlace(person: id, to: newCode) }
            } catch let error as ProgramError {
                fail("\(error)")
            } catch HosoError.recordNotFound {
                fail("\(record) is not on file in tenant '\(options.tenant)' (hoso places review lists the records to review)")
            }
            let name = try Places.history().after.commune(code: newCode)?.name ?? ""
            print("Assigned \(record) to \(newCode) \(name) (by \(program.tenant.principal.name)).")
        }
    }
}
