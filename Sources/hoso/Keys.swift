import ArgumentParser
import Foundation
import HosoDomain

struct Keys: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sealing keys: personal fields encrypted at rest, per commune.",
        discussion: """
        A sealed tenant keeps every file's full name, national IDs, birth date, villages, \\
        occupation and notes AES-GCM encrypted under its commune's key; counts, indexes and \\
        an analyst's reads need no key, so a stolen copy of data.mdb or of a backup shows no name. \\
        Each commune's key is wrapped for the admins, the officers of that commune and the \\
        recovery key. Your private key is a file outside the store (--key, $HOSO_KEY, or \\
        ~/.hoso/key, mode 0600); every hoso command opens what it may with it.

        Set up: every user runs hoso keys init once; an admin runs hoso keys seal --tenant T \\
        --recovery-key FILE once, and keeps FILE offline (a USB key in a safe); after adding, \\
        granting or removing users an admin runs hoso keys sync --tenant T.

        Lost key: the user runs hoso keys init --replace (a new key pair) and an admin runs \\
        hoso keys sync. Every admin's key lost: an admin runs hoso keys init --replace, then \\
        hoso keys recover --tenant T --recovery-key FILE. A key file copied or an officer \\
        revoked: hoso keys rotate --tenant T (new keys, every record sealed again, the file scrubbed).

        A command line is visible to other users (ps, /proc): give personal values in queries \\
        on stdin or from a file (hoso query --tenant T < query.sql), not as arguments.

        Examples:
          hoso keys init
          hoso keys seal --tenant lang-son --recovery-key /media/usb/lang-son.recovery
          hoso keys sync --tenant lang-son
          hoso keys rotate --tenant lang-son --commune 6184
          hoso keys status --tenant lang-son
        """,
        subcommands: [Init.self, Seal.self, Sync.self, Rotate.self, Recover.self, Status.self], defaultSubcommand: Status.self)

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make your key pair: the private key file, the public key with your user.")
        @OptionGroup var storeOptions: StoreOptions
        @Flag(help: "Replace a lost or copied key: the old file is moved to FILE.old (FILE.old.2, … when taken; never over another file); an admin then runs hoso keys sync.") var replace = false
        func run() throws {
            let path = storeOptions.keyFile
            var options = storeOptions
            options.key = nil
            let store = try options.open()
            if replace, FileManager.default.fileExists(atPath: path) {
                let moved = Self.moveAside(path)
                print("moved your previous key to \(moved)")
            }
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            let identity = SealingIdentity.generate()
            do { try identity.save(to: path) } catch { fail("\(error) (hoso keys init --replace makes a new key)") }
            try store.setPublicKey(identity.publicKey, of: store.principal)
            print("wrote your key to \(path) (0600; keep a copy offline) and gave \(store.principal.name) its public key")
            print("an admin now runs hoso keys sync --tenant T for each sealed tenant")
        }

        /// Moves the key file at `path` to the first free name of FILE.old, FILE.old.2, …: a
        /// hard link made only where nothing is (so no older key is ever overwritten), then the
        /// old name removed. Returns the new name.
        static func moveAside(_ path: String) -> String {
            for n in 1...1_000 {
                let candidate = n == 1 ? path + ".old" : path + ".old.\(n)"
                if link(path, candidate) == 0 {
                    guard unlink(path) == 0 else { fail("cannot remove \(path) after keeping it as \(candidate): \(String(cString: strerror(errno)))") }
                    return candidate
                }
                guard errno == EEXIST else { fail("cannot keep \(path) as \(candidate): \(String(cString: strerror(errno)))") }
            }
            fail("cannot move \(path) away: \(path).old to \(path).old.1000 are all taken; move older keys offline")
        }
    }

    struct Seal: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Seal a tenant's personal fields (once), making its recovery key.")
        @OptionGroup var storeOptions: StoreOptions
        @Option(help: "The tenant.") var tenant: String
        @Option(help: "Where to write the recovery key (a new file; keep it offline).") var recoveryKey: String
        func run() throws {
            let store = try storeOptions.open()
            let recovery = SealingIdentity.generate()
            do { try recovery.save(to: recoveryKey) } catch { fail("\(error)") }
            let program = try ProgramTenant.open(in: store, name: tenant)
            let done: KeyChange
            do { done = try program.seal(recoveryPublicKey: recovery.publicKey) } catch { unlink(recoveryKey); throw error }
            let (before, after) = try store.scrubTenant(tenant)
            let holders = try store.users().filter { $0.publicKey != nil }.map(\.name)
            print("sealed \(tenant): \(done.recordsSealed) records and \(done.logCopiesSealed) change-log copies; file scrubbed (\(before) → \(after) bytes)")
            print("keys wrapped for: \(holders.isEmpty ? "no user yet (hoso keys init, then hoso keys sync)" : holders.joined(separator: ", ")), and the recovery key \(recoveryKey)")
            print("move \(recoveryKey) offline now; backups taken before this still hold the names in clear: replace them")
        }
    }

    struct Sync: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Wrap the keys for the users entitled now; remove the others' wraps.")
        @OptionGroup var storeOptions: StoreOptions
        @Option(help: "The tenant.") var tenant: String
        func run() throws {
            let program = try ProgramTenant.open(in: try storeOptions.open(), name: tenant)
            print("\(tenant): \(try program.syncKeys())")
        }
    }

    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "New keys (all, or some communes'), every record sealed again, the file scrubbed.")
        @OptionGroup var storeOptions: StoreOptions
        @Option(help: "The tenant.") var tenant: String
        @Option(help: "A commune whose key to rotate (2025 code); repeat for more; all when none.") var commune: [Int32] = []
        func run() throws {
            let store = try storeOptions.open()
            let program = try ProgramTenant.open(in: store, name: tenant)
            let done = try program.rotateKeys(communes: commune.isEmpty ? nil : commune)
            let (before, after) = try store.scrubTenant(tenant)
            print("\(tenant): \(done); file scrubbed (\(before) → \(after) bytes)")
        }
    }

    struct Recover: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Re-wrap every key for the users entitled, with the recovery key (all admin keys lost).")
        @OptionGroup var storeOptions: StoreOptions
        @Option(help: "The tenant.") var tenant: String
        @Option(help: "The recovery key file made by hoso keys seal.") var recoveryKey: String
        func run() throws {
            let recovery: SealingIdentity
            do { recovery = try SealingIdentity(contentsOf: recoveryKey) } catch { fail("\(error)") }
            let program = try ProgramTenant.open(in: try storeOptions.open(), name: tenant)
            print("\(tenant): \(try program.recovering(with: recovery).syncKeys())")
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Whether a tenant is sealed, each commune's key and who holds it.")
        @OptionGroup var storeOptions: StoreOptions
        @Option(help: "The tenant.") var tenant: String
        func run() throws {
            let status = try ProgramTenant.open(in: try storeOptions.open(), name: tenant).sealingStatus()
            guard status.isSealed else { print("\(tenant) is not sealed: hoso keys seal --tenant \(tenant) --recovery-key FILE"); return }
            print("\(tenant) is sealed; records sealed: " + status.sealedRecords.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                  + "; in clear (nothing personal): " + status.clearRecords.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            print("digest key (national-ID lookups): " + status.digestRecipients.joined(separator: ", "))
            let rows = status.scopes.sorted { $0.key < $1.key }.map { [$0.key, $0.value.keyID, $0.value.recipients.joined(separator: ", ")] }
            print(TextTable(header: ["commune", "key", "wrapped for"], rows: rows).render())
        }
    }
}
