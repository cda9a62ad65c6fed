import ArgumentParser
import Foundation
import HosoDomain

@main
struct Hoso: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hoso",
        abstract: "Hoso: a multi-tenant store for the person-management files and case events of drug-free commune programs.",
        subcommands: [Demo.self, Shell.self, Query.self, Import.self, Export.self, ProgramCommand.self, Persons.self, ReportCommand.self, Tenants.self, Verify.self, Backup.self, Restore.self, Size.self])
}

/// Options every command that touches a store shares.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "Store directory (default: $HOSO_STORE, or ./hoso-store).")
    var store: String?

    var directory: String { store ?? ProcessInfo.processInfo.environment["HOSO_STORE"] ?? "hoso-store" }

    func open(today: Day? = nil) throws -> Store {
        var options = Store.Options()
        if let today { options.today = { today } }
        let store = try Store(directory: directory, options: options)
        for line in store.recovered { FileHandle.standardError.write(Data("hoso: recovered \(store.directory): \(line)\n".utf8)) }
        return store
    }
}

/// Prints an error the way every command does, and exits non-zero.
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("hoso: \(message)\n".utf8))
    Foundation.exit(1)
}
