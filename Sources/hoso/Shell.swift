import ArgumentParser
import Foundation
import HosoDomain
import HosoShell

/// Options of the commands that run statements.
struct TenantOptions: ParsableArguments {
    @Option(help: "Tenant to use (default: 'demo', or the store's only tenant).") var tenant: String?
}

struct Shell: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Interactive SQL shell over a tenant (statements from stdin or a file when not a terminal).",
        discussion: """
        SELECT … FROM persons | events | communes | status_history [WHERE …] [AS OF 'date'] \
        [GROUP BY …] [ORDER BY …] [LIMIT n [OFFSET m]]; EXPLAIN shows the index used. \
        Dot-commands: .help, .tables via .schema, .mode, .import, .export, .stats, .quit. \
        Exit code is non-zero on the first error unless --continue.
        """)

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var tenantOptions: TenantOptions
    @Option(name: [.customShort("c"), .customLong("command")], help: "Run these statements and exit.") var command: String?
    @Option(help: ArgumentHelp("Output mode: " + OutputMode.codes.joined(separator: ", ") + ".")) var mode: String = "table"
    @Flag(help: "Go on after an error (the exit code is still non-zero).") var `continue` = false
    @Argument(help: "A file of statements to run instead of reading stdin.") var file: String?

    func run() throws {
        let session = try openSession(storeOptions, tenantOptions, mode: mode)
        if let command {
            Foundation.exit(session.run(command, continueOnError: `continue`) ? 0 : 1)
        }
        if let file {
            guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
                throw ValidationError("cannot read \(file) as UTF-8 text")
            }
            Foundation.exit(session.run(text, continueOnError: `continue`) ? 0 : 1)
        }
        let interactive = isatty(STDIN_FILENO) != 0 && isatty(STDOUT_FILENO) != 0
        Foundation.exit(ShellRunner.run(session, interactive: interactive, continueOnError: `continue`))
    }
}

struct Query: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run statements given as arguments and print the results (exit code 1 on an error).")

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var tenantOptions: TenantOptions
    @Option(help: ArgumentHelp("Output mode: " + OutputMode.codes.joined(separator: ", ") + ".")) var mode: String = "table"
    @Flag(help: "Go on after an error.") var `continue` = false
    @Argument(help: "Statements, e.g. \"SELECT kind, COUNT(*) FROM events WHERE date = '2025-H1' GROUP BY kind\".") var statements: [String]

    func run() throws {
        let session = try openSession(storeOptions, tenantOptions, mode: mode)
        Foundation.exit(session.run(statements.joined(separator: ";\n"), continueOnError: `continue`) ? 0 : 1)
    }
}

func openSession(_ storeOptions: StoreOptions, _ tenantOptions: TenantOptions, mode: String) throws -> ShellSession {
    guard let outputMode = OutputMode(code: mode.lowercased()) else {
        throw ValidationError("--mode must be one of \(OutputMode.codes.joined(separator: ", "))")
    }
    let session = try ShellSession(store: try storeOptions.open(), tenant: tenantOptions.tenant)
    session.formatter.mode = outputMode
    return session
}
