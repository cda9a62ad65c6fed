import ArgumentParser
import Foundation
import HosoDomain

/// The operating-system accounts that may be acting, in order: the person behind
/// `sudo -u OWNER hoso …` (sudo's SUDO_USER), then the account this process runs as (its
/// effective user, not $USER). The first that is a user of the store acts; sudo run by someone
/// who is not a user acts as the account sudo switched to (which could read the files anyway).
func candidateAccounts() -> [String] {
    var out: [String] = []
    if let behind = ProcessInfo.processInfo.environment["SUDO_USER"], !behind.isEmpty { out.append(behind) }
    let effective = getpwuid(geteuid()).map { String(cString: $0.pointee.pw_name) } ?? String(geteuid())
    if !out.contains(effective) { out.append(effective) }
    return out
}

/// The account acting when no store says otherwise (messages).
func currentAccount() -> String { candidateAccounts()[0] }

struct Users: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The store's users: who acts on its tenants, in which role, for which communes.",
        discussion: """
        Every command acts as a user of the store: the one whose --account is the operating-system \\
        account running it; the account that owns the store's directory acts as an admin unless a \\
        user claims it, and any other account is refused. The change log names that user on every \\
        write. Only an admin changes the users. Roles: \(ProgramRole.allCases.map(\.label).joined(separator: "; ")).

        Every read and write passes the user's role: an officer reads and writes the communes \\
        assigned only, an analyst counts everything and reads no personal field, an auditor reads \\
        the processing log only (hoso audit).

        Exit codes: 0 done; 1 refused or invalid (the message says why).

        Examples:
          hoso users add lan --role officer --commune 6184 --account lan
          hoso users grant lan --commune 6187
          hoso users add minh --role analyst --account minh
          hoso users list
          hoso users whoami
        """,
        subcommands: [List.self, Add.self, Grant.self, Remove.self, WhoAmI.self], defaultSubcommand: List.self)

    static func describe(_ u: StoreUser) -> [String] {
        [u.name, u.role, u.scopes.joined(separator: ", "), u.accounts.joined(separator: ", ")]
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the store's users.")
        @OptionGroup var storeOptions: StoreOptions
        func run() throws {
            let store = try storeOptions.open()
            let users = try store.users()
            if !users.isEmpty {
                print(TextTable(header: ["name", "role", "communes", "accounts"], rows: users.map(Users.describe)).render())
            }
            let owner = store.ownerAccount ?? "unknown"
            let claimed = users.contains { $0.accounts.contains(owner) }
            print("store owner: \(owner)" + (claimed ? "" : " (acts as an admin: no user claims the account)"))
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a user.")
        @OptionGroup var storeOptions: StoreOptions
        @Argument(help: "The user's name (what the change log names).") var name: String
        @Option(help: ArgumentHelp(ProgramRole.codes.joined(separator: ", ") + ".")) var role: String
        @Option(help: "A commune assigned to an officer (its 2025 code); repeat for more.") var commune: [Int32] = []
        @Option(help: "An operating-system account that acts as this user; repeat for more.") var account: [String] = []
        func run() throws {
            let store = try storeOptions.open()
            if try store.user(named: name) != nil { fail("user \(name) exists: change it with hoso users grant \(name) …") }
            let user = try ProgramRole.parse(role).user(name: name, communes: commune, accounts: account)
            try store.saveUser(user, by: store.principal)
            print("added user \(name) (\(user.role))" + (user.scopes.isEmpty ? "" : ", communes \(user.scopes.joined(separator: ", "))")
                  + (user.accounts.isEmpty ? "; no account acts as it yet (--account)" : ", accounts \(user.accounts.joined(separator: ", "))"))
        }
    }

    struct Grant: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a user's role, communes or accounts.")
        @OptionGroup var storeOptions: StoreOptions
        @Argument(help: "The user's name.") var name: String
        @Option(help: ArgumentHelp("A new role: " + ProgramRole.codes.joined(separator: ", ") + ".")) var role: String?
        @Option(help: "A commune to assign (2025 code); repeat for more.") var commune: [Int32] = []
        @Option(help: "A commune to take away; repeat for more.") var revokeCommune: [Int32] = []
        @Option(help: "An account that acts as the user; repeat for more.") var account: [String] = []
        @Option(help: "An account that no longer acts as the user.") var revokeAccount: [String] = []
        func run() throws {
            let store = try storeOptions.open()
            guard let old = try store.user(named: name) else { fail("no user \(name): see hoso users list") }
            let role = try ProgramRole.parse(role ?? old.role)
            var communes = Set(old.scopes.compactMap { Int32($0) })
            communes.formUnion(commune); communes.subtract(revokeCommune)
            if role != .officer && role.code != old.role { communes = [] }
            var accounts = old.accounts.filter { !revokeAccount.contains($0) }
            for a in account where !accounts.contains(a) { accounts.append(a) }
            let user = try role.user(name: name, communes: communes.sorted(), accounts: accounts)
            try store.saveUser(user, by: store.principal)
            print(TextTable(header: ["name", "role", "communes", "accounts"], rows: [Users.describe(user)]).render())
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a user (the change log keeps the name on what it wrote).")
        @OptionGroup var storeOptions: StoreOptions
        @Argument(help: "The user's name.") var name: String
        func run() throws {
            let store = try storeOptions.open()
            guard try store.removeUser(named: name, by: store.principal) else { fail("no user \(name): see hoso users list") }
            print("removed user \(name)")
        }
    }

    struct WhoAmI: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "whoami", abstract: "Show the user this account acts as.")
        @OptionGroup var storeOptions: StoreOptions
        func run() throws {
            let store = try storeOptions.open()
            print("\(store.options.account ?? currentAccount()) acts as \(store.principal)" + (store.principal.scopes.isEmpty ? "" : ", communes \(store.principal.scopes.joined(separator: ", "))"))
        }
    }
}
