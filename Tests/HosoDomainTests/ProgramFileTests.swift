import Foundation
import Testing
@testable import HosoDomain
import HosoStore

/// The program's data files: the bundled ones round-trip (parse → write → parse), a tenant's own
/// files are stored and merged, and a bad file gets an error naming its file, line and field.
@Suite struct ProgramFileTests {
    @Test func bundledFilesRoundTrip() throws {
        let set = try IndicatorSet.bundled()
        #expect(set.definitions.count >= 40)
        let again = try IndicatorSet.parse(set.write(), file: "written")
        #expect(again == set)
        #expect(again.write() == set.write())
        let rules = try RuleBook.bundled(indicators: set)
        #expect(rules.ruleSets.map(\.name) == ["hung-yen-2024", "qd28-2025"])
        let rulesAgain = try RuleBook.parse(rules.write(), file: "written", indicators: set)
        #expect(rulesAgain == rules)
        let targets = try TargetBook.bundled(indicators: set, rules: rules)
        #expect(targets.targets.count == 21)
        #expect(try TargetBook.parse(targets.write(), file: "written", indicators: set, rules: rules) == targets)
        let ls = try #require(targets["lang-son-2025"])
        #expect(ls.communes.count == 16 && Set(ls.communes).count == 16)
        // The 16 communes of Lạng Sơn's plan (footnote [1]) by name, in the 2025 gazetteer.
        let gazetteer = try Gazetteer.official2025()
        let names = Set(ls.communes.compactMap { code in gazetteer.communes(inProvince: 20).first { $0.code == code }?.name })
        #expect(names == Set(SyntheticProvince.langSonTargets2025.map { "Xã " + $0 }))
        for y in 2026...2030 { #expect(targets["lang-son-\(y)"]?.threshold == [17, 20, 26, 29, 33][y - 2026]) }
    }

    @Test func inputsAndPopulationsRoundTrip() throws {
        var inputs = CommuneInputs()
        inputs.append(CommuneInput(name: "offender_group", commune: 6040, year: 2025, value: 1, recordedBy: "cand.thatkhe", recordedOn: Day(year: 2025, month: 11, day: 2)!, note: "nhóm 3 đối tượng"))
        inputs.append(CommuneInput(name: "offender_group", commune: 6040, year: 2025, value: 0, recordedBy: "pc04", recordedOn: Day(year: 2025, month: 11, day: 20)!))
        let again = try CommuneInputs.parse(inputs.write(), file: "inputs")
        #expect(again == inputs)
        #expect(again.current("offender_group", commune: 6040, year: 2025)?.value == 0)
        #expect(again.history.count == 2)
        let table: [Int: [Int32: Int]] = [2024: [6040: 12_345, 6001: 4_321], 2025: [6040: 12_400]]
        #expect(try PopulationFile.parse(PopulationFile.write(table), file: "pop.csv") == table)
    }

    /// Bad files: each error names the file, the line and the field.
    @Test(arguments: [
        ("[indicator a]\nsource = persons_on_day\nstatuses = adict\n", 3, "statuses", "not a status"),
        ("[indicator a]\nsource = persons_on_day\nstatuses = addict\nfilter = occupation = farmer\n", 4, "filter", "full scan"),
        ("[indicator a]\nsource = events\nkind = drug_case\nwhen = open_on_day\n", 4, "when", "resolution date"),
        ("[indicator a]\nsource = events\nkind = tip\nfilter = colour = red\n", 4, "filter", "cannot be filtered"),
        ("[indicator a]\nsource = events\nkind = tip\naggregate = sum\n", 4, "aggregate", "measure"),
        ("[indicator a]\nsource = expression\nexpression = b + c\n", 1, "expression", "not defined"),
        ("[indicator a]\nsource = expression\nexpression = a + 1\n", 1, "expression", "itself"),
        ("[indicator a]\nsource = population\ncolour = red\n", 3, "colour", "not a field"),
        ("[indicator a]\nsource = lifecycle\nkind = drug_case\nmilestone = opened\n", 3, "kind", "lifecycle"),
        ("[indicator a]\nsource = status_changes\nstatuses = addict\ncause = newish\n", 4, "cause", "not a cause"),
        ("[indicator a]\nsource = persons_on_day\nstatuses = addict\nstatuses = addict\n", 4, "statuses", "twice"),
        ("source = persons_on_day\n", 1, "source", "outside a block"),
        ("[indicator a]\nsource persons_on_day\n", 2, nil, "key = value"),
    ] as [(String, Int, String?, String)])
    func badIndicatorFiles(text: String, line: Int, field: String?, reason: String) {
        do {
            _ = try IndicatorSet.parse(text, file: "my-indicators.hoso")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.file == "my-indicators.hoso")
            #expect(error.line == line, "\(error)")
            #expect(error.field == field, "\(error)")
            #expect(error.reason.contains(reason), "\(error)")
            #expect(error.description.hasPrefix("my-indicators.hoso:\(line): "))
        }
    }

