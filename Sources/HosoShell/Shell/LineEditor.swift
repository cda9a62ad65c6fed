@preconcurrency import CLibEdit
import Foundation

/// Line editing, history and tab completion through libedit's readline interface.
///
/// <!-- doc-example: compile-only -->
/// ```swift
/// let completion = Completion(communes: context.communes)
/// LineEditor.start(historyFile: LineEditor.defaultHistoryPath) { line, cursor in completion.candidates(line: line, cursor: cursor) }
/// while let line = LineEditor.read(prompt: "hoso> ") { print(line) }
/// ```
public enum LineEditor {
    nonisolated(unsafe) static var completer: ((String, Int) -> (matches: [String], inQuote: Bool))?
    nonisolated(unsafe) static var pendingMatches: [String] = []
    nonisolated(unsafe) static var historyPath: String?
    nonisolated(unsafe) static var breakCharacters: UnsafeMutablePointer<CChar>? = strdup(Completion.wordBreaks)

    /// `~/.hoso_history`, or `$HOSO_HISTORY`.
    public static var defaultHistoryPath: String {
        ProcessInfo.processInfo.environment["HOSO_HISTORY"] ?? (NSHomeDirectory() + "/.hoso_history")
    }

    /// Sets up libedit: locale (so Vietnamese input is kept), history file and completion.
    public static func start(historyFile: String?, completer: @escaping (String, Int) -> (matches: [String], inQuote: Bool)) {
        setlocale(LC_ALL, "")
        self.completer = completer
        historyPath = historyFile
        rl_readline_name = UnsafePointer(strdup("hoso"))
        _ = rl_initialize()
        using_history()
        if let historyFile { _ = read_history(historyFile) }
        rl_basic_word_break_characters = UnsafePointer(breakCharacters)
        rl_completer_word_break_characters = breakCharacters
        rl_completion_word_break_hook = nil
        rl_attempted_completion_function = { text, _, _ in
            rl_attempted_completion_over = 1
            let line = rl_line_buffer.map { String(cString: $0) } ?? ""
            // libedit counts rl_point in characters (its buffer is wide), not bytes.
            guard let result = LineEditor.completer?(line, min(Int(rl_point), line.count)), !result.matches.isEmpty else { return nil }
            rl_completion_append_character = result.inQuote ? 0x27 : 0x20
            LineEditor.pendingMatches = result.matches
            return rl_completion_matches(text) { _, state in
                if state == 0 {
                    // first call: the common prefix of all matches (or the single match)
                }
                let index = Int(state)
                guard index < LineEditor.pendingMatches.count else { return nil }
                return strdup(LineEditor.pendingMatches[index])
            }
        }
    }

    /// Reads a line with editing; nil at end of input (Ctrl-D).
    public static func read(prompt: String) -> String? {
        guard let raw = readline(prompt) else { return nil }
        defer { free(raw) }
        let line = String(cString: raw)
        if !line.trimmingCharacters(in: .whitespaces).isEmpty {
            add_history(line)
            // Statements can name people: the history is the user's alone.
            if let historyPath { _ = write_history(historyPath); _ = chmod(historyPath, 0o600) }
        }
        return line
    }
}
