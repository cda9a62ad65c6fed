import ArgumentParser
import Foundation
import HosoDomain

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Recompute every index, count and dated count of a tenant from its records and compare.",
        discussion: """
        Rebuilds the indexes from the records in a scratch folder beside the tenant, from one \
        snapshot (writers go on meanwhile), and compares entry by entry. Prints the differences \
        by index and key.

        Exit codes: 0 consistent, 1 an error, 3 differences found.

        Example: hoso verify --tenant demo
        """)
    @OptionGroup var storeOptions: StoreOptions
    @Option(help: "Tenant to verify.") var tenant: String

    func run() throws {
        let program = try ProgramTenant.open(in: try storeOptions.open(), name: tenant)
        let terminal = isatty(STDERR_FILENO) != 0
        let report = try program.verify { step in if terminal { FileHandle.standardError.write(Data("  \(step)…\n".utf8)) } }
        print("\(tenant): \(report)")
        if !report.isConsistent { Foundation.exit(3) }
    }
}

struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy a tenant, online and consistent, into a backup directory, and verify the copy.",
        discussion: """
        Readers and writers keep working: the copy is one snapshot, compacted. The backup \
        directory then holds a store with that one tenant (DIR/tenants/NAME); hoso restore puts \
        it back, and hoso shell --store DIR opens it as it is.

        Exit codes: 0 copied and verified, 1 an error, 3 the copy does not verify.

        Example: hoso backup --tenant demo --to /backups/demo-2026-12-01
        """)
    @OptionGroup var storeOptions: StoreOptions
    @Option(help: "Tenant to back up.") var tenant: String
    @Option(help: "Backup directory (new, or without this tenant).") var to: String

    func run() throws {
        let store = try storeOptions.open()
        let started = Date()
        let report = try ProgramTenant.backup(tenant, in: store, to: to)
        let bytes = (try? FileManager.default.attributesOfItem(atPath: to + "/tenants/\(tenant)/data.mdb")[.size] as? Int) ?? 0
        print("Backed up '\(tenant)' to \(to) (\(bytes) bytes) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s; verified: \(report.map(\.description) ?? "-")")
        if let report, !report.isConsistent { Foundation.exit(3) }
    }
}

struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Put a tenant back from a backup directory, after verifying the backup.",
        discussion: """
        The backup is copied beside the tenants and verified first; one that does not verify is \
        not restored. An existing tenant is replaced only with --replace: writers in every process \
        are held back during the swap, and processes that had it open must open it again.

        Example: hoso restore --from /backups/demo-2026-12-01 --tenant demo --as demo-copy
        """)
    @OptionGroup var storeOptions: StoreOptions
    @Option(help: "Backup directory written by hoso backup.") var from: String
    @Option(help: "Tenant in the backup.") var tenant: String
    @Option(name: .customLong("as"), help: "Restore under this name (default: the tenant's own).") var newName: String?
    @Flag(help: "Replace an existing tenant of that name (its current data is discarded).") var replace = false

    func run() throws {
        let store = try storeOptions.open()
        let report = try ProgramTenant.restore(tenant, in: store, from: from, as: newName, replace: replace)
        print("Restored '\(tenant)' from \(from) as '\(newName ?? tenant)'; verified: \(report)")
    }
}