    static let ruleHeader = "[ruleset r]\neffective_from = 2025-01-01\nclasses = drug_free\n"

    @Test(arguments: [
        (ruleHeader + "[class drug_free]\ncombine = all\n[criterion drug_free.x]\ntest = hotspots_existng = 0\n", 7, "test", "not an indicator"),
        (ruleHeader + "[class drug_free]\ncombine = all\n[criterion drug_free.x]\ntest = hotspots_existing == 0\n", 7, "test", "not a comparison"),
        (ruleHeader + "[class drug_free]\ncombine = all\n[criterion drug_free.x]\ntest = hotspots_existing = zero\n", 7, "test", "not a number"),
        (ruleHeader + "[class drug_free]\ncombine = most\n", 5, "combine", "at_least N"),
        (ruleHeader + "key_complex_bands = some\n[class drug_free]\ncombine = all\n", 4, "key_complex_bands", "all, any"),
        ("[ruleset r]\neffective_from = 2025-13-01\nclasses = drug_free\n", 2, "effective_from", "not a date"),
        ("[ruleset r]\neffective_from = 2025-01-01\nclasses = drug_free, drugfree\n", 3, "classes", "not a class"),
        (ruleHeader + "[class key_complex]\ncombine = all\n", 4, nil, "not in the rule set"),
        (ruleHeader + "[class drug_free]\ncombine = all\n[criterion drug_free.x]\ntest = cultivation_area = 0\nunder = yes\n", 8, "under", "< or <="),
        ("[ruleset r]\nclasses = drug_free\n", 1, "effective_from", "missing"),
    ] as [(String, Int, String?, String)])
    func badRuleFiles(text: String, line: Int, field: String?, reason: String) throws {
        let set = try IndicatorSet.bundled()
        do {
            _ = try RuleBook.parse(text, file: "rules.hoso", indicators: set)
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.file == "rules.hoso")
            #expect(error.line == line, "\(error)")
            #expect(error.field == field, "\(error)")
            #expect(error.reason.contains(reason), "\(error)")
        }
    }

    @Test(arguments: [
        ("[target t]\nkind = communes_in_class\nrule_set = nope\nclass = drug_free\nyear = 2025\ntarget = 16\n", 3, "rule_set", "not a rule set"),
        ("[target t]\nkind = communes_in_class\nrule_set = qd28-2025\nclass = clean\nyear = 2025\ntarget = 16\n", 4, "class", "not a class"),
        ("[target t]\nkind = indicator\nindicator = new_addicts\ntarget = 1\n", 1, "year", "from"),
        ("[target t]\nkind = indicator\nindicator = new_addicts\nyear = 2025\ntarget = many\n", 5, "target", "not a number"),
        ("[target t]\nkind = indicator\nindicator = new_addicts\nyear = 2025\ntarget = 1\nop = ~\n", 6, "op", "not one of"),
    ] as [(String, Int, String?, String)])
    func badTargetFiles(text: String, line: Int, field: String?, reason: String) throws {
        let set = try IndicatorSet.bundled()
        let rules = try RuleBook.bundled(indicators: set)
        do {
            _ = try TargetBook.parse(text, file: "targets.hoso", indicators: set, rules: rules)
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.line == line, "\(error)")
            #expect(error.field == field, "\(error)")
            #expect(error.reason.contains(reason), "\(error)")
        }
    }

    @Test func badPopulationAndInputFiles() {
        #expect(throws: ProgramFileError(file: "pop.csv", line: 3, field: "population", reason: "'12k' is not a whole number ≥ 0")) {
            try PopulationFile.parse("year,commune_code,population\n2025,6040,12000\n2025,6001,12k\n", file: "pop.csv")
        }
        do {
            _ = try CommuneInputs.parse("[input offender_group]\ncommune = 6040\nyear = 2025\nvalue = yes\n", file: "in.hoso")
            Issue.record("accepted")
        } catch { #expect(error.line == 4 && error.field == "value", "\(error)") }
    }

    /// A tenant's own files are stored, merged with the bundled ones, survive a reopen; officer
    /// inputs and populations change the classification as they should (a crafted commune).
    @Test func tenantFilesInputsAndPopulations() throws {
        let path = NSTemporaryDirectory() + "hoso-programfiles-\(UUID().uuidString)"
        let store = try Store(directory: path, options: .init(today: { Day(year: 2026, month: 1, day: 15)! }))
        var program = try ProgramTenant.create(in: store, name: "t", provinceCode: 20)
        let commune = program.settings.communes.first { $0.ref.commune == 6040 }!
        let year = Period.year(2025).range()
        let day = Day(year: 2025, month: 3, day: 1)!
        // Crafted: 60 users with files, 2 organising-use cases (arts 255/256), 12 arrested; 10,000 residents.
        for i in 1...60 {
            try program.addPerson(Person(id: RecordID(i), fullName: "Người \(i)", commune: commune.ref, fileOpened: day),
                                  events: [PersonEvent(date: day, kind: .managementDecision)])
        }
        for (i, art) in [255, 256].enumerated() {
            var e = CaseEvent(id: RecordID(i + 1), kind: .drugCase, commune: commune.ref, date: day.adding(days: i))
            e.offenceArticle = art; e.stage = .detected; e.arrested = 6
            try program.addEvent(e)
        }
        // Without a population the ratios are unknown: the persons and offenders criteria are not met.
        var c = try program.classify(period: year, ruleSet: "qd28-2025").first { $0.commune.ref.commune == 6040 }!
        #expect(c.classCode == "has_drug_problems")
        #expect(c.criteria.first { $0.criterion == "key_complex_1.persons" }?.readings.contains { $0.hasPrefix("population 2025 not set") } == true)
        program = try program.setPopulations(try PopulationFile.parse("year,commune_code,population\n2025,6040,10000\n", file: "pop.csv"))
        c = try program.classify(period: year, ruleSet: "qd28-2025").first { $0.commune.ref.commune == 6040 }!
        // 0.6% users, 2 places, 0.12% arrested: 3 criteria of type I.
        #expect(c.classCode == "key_complex_1", "\(c.reason)")
        #expect(c.criteria.first { $0.criterion == "key_complex_1.persons" }?.value == 0.006)
        #expect(c.criteria.first { $0.criterion == "key_complex_1.route" }?.readings == ["trafficking_route not recorded for 2025: taken as 0"])
        // A tenant's own rule set: type I needs 4; the route recorded by an officer makes the 4th.
        var own = try program.ruleBook()["qd28-2025"]!
        own.name = "strict"
        own.classes[0].combine = .atLeast(4)
        try program.loadRuleSets(RuleBook([own]).write(), file: "strict.hoso")
        #expect(try program.classify(period: year, ruleSet: "strict").first { $0.commune.ref.commune == 6040 }!.classCode == "key_complex_2")
        try program.recordInput(CommuneInput(name: "trafficking_route", commune: 6040, year: 2025, value: 1, recordedBy: "pc04.lan", recordedOn: day))
        let reopened = try ProgramTenant.open(in: store, name: "t")
        c = try reopened.classify(period: year, ruleSet: "strict").first { $0.commune.ref.commune == 6040 }!
        #expect(c.classCode == "key_complex_1")
        #expect(c.criteria.first { $0.criterion == "key_complex_1.route" }?.readings == ["trafficking_route recorded by pc04.lan on 2025-03-01"])
        #expect(reopened.settings.populations[2025]?[6040] == 10_000)
        #expect(try reopened.ruleBook().ruleSets.map(\.name) == ["hung-yen-2024", "qd28-2025", "strict"])
        // Bad input is refused whole, naming the file.
        #expect(throws: ProgramFileError.self) { try reopened.loadRuleSets("[ruleset x]\n", file: "x.hoso") }
        #expect(try reopened.ruleBook().ruleSets.count == 3)
        // Under Hưng Yên's rules: offenders 0.12% and no cultivation are in their bands, but no addict nor hotspot is: not all bands.
        c = try reopened.classify(period: year, ruleSet: "hung-yen-2024").first { $0.commune.ref.commune == 6040 }!
        #expect(c.classCode == "has_drug_problems")
        #expect(c.criteria.filter { $0.classCode == "key_complex" && $0.met }.map(\.criterion).sorted() == ["key_complex.cultivation", "key_complex.offenders"])
    }
}
