import Foundation

/// When the process started, for progress time stamps (set by ``startClock()``).
nonisolated(unsafe) private var started = 0.0

/// Marks the start of the run.
func startClock() { started = now() }

/// Writes a line to stderr (the table goes to stdout).
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// Prints a progress line to stderr, stamped with the seconds since the start.
func progress(_ message: String) {
    printError(String(format: "[%7.1fs] ", now() - started) + message)
}
