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
        review, and hoso places assign moves one to another successor (a logged update). An admin \
        places a whole village at once: hoso places assign --old CODE --village V --to CODE records a \
        rule, moves the village's files, and later imports place the village's files by it (a \
        file's own assigned_commune_code wins); hoso places villages CODE shows the villages an old \
        commune's files name and where they are counted.

        Exit codes: 0 printed (or assigned); 1 a code is not in the gazetteer, or an assignment was refused.

        Examples:
          hoso places old 6178              (an old commune: whole into one new commune, split, or unmapped)
          hoso places new 6184              (a new commune: the old communes it took over)
          hoso places unmapped --province 20
          hoso places review --tenant lang-son
          hoso places assign 4711 6184 --tenant lang-son
          hoso places villages 6178 --tenant lang-son
          hoso places assign --old 6178 --village "Thôn Nà Pàn" --to 6184 --tenant lang-son
          hoso places rules --tenant lang-son
          hoso places rules remove --old 6178 --village "Thôn Nà Pàn" --tenant lang-son
        """,
        subcommands: [Old.self, New.self, Unmapped.self, Review.self, Assign.self, Villages.self, Rules.self])

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
                  + (reviews.isEmpty ? "." : " (move one: hoso places assign ID NEWCODE; a whole village: hoso places assign --old CODE --village V --to NEWCODE; --tenant \(options.tenant)):"))
            guard !reviews.isEmpty else { return }
            let shown: [RecordID] = reviews.compactMap { if case .person(let id) = $0.record, $0.village != nil { id } else { nil } }
            try program.logPersonalRead("hoso places review (villages)", personIDs: shown)
            let rows = reviews.map { r in
                [r.record.description, name(r.named.commune, places.before), r.village ?? "", name(r.placedIn.commune, places.after),
                 r.among.filter { $0 != r.placedIn.commune }.map { name($0, places.after) }.joined(separator: "; ")]
            }
            print(TextTable(header: ["record", "old commune named", "village", "counted in (primary)", "other successors"], rows: rows).render())
        }
    }

    struct Assign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move a record imported from old data to another 2025 commune its old commune went into, or a whole village of an old commune (an officer's or an admin's decision, logged).",
            discussion: """
            hoso places assign ID NEWCODE moves one file (or, with --event, one case event). \
            hoso places assign --old CODE --village V --to NEWCODE (an admin) records that the files \
            of village V of old commune CODE belong to NEWCODE: it moves those counted by default in \
            the primary successor (or by an earlier rule for the village), leaves those their file or \
            an officer placed, and later imports place the village's files by it. Villages are \
            compared without diacritics, case or extra spaces.
            """)
        @OptionGroup var options: Persons.TenantOptions
        @Argument(help: "The person's id (or the event's, with --event).") var id: UInt64?
        @Argument(help: "The 2025 commune: one of the successors of the old commune the record named.") var newCode: Int32?
        @Flag(help: "ID is a case event's.") var event = false
        @Option(help: "An old commune (2024 code) whose village to place (with --village and --to).") var old: Int32?
        @Option(help: "The village, as the files name it (with --old and --to).") var village: String?
        @Option(help: "The 2025 commune the village's files go to (with --old and --village).") var to: Int32?

        func validate() throws {
            let rule = [old != nil, village != nil, to != nil]
            if rule.contains(true) {
                guard rule.allSatisfy({ $0 }) else { throw ValidationError("a village rule needs all of --old CODE --village V --to NEWCODE") }
                guard id == nil, newCode == nil, !event else {
                    throw ValidationError("give either ID NEWCODE (one record) or --old CODE --village V --to NEWCODE (a village), not both")
                }
            } else if id == nil || newCode == nil {
                throw ValidationError("give ID NEWCODE (one record) or --old CODE --village V --to NEWCODE (a village)")
            }
        }

        func run() throws {
            let program = try options.open()
            if let old, let village, let to { return try rule(program, old, village, to) }
            guard let id, let newCode else { return }
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

        private func rule(_ program: ProgramTenant, _ old: Int32, _ village: String, _ to: Int32) throws {
            let change: VillageRuleChange
            do { change = try program.addVillageRule(oldCommune: old, village: village, to: to) } catch let error as ProgramError {
                fail("\(error)")
            } catch let HosoError.accessDenied(_, _, reason) {
                fail("village rule \(old) '\(village)' refused: \(reason)")
            }
            try program.logPersonalRead("hoso places assign --old \(old) --village (villages compared)", personIDs: change.personIDs)
            let places = try Places.history()
            func name(_ c: Int32) -> String { places.after.commune(code: c).map { "\(c) \($0.name)" } ?? String(c) }
            let oldName = places.before.commune(code: old).map { "\(old) \($0.name)" } ?? String(old)
            print("Rule: files of village '\(change.rule.village)' of old commune \(oldName) go to \(name(to)) (by \(change.rule.actor))"
                  + (change.replaced.map { "; it replaces the rule to \(name($0.commune)) made by \($0.actor)" } ?? "") + ".")
            print("  \(change.moved.count) file\(change.moved.count == 1 ? "" : "s") moved there"
                  + (change.moved.isEmpty ? "" : " (" + Places.ids(change.moved) + ")")
                  + (change.confirmed.isEmpty ? "" : "; \(change.confirmed.count) already counted there by default, now placed by the rule"))
            if !change.kept.isEmpty {
                print("  \(change.kept.count) file\(change.kept.count == 1 ? " of the village stays" : "s of the village stay") where their "
                      + "own file or an officer placed \(change.kept.count == 1 ? "it" : "them") (move one with hoso places assign ID \(to)):")
                for k in change.kept { print("    person \(k.id): in \(name(k.commune)), placed by \(k.placedBy.code == "file" ? "the file" : "an officer")") }
            }
            print("Later imports of old data place the village's files there unless the file assigns a successor (hoso places rules lists the rules).")
        }
    }

    /// Ids for a message: the first ten, then how many more.
    static func ids(_ ids: [RecordID]) -> String {
        ids.prefix(10).map { "person \($0)" }.joined(separator: ", ") + (ids.count > 10 ? " and \(ids.count - 10) more" : "")
    }

    struct Villages: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The villages the files naming an old commune name, with how many files each holds and where they are counted.",
            discussion: "Villages are personal fields: the read is logged in the processing log (hoso audit).")
        @OptionGroup var options: Persons.TenantOptions
        @Argument(help: "The old commune's code (2024 gazetteer).") var code: Int32
        func run() throws {
            let program = try options.open()
            let places = try Places.history()
            guard let old = places.before.commune(code: code) else {
                fail("\(code) is not a commune of the 2024 gazetteer (hoso places new \(code) for a 2025 commune)")
            }
            let villages = try program.villages(ofOldCommune: code)
            try program.logPersonalRead("hoso places villages \(code)", personIDs: villages.filter { $0.village != nil }.flatMap(\.persons))
            let files = villages.reduce(0) { $0 + $1.persons.count }
            let placement: String
            switch places.placement(ofOldCommune: code) {
            case .whole(let c): placement = "went whole into \(c)"
            case let .split(primary, among): placement = "was split across \(among.map(String.init).joined(separator: ", ")) (primary \(primary))"
            case .unmapped: placement = "has no row in the official mapping"
            }
            print("\(code) \(old.name) (\(placement)): \(files) file\(files == 1 ? "" : "s") in \(villages.count) village group\(villages.count == 1 ? "" : "s") in tenant '\(options.tenant)'.")
            guard !villages.isEmpty else { return }
            func name(_ c: Int32) -> String { places.after.commune(code: c).map { "\(c) \($0.name)" } ?? String(c) }
            let rows = villages.map { v in
                [v.sealed ? "(sealed: no key)" : (v.village ?? "(no village)"), String(v.persons.count),
                 v.communes.sorted { $0.key < $1.key }.map { "\(name($0.key)): \($0.value)" }.joined(separator: "; "),
                 NamedPlace.PlacedBy.allCases.compactMap { p in v.placements[p].map { "\(p.code) \($0)" } }.joined(separator: ", "),
                 v.rule.map { "→ \($0.commune) (\($0.actor))" } ?? ""]
            }
            print(TextTable(header: ["village", "files", "counted in", "placed by", "rule"], rows: rows).render())
        }
    }

    struct Rules: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The village rules of a tenant: which 2025 commune the files of a village of a split old commune go to.",
            subcommands: [List.self, Remove.self], defaultSubcommand: List.self)

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List the village rules.")
            @OptionGroup var options: Persons.TenantOptions
            func run() throws {
                let program = try options.open()
                let rules = try program.villageRules()
                print("\(rules.count) village rule\(rules.count == 1 ? "" : "s") in tenant '\(options.tenant)'"
                      + (rules.isEmpty ? " (make one: hoso places assign --old CODE --village V --to NEWCODE)." : ":"))
                guard !rules.isEmpty else { return }
                let places = try Places.history()
                let rows = rules.map { r in
                    [places.before.commune(code: r.oldCommune).map { "\(r.oldCommune) \($0.name)" } ?? String(r.oldCommune), r.village,
                     places.after.commune(code: r.commune).map { "\(r.commune) \($0.name)" } ?? String(r.commune), r.actor,
                     ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(r.madeAt) / 1000))]
                }
                print(TextTable(header: ["old commune", "village", "goes to", "by", "made (UTC)"], rows: rows).render())
            }
        }

        struct Remove: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Remove a village rule (the files it placed stay where they are).")
            @OptionGroup var options: Persons.TenantOptions
            @Option(help: "The old commune (2024 code).") var old: Int32
            @Option(help: "The village, as the rule names it (compared without diacritics or case).") var village: String
            func run() throws {
                let program = try options.open()
                let removed: VillageRule?
                do { removed = try program.removeVillageRule(oldCommune: old, village: village) } catch let HosoError.accessDenied(_, _, reason) {
                    fail("removing the village rule refused: \(reason)")
                }
                guard let removed else {
                    fail("tenant '\(options.tenant)' has no rule for village '\(village)' of old commune \(old) (hoso places rules lists them)")
                }
                print("Removed the rule: village '\(removed.village)' of old commune \(old) → \(removed.commune). "
                      + "The files it placed stay there; later imports place the village's files by default again.")
            }
        }
    }
}
