import Foundation
import HosoDomain

/// Runs a ``ShellSession`` from a terminal (line editing, history, completion, Ctrl-C cancels
/// the running statement) or from a pipe or file (plain lines; clean output).
///
/// <!-- doc-example: compile-only -->
/// ```swift
/// let code = ShellRunner.run(session, interactive: isatty(0) != 0 && isatty(1) != 0)
/// exit(code)
/// ```
public enum ShellRunner {
    /// Runs until end of input or `.quit`; returns the process exit code (1 when a statement
    /// failed and `continueOnError` is false, or when any failed).
    public static func run(_ session: ShellSession, interactive: Bool, continueOnError: Bool = false) -> Int32 {
        interactive ? runInteractive(session) : runPlain(session, continueOnError: continueOnError)
    }

    /// Installs the Ctrl-C handler: it sets ``Interruption`` instead of ending the process.
    public static func installInterruptHandler() {
        signal(SIGINT) { _ in Interruption.request() }
        // A parent may have left SIGINT blocked (test runners, some job launchers): unblock it.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    static func runPlain(_ session: ShellSession, continueOnError: Bool) -> Int32 {
        installInterruptHandler()
        session.scriptLineNumbers = true
        session.continueOnError = continueOnError
        var failed = false
        while let line = readLine(strippingNewline: true) {
            if !session.feed(line: line) {
                failed = true
                if !session.continueOnError { return 1 }   // .bail off goes on
            }
            if session.quitRequested { return failed ? 1 : 0 }
        }
        if !session.flush() { failed = true }
        return failed ? 1 : 0
    }

    static func runInteractive(_ session: ShellSession) -> Int32 {
        session.progressOnTerminal = true
        LineEditor.start(historyFile: LineEditor.defaultHistoryPath) { line, cursor in
            Completion(communes: session.context?.communes).candidates(line: line, cursor: cursor)
        }
        installInterruptHandler()
        // As sqlite3 does: an error in one statement of a line does not drop the statements after it.
        session.continueOnError = true
        session.confirm = { question in
            (LineEditor.read(prompt: question) ?? "").trimmingCharacters(in: .whitespaces).lowercased() == "yes"
        }
        if let c = session.context {
            let info = (try? c.program.info())?.displayName ?? c.program.name
            session.errors("Hoso shell — tenant '\(c.program.name)' (\(info)), \(c.communes.entries.count) communes, current day \(c.today).\n"
                           + "Enter .help for help, .schema for tables; statements end with ';'. Tab completes names.\n")
        } else {
            session.errors("Hoso shell — no tenant yet: .tenants lists them, .use NAME picks one. Enter .help for help.\n")
        }
        while !session.quitRequested {
            Interruption.clear()
            guard let line = LineEditor.read(prompt: session.isContinuing ? "   ...> " : "hoso> ") else {
                // Ctrl-C at the prompt interrupts the read: drop the line, not the shell.
                if Interruption.requested { Interruption.clear(); session.discardPending(); session.errors("^C\n"); continue }
                break
            }
            session.feed(line: line)
        }
        session.flush()
        return 0
    }
}
