import ArgumentParser
import Foundation
import HosoDomain

/// `hoso program`: the program as data — indicators, classification, targets, and loading a
/// tenant's own rule, target, population and input files.
struct ProgramCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "program",
        abstract: "Indicators, commune classification and target progress; load rule, target, population and input files.",
        discussion: """
        Examples (on the demo tenant):
          hoso program indicators                              list the tenant's indicators
          hoso program indicators --period 2025 --name new_addicts --name hotspots_existing
          hoso program classify --year 2025 --rule-set qd28-2025 [--criteria]
          hoso program targets                                  progress of the tenant's targets
          hoso program load --rule-sets my-rules.hoso --populations pop.csv --inputs inputs.hoso
          hoso program export rulesets > rules.hoso             the file form (edit and load it back)
        Periods are in the tenant's reporting calendar: 2025, 2025-H1, 2025-Q3, 2025-06, or FROM..THROUGH.
        Every command prints the time it took.
        """,
        subcommands: [Indicators.self, Classify.self, Targets.self, Load.self, ExportFile.self])

    struct TenantOptions: ParsableArguments {
        @OptionGroup var storeOptions: StoreOptions
        @Option(help: "Tenant name.") var tenant: String = "demo"
        func open() throws -> ProgramTenant { try ProgramTenant.open(in: try storeOptions.open(), name: tenant) }
    }

    static func period(_ text: String, _ program: ProgramTenant) throws -> DayRange {
        if let r = text.range(of: "..") {
            do {
                return DayRange(from: try Day.parse(String(text[..<r.lowerBound])), through: try Day.parse(String(text[r.upperBound...])))
            } catch { throw ValidationError("--period: '\(text)': \(error)") }
        }
        do { return try Period.parse(text).range(in: program.calendar) } catch { throw ValidationError("--period: '\(text)': \(error)") }
    }

    static func timed<T>(_ what: String, _ body: () throws -> T) rethrows -> T {
        let start = Date()
        let out = try body()
        print(String(format: "(%@ in %.1f ms)", what, Date().timeIntervalSince(start) * 1000))
        return out
    }

    static func show(_ v: Double?, percent: Bool) -> String {
        guard let v else { return "—" }
        if percent { return String(format: "%.2f%%", v * 100) }
        return ProgramText.format((v * 1000).rounded() / 1000)
    }

    struct Indicators: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the tenant's indicators, or evaluate them per commune for a period.",
            discussion: "Without --period it lists the definitions. With it, one row per commune and the province (--commune CODE for one).")
        @OptionGroup var options: TenantOptions
        @Option(help: "Period to evaluate (2025, 2025-H1, 2025-06, 2024-12-10..2025-12-09).") var period: String?
        @Option(help: "Day persons are counted on (default: the period's last day).") var on: String?
        @Option(help: "Indicator to evaluate (repeatable; default all).") var name: [String] = []
        @Option(help: "Only this commune (official code).") var commune: Int32?

        func run() throws {
            let program = try options.open()
            let set = try program.indicators()
            guard let period else {
                print(TextTable(header: ["name", "source", "label"], rows: set.definitions.map { [$0.name, $0.source.rawValue, $0.label] }).render())
                return
            }
            let range = try ProgramCommand.period(period, program)
            let day = try on.map { s -> Day in do { return try Day.parse(s) } catch { throw ValidationError("--on: \(error)") } }
            let names = name.isEmpty ? set.definitions.map(\.name) : name
            for n in names where set[n] == nil { throw ValidationError("--name: '\(n)' is not an indicator; `hoso program indicators` lists them") }
            var areas: [(String, Area)] = []
            if let commune {
                guard let e = program.commune(code: commune) else { throw ValidationError("--commune: \(commune) is not a commune of tenant '\(program.name)'") }
                areas = [(e.name, .commune(e.ref))]
            } else {
                areas = program.settings.communes.map { ($0.name, .commune($0.ref)) }
                if let p = program.province { areas.append(("(province)", .province(p))) }
            }
            let rows: [[String]] = try ProgramCommand.timed("\(names.count * areas.count) values") {
                try program.read { q in
                    var rows: [[String]] = []
                    let inputs = try q.inputs()
                    for n in names {
                        for (label, a) in areas {
                            let v = try q.evaluate(n, in: set, area: a, period: range, on: day, inputs: inputs)
                            let percent = set[n]!.per != nil
                            rows.append([n, label, ProgramCommand.show(v.numerator, percent: false),
                                         v.denominator.map { ProgramCommand.show($0, percent: false) } ?? "",
                                         ProgramCommand.show(v.value, percent: percent)])
                        }
                    }
                    return rows
                }
            }
            print("Indicators for \(range) (tenant \(program.name)):")
            print(TextTable(header: ["indicator", "area", "numerator", "denominator", "value"], rows: rows).render())
        }
    }

    struct Classify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Classify every commune for a year (or period) under a rule set, with each criterion's value and verdict.",
            discussion: "Rule sets: hung-yen-2024 and qd28-2025 are bundled; `hoso program export rulesets` shows them with their settings.")
        @OptionGroup var options: TenantOptions
        @Option(help: "Reporting year of the tenant's calendar.") var year: Int?
        @Option(help: "Or a period (2025-H1, FROM..THROUGH).") var period: String?
        @Option(help: "Rule set name.") var ruleSet: String = "qd28-2025"
        @Flag(help: "Print every criterion of every commune (value, test, verdict, readings).") var criteria = false
        @Option(help: "Only this commune (official code).") var commune: Int32?

        func run() throws {
            let program = try options.open()
            guard year != nil || period != nil else { throw ValidationError("give --year YYYY or --period P") }
            let range = try period.map { try ProgramCommand.period($0, program) } ?? program.calendar.year(year!)
            let result = try ProgramCommand.timed("classified \(program.settings.communes.count) communes") {
                try program.classify(period: range, ruleSet: ruleSet)
            }.filter { commune == nil || $0.commune.ref.commune == commune }
            var tally: [String: Int] = [:]
            for c in result { tally[c.classCode, default: 0] += 1 }
            print("Classification of \(range) under \(ruleSet): " + tally.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            print(TextTable(header: ["code", "commune", "class", "why"],
                            rows: result.map { [String($0.commune.ref.commune), $0.commune.name, $0.classCode, $0.reason] }).render())
            if criteria {
                let set = try program.indicators()
                var rows: [[String]] = []
                for c in result {
                    for v in c.criteria {
                        rows.append([c.commune.name, v.criterion, v.values.map { "\($0.operand)=\(ProgramCommand.show($0.value, percent: set[$0.operand]?.per != nil))" }.joined(separator: " "),
                                     v.test, v.met ? "met" : "not met", v.readings.joined(separator: "; ")])
                    }
                }
                print(TextTable(header: ["commune", "criterion", "value", "test", "verdict", "readings"], rows: rows).render())
            }
        }
    }

    struct Targets: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Progress of the tenant's targets: value, target, met, and the communes holding each back.")
        @OptionGroup var options: TenantOptions
        @Option(help: "Target name (repeatable; default all that apply to the tenant).") var name: [String] = []
        @Option(help: "How many holding-back communes to print per target.") var limit: Int = 20

        func run() throws {
            let program = try options.open()
            let progress = try ProgramCommand.timed("target progress") { try program.targetProgress(name.isEmpty ? nil : name) }
            for p in progress {
                let percent = p.target.written.hasSuffix("%")
                print("\n\(p.target.name): \(p.target.label)")
                print("  period \(p.period): value \(ProgramCommand.show(p.value, percent: percent)), target \(p.target.op.rawValue) \(p.target.written): \(p.met ? "MET" : "not met") (\(p.detail))")
                if !p.holdingBack.isEmpty {
                    print("  held back by \(p.holdingBack.count) commune(s):")
                    for h in p.holdingBack.prefix(limit) { print("    \(h.commune.ref.commune) \(h.commune.name): \(h.detail)") }
                }
            }
        }
    }

    struct Load: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load a tenant's own indicator, rule-set, target, population or officer-input files.",
            discussion: """
            Files are checked whole before anything is stored; an error names the file, line and field. Indicator, rule-set \
            and target blocks of the same name as bundled ones replace them for this tenant. Populations: CSV \
            'year,commune_code,population'. Inputs: [input NAME] blocks with commune, year, value, recorded_by, recorded_on.
            """)
        @OptionGroup var options: TenantOptions
        @Option(help: "Indicator file.") var indicators: String?
        @Option(help: "Rule-set file.") var ruleSets: String?
        @Option(help: "Target file.") var targets: String?
        @Option(help: "Population CSV.") var populations: String?
        @Option(help: "Officer input file.") var inputs: String?

        func run() throws {
            var program = try options.open()
            try ProgramCommand.timed("loaded") {
                if let f = indicators { print("indicators: \(try program.loadIndicators(try ProgramText.read(path: f), file: f)) from \(f)") }
                if let f = ruleSets { print("rule sets: \(try program.loadRuleSets(try ProgramText.read(path: f), file: f)) from \(f)") }
                if let f = targets { print("targets: \(try program.loadTargets(try ProgramText.read(path: f), file: f)) from \(f)") }
                if let f = populations {
                    let table = try PopulationFile.parse(try ProgramText.read(path: f), file: f)
                    program = try program.setPopulations(table, file: f)
                    print("populations: \(table.values.map(\.count).reduce(0, +)) from \(f)")
                }
                if let f = inputs { print("inputs: \(try program.loadInputs(try ProgramText.read(path: f), file: f)) from \(f)") }
            }
        }
    }

    struct ExportFile: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Print the tenant's indicators, rulesets, targets, populations or inputs in their file form (load reads it back).")
        @OptionGroup var options: TenantOptions
        @Argument(help: "indicators | rulesets | targets | populations | inputs") var what: String

        func run() throws {
            let program = try options.open()
            switch what {
            case "indicators": print(try program.indicators().write(), terminator: "")
            case "rulesets": print(try program.ruleBook().write(), terminator: "")
            case "targets": print(try program.targetBook().write(), terminator: "")
            case "populations": print(PopulationFile.write(program.settings.populations), terminator: "")
            case "inputs": print(try program.inputs().write(), terminator: "")
            default: throw ValidationError("'\(what)' is not indicators, rulesets, targets, populations or inputs")
            }
        }
    }
}
