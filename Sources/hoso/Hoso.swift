import ArgumentParser
import Foundation
import HosoDomain

@main
struct Hoso: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hoso",
        abstract: "Hoso: a multi-tenant store for the person-management files and case events of drug-free commune programs.",
        subcommands: [Demo.self, Shell.self, Query.self, Import.self, Export.self, ProgramCommand.self, Persons.self, ReportCommand.self, Tenants.self, Users.self, Audit.self, Places.self, Verify.self, Backup.self, Restore.self, Size.self, Keys.self])
}

/// Options every command that touches a store shares.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "Store directory (default: $HOSO_STORE, or ./hoso-store).")
    var store: String?

    var directory: String { store ?? ProcessInfo.processInfo.environment["HOSO_STORE"] ?? "hoso-store" }

    @Option(name: .long, help: "Your sealing key file (default: $HOSO_KEY, or ~/.hoso/key); it opens the personal fields of sealed tenants that are yours to read.")
    var key: String?

    /// The key file of the account running hoso.
    var keyFile: String {
        if let key { return key }
        if let env = ProcessInfo.processInfo.environment["HOSO_KEY"], !env.isEmpty { return env }
        let home = getpwuid(geteuid()).map { String(cString: $0.pointee.pw_dir) } ?? NSHomeDirectory()
        return home + "/.hoso/key"
    }

    /// The account's sealing key, when its file exists (a file others may read is refused).
    func identity() -> SealingIdentity? {
        let path = keyFile
        var st = stat()
        guard lstat(path, &st) == 0 else {
            if key != nil { fail("no key file at \(path): hoso keys init makes one") }
            return nil
        }
        do { return try SealingIdentity(contentsOf: path) } catch { fail("\(error)") }
    }

    func open(today: Day? = nil) throws -> Store {
        var options = Store.Options()
        if let today { options.today = { today } }
        options.identity = identity()
        // Every command acts as the store's user for this operating-system account.
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue,
           access(directory, R_OK | W_OK | X_OK) != 0 {
            var st = stat()
            let owner = stat(directory, &st) == 0 ? getpwuid(st.st_uid).map { String(cString: $0.pointee.pw_name) } ?? String(st.st_uid) : "its owner"
            fail("the store at \(directory) is \(owner)'s alone (its files are 0700/0600): run hoso as that account (sudo -u \(owner) hoso …), "
                 + "and ask an admin to add your account as a user (hoso users add NAME --role ROLE --account \(currentAccount()))")
        }
        var refusal: (String, String)?
        var opened: Store?
        for account in candidateAccounts() {
            options.account = account
            do {
                opened = try Store(directory: directory, options: options)
                break
            } catch HosoError.accessDenied(let who, _, let reason) {
                if refusal == nil { refusal = (who, reason) }
            }
        }
        guard let store = opened else {
            let (who, reason) = refusal ?? (currentAccount(), "")
            fail("account \(who) may not use the store at \(directory): \(reason) (hoso users add NAME --role ROLE --account \(who))")
        }
        for line in store.recovered { FileHandle.standardError.write(Data("hoso: recovered \(store.directory): \(line)\n".utf8)) }
        return store
    }
}

/// Prints an error the way every command does, and exits non-zero.
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("hoso: \(message)\n".utf8))
    Foundation.exit(1)
}
