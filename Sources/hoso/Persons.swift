import ArgumentParser
import Foundation
import HosoDomain

/// `hoso persons`: one person, one file — duplicates, merges and their undo, aliases.
struct Persons: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "One person, one file: find duplicate files, merge two into one, undo a merge, list aliases.",
        discussion: """
        A second file with a national ID another file holds is rejected by an import, or kept \
        (hoso import ... --duplicates keep) with the ID waiting for a merge. `duplicates` lists \
        those pairs, and proposals for files without a national ID that match another by name, \
        birth date and commune (proposals are never merged automatically: check them).

        `merge A B` moves file B's events, drugs and case events into file A, re-derives A's \
        history, deletes B and keeps B's id as an alias of A (`show B` finds A). The change log \
        records every write under the acting user (hoso users whoami). `unmerge B` restores both files exactly as they were.

        Examples:
          hoso persons duplicates --tenant lang-son
          hoso persons merge 120 4711 --tenant lang-son
          hoso persons show 4711 --tenant lang-son
          hoso persons unmerge 4711 --tenant lang-son
          hoso persons aliases --tenant lang-son
        """,
        subcommands: [Duplicates.self, Merge.self, Unmerge.self, Aliases.self, Show.self])

    struct TenantOptions: ParsableArguments {
        @OptionGroup var storeOptions: StoreOptions
        @Option(help: "Tenant name.") var tenant: String = "demo"
        func open() throws -> ProgramTenant { try ProgramTenant.open(in: try storeOptions.open(), name: tenant) }
    }

    struct Duplicates: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Files that may be one person: the same national ID, and proposals by name, birth date and commune.")
        @OptionGroup var options: TenantOptions

        func run() throws {
            let program = try options.open()
            let pairs = try program.duplicates()
            if pairs.isEmpty { print("No duplicate files in tenant '\(program.name)'."); return }
            var rows: [[String]] = []
            try program.read { q in
                for p in pairs {
                    let a = try q.person(id: p.kept), b = try q.person(id: p.other)
                    rows.append([String(p.kept), String(p.other), p.isProposal ? "proposal" : "same national ID", p.reason,
                                 a?.fullName ?? "", b?.fullName ?? "", a?.birthDate?.description ?? ""])
                }
            }
            try program.logPersonalRead("hoso persons duplicates", personIDs: pairs.flatMap { [$0.kept, $0.other] })
            print(TextTable(header: ["keep", "merge", "kind", "why", "name (keep)", "name (merge)", "birth date"], rows: rows).render())
            let sure = pairs.filter { !$0.isProposal }.count
            print("\(sure) pair(s) with the same national ID, \(pairs.count - sure) proposal(s) to check. "
                  + "Merge a pair with: hoso persons merge KEEP MERGE --tenant \(program.name)")
        }
    }

    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Merge file B into file A: one file with both histories; B's id stays as an alias of A.",
            discussion: "Without --yes it prints what it would do and asks. Undo with: hoso persons unmerge B.")
        @OptionGroup var options: TenantOptions
        @Argument(help: "The file to keep (its id stays).") var kept: UInt64
        @Argument(help: "The file to merge into it (its id becomes an alias).") var absorbed: UInt64
        @Flag(help: "Do not ask.") var yes = false

        func run() throws {
            let program = try options.open()
            let plan: MergePlan
            do { plan = try program.planMerge(keeping: kept, absorbing: absorbed) } catch let error as ProgramError { fail("\(error)") }
            try program.logPersonalRead("hoso persons merge \(kept) \(absorbed) (plan shown)", personIDs: [kept, absorbed])
            print("Merge person \(absorbed) (\(plan.absorbed.fullName), \(plan.absorbed.events.count) events) into person \(kept) "
                  + "(\(plan.kept.fullName), \(plan.kept.events.count) events):")
            print("  person \(kept) will have \(plan.merged.events.count) events; status today \(plan.merged.status(on: try program.today()).code)")
            if !plan.events.isEmpty { print("  \(plan.events.count) case event(s) will name person \(kept): \(plan.events.map(String.init).joined(separator: ", "))") }
            for n in plan.notes { print("  " + n) }
            print("  person \(absorbed) will be deleted; its id will resolve to person \(kept) (undo: hoso persons unmerge \(absorbed))")
            if !yes {
                print("Merge? [y/N] ", terminator: "")
                fflush(nil)
                guard let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased(), answer == "y" || answer == "yes" else {
                    fail("not merged (answer y to merge, or give --yes)")
                }
            }
            do { try program.merge(keeping: kept, absorbing: absorbed, as: program.tenant.principal) } catch let error as ProgramError { fail("\(error)") }
            print("Merged person \(absorbed) into person \(kept) (by \(program.tenant.principal.name)).")
        }
    }

    struct Unmerge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Undo the merge of file B: both files exactly as before, B's alias removed.")
        @OptionGroup var options: TenantOptions
        @Argument(help: "The id of the merged file (an alias).") var absorbed: UInt64

        func run() throws {
            let program = try options.open()
            let target = try program.read { try $0.alias(id: absorbed) }?.person
            do { try program.unmerge(absorbed, as: program.tenant.principal) } catch let error as ProgramError { fail("\(error)") }
            print("Undid the merge of person \(absorbed) into person \(target.map(String.init) ?? "?"): both files are as they were (by \(program.tenant.principal.name)).")
        }
    }

    struct Aliases: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The ids of merged files and the files they resolve to.")
        @OptionGroup var options: TenantOptions

        func run() throws {
            let program = try options.open()
            let aliases = try program.aliases()
            if aliases.isEmpty { print("No merged files in tenant '\(program.name)'."); return }
            let format = ISO8601DateFormatter()
            print(TextTable(header: ["alias", "person", "merged at (UTC)", "by", "notes"], rows: aliases.map {
                [String($0.id), String($0.person), format.string(from: Date(timeIntervalSince1970: Double($0.mergedAt) / 1000)), $0.actor,
                 $0.notes.joined(separator: "; ")]
            }).render())
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a file by id, following the alias of a merged file.")
        @OptionGroup var options: TenantOptions
        @Argument(help: "Person id (or the id of a merged file).") var id: UInt64

        func run() throws {
            let program = try options.open()
            guard let p = try program.resolvedPerson(id: id) else { fail("there is no person \(id) in tenant '\(program.name)'") }
            try program.logPersonalRead("hoso persons show \(id)", personIDs: [p.id])
            if p.id != id { print("person \(id) was merged into person \(p.id)") }
            print("person \(p.id): \(p.fullName), born \(p.birthDate?.description ?? "?"), national ID \(p.nationalID ?? p.pendingNationalID.map { "\($0) (waiting for a merge)" } ?? "-"), "
                  + "commune \(p.commune.commune), \(p.events.count) events, status today \(p.status(on: try program.today()).code)")
            for e in p.events { print("  #\(e.sequence) \(e.date) \(e.kind.code)" + (e.outcome.map { " \($0.code)" } ?? "")) }
        }
    }
}
