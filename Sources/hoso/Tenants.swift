import ArgumentParser
import Foundation
import HosoDomain

struct Tenants: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, create, describe and drop tenants.",
        subcommands: [List.self, Create.self, Describe.self, Compact.self, Drop.self], defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the store's tenants.")
        @OptionGroup var storeOptions: StoreOptions
        func run() throws {
            let store = try storeOptions.open()
            let tenants = try ProgramTenant.list(in: store)
            if tenants.isEmpty { print("No tenants in \(store.directory). Create one with: hoso tenants create NAME --province CODE"); return }
            print(TextTable(header: ["name", "display name", "province", "created by", "state"],
                            rows: tenants.map { [$0.info.name, $0.info.displayName, $0.province.map(String.init) ?? "", $0.info.createdBy,
                                                 $0.info.unfinished.map { "UNFINISHED: \($0)" } ?? "complete"] }).render())
            for t in tenants.map(\.info) where t.unfinished != nil {
                print("Tenant '\(t.name)' is unfinished (\(t.unfinished!)): what it was being built with did not complete; rebuild it (hoso demo rebuilds the demo) or drop it.")
            }
        }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a province tenant with the communes of the 2025 gazetteer.")
        @OptionGroup var storeOptions: StoreOptions
        @Argument(help: "Tenant name: lowercase letters, digits, '-' and '_'.") var name: String
        @Option(help: "Province code of the 2025 gazetteer (e.g. 20 = Lạng Sơn).") var province: Int32
        @Option(help: "Reporting year start as DD/MM (e.g. 10/12).") var yearStart: String = "1/1"
        @Option(help: "Reporting month start day (e.g. 15 for the 15th → 14th police month).") var monthStart: Int = 1

        func run() throws {
            let parts = yearStart.split(separator: "/").compactMap { Int($0) }
            guard parts.count == 2 else { throw ValidationError("--year-start must look like 10/12 (day/month), not '\(yearStart)'") }
            let calendar = try ReportingCalendar(yearStartMonth: parts[1], yearStartDay: parts[0], monthStartDay: monthStart)
            let store = try storeOptions.open()
            let program = try ProgramTenant.create(in: store, name: name, provinceCode: province, calendar: calendar)
            print("Created tenant '\(name)' (\(program.name)) with \(program.settings.communes.count) communes, by \(store.principal.name).")
        }
    }

    struct Describe: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a tenant's metadata, sizes and record counts.")
        @OptionGroup var storeOptions: StoreOptions
        @Argument(help: "Tenant name.") var name: String
        func run() throws {
            let program = try ProgramTenant.open(in: try storeOptions.open(), name: name)
            let d = try program.describe()
            let c = program.calendar
            print("""
            tenant        \(d.info.name) — \(d.info.displayName)
            province      \(program.province.map(String.init) ?? "-"), \(program.settings.communes.count) communes
            calendar      year starts \(c.yearStartDay)/\(c.yearStartMonth), month starts on day \(c.monthStartDay)
            rules         \(program.settings.rules.sets.map { "from \($0.effectiveFrom): illegal use \($0.illegalUseMonths) mo, post-rehab \($0.postRehabVoluntaryMonths)/\($0.postRehabCompulsoryAdultMonths) mo" }.joined(separator: "; "))
            populations   \(program.settings.populations.keys.sorted().map(String.init).joined(separator: ", "))
            format        \(d.info.formatVersion), created by \(d.info.createdBy)
            state         \(try program.unfinishedReason().map { "UNFINISHED: \($0) did not complete; rebuild or drop the tenant" } ?? "complete")
            records       \(d.recordCounts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            change log    \(d.lastChange) facts
            current day   \(d.today)
            file          \(d.fileBytes) bytes, \(d.usedBytes) in use, map \(d.mapSize)
            """)
            print(TextTable(header: ["database", "entries", "bytes"], rows: d.databases.map { [$0.name, String($0.entries), String($0.bytes)] }).render())
        }
    }

    struct Compact: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rewrite a tenant's file without free pages and with full pages (after a bulk load or mass deletes).")
        @OptionGroup var storeOptions: StoreOptions
        @Argument(help: "Tenant name.") var name: String
        func run() throws {
            let (before, after) = try storeOptions.open().compactTenant(name)
            print("Compacted '\(name)': \(before) → \(after) bytes. Writers were held back meanwhile; a process that had it open must open it again to write.")
        }
    }

    struct Drop: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a tenant and all its data.")
        @OptionGroup var storeOptions: StoreOptions
        @Argument(help: "Tenant name.") var name: String
        @Flag(help: "Do not ask for confirmation.") var yes = false
        func run() throws {
            if !yes {
                guard isatty(STDIN_FILENO) != 0 else { throw ValidationError("dropping a tenant needs --yes when not run from a terminal") }
                print("Drop tenant '\(name)' and all its data? Type the tenant's name to confirm: ", terminator: "")
                guard readLine() == name else { print("Not dropped."); return }
            }
            try storeOptions.open().dropTenant(name)
            print("Dropped tenant '\(name)'.")
        }
    }
}
