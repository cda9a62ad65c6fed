import ArgumentParser
import Foundation
import HosoDomain

struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read the processing log: who read whose personal fields, when, with what statement or export.",
        discussion: """
        Every statement of the shell or of hoso query that returned or used personal fields (names, \\
        national IDs, birth dates, villages, occupation, notes), and every export, is logged in the \\
        tenant before its rows are shown, with the user it ran as. Counts are not personal reads.

        Exit codes: 0 printed (possibly nothing); 1 the tenant or an option is wrong.

        Examples:
          hoso audit --tenant lang-son --since 2026-01-01
          hoso audit --tenant lang-son --user lan
          hoso audit --tenant lang-son --person 1234
        """)

    @OptionGroup var storeOptions: StoreOptions
    @Option(help: "Tenant.") var tenant: String = "demo"
    @Option(help: "From this day (YYYY-MM-DD or DD/MM/YYYY, Vietnam time).") var since: String?
    @Option(help: "Only reads by this user.") var user: String?
    @Option(help: "Only reads that included this person id.") var person: RecordID?

    func run() throws {
        let day = try since.map { s -> Day in do { return try Day.parse(s) } catch { throw ValidationError("--since: \(error)") } }
        let program = try ProgramTenant.open(in: try storeOptions.open(), name: tenant)
        let entries = try program.processingLog(since: day, user: user, personID: person)
        if entries.isEmpty { print("No personal reads logged" + (day.map { " since \($0)" } ?? "") + "."); return }
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(secondsFromGMT: 7 * 3600)
        let rows = entries.map { e -> [String] in
            let shown = e.personIDs.prefix(8).map(String.init).joined(separator: ", ")
            let persons = e.personCount <= 8 ? shown : "\(e.personCount) persons (\(shown), …)"
            return [String(e.sequence), formatter.string(from: Date(timeIntervalSince1970: Double(e.timestamp) / 1000)), e.user, persons,
                    e.what.count > 90 ? String(e.what.prefix(89)) + "…" : e.what]
        }
        print(TextTable(header: ["seq", "when (UTC+7)", "user", "persons", "what"], rows: rows).render())
    }
}
