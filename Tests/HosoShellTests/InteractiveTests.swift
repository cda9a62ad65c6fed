import Foundation
import Testing

/// Drives `hoso shell` in a tmux pseudo-terminal: completion of commune names typed without
/// diacritics, history recall with Up, the history file, and Ctrl-C at the prompt.
@Suite struct InteractiveTests {
    static let tmux: String? = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// The `hoso` executable built beside the test bundle.
    static var hoso: String? {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent("hoso").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    /// Runs a command and returns its output; with `capture: false` its output is discarded
    /// (a tmux server started by `new-session` keeps inherited pipes open forever).
    @discardableResult
    static func run(_ executable: String, _ args: [String], capture: Bool = true) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = args
        if !capture { try spawn(executable, args); return "" }
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Runs a command with its output discarded and waits for it with waitpid. (Foundation's
    /// Process never sees a tmux client exit when that client started the tmux server.)
    static func spawn(_ executable: String, _ args: [String]) throws {
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + args).map { strdup($0) } + [nil]
        let env: [UnsafeMutablePointer<CChar>?] = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; env.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, env)
        guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EINVAL) }
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
    }

    @Test(.enabled(if: InteractiveTests.tmux != nil, "tmux is not installed (apt-get install tmux): the interactive shell test is skipped"))
    func completionHistoryAndCtrlC() throws {
        let tmux = try #require(Self.tmux)
        let hoso = try #require(Self.hoso, "the hoso executable was not found beside the test bundle (\(CommandLine.arguments[0]))")
        let dir = NSTemporaryDirectory() + "hoso-tmux-\(UUID().uuidString)"
        let history = dir + "/history"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let built = try Self.run(hoso, ["demo", "--store", dir + "/store", "--persons", "300", "--events", "600", "--table"])
        #expect(built.contains("Built demo tenant"))
        let session = "hoso-test-\(getpid())-\(Int.random(in: 0..<1_000_000))"
        try Self.run(tmux, ["new-session", "-d", "-s", session, "-x", "160", "-y", "40",
                            "env HOSO_HISTORY=\(history) \(hoso) shell --store \(dir)/store; sleep 30"], capture: false)
        defer { _ = try? Self.run(tmux, ["kill-session", "-t", session], capture: false) }
        func screen() throws -> String { try Self.run(tmux, ["capture-pane", "-p", "-t", session]) }
        func keys(_ k: String...) throws { try Self.run(tmux, ["send-keys", "-t", session] + k, capture: false) }
        func waitFor(_ text: String, _ what: String) throws {
            for _ in 0..<100 { if try screen().contains(text) { return }; Thread.sleep(forTimeInterval: 0.1) }
            Issue.record("\(what): '\(text)' never appeared on the screen:\n\(try screen())")
        }
        try waitFor("hoso>", "prompt")
        try keys("SELECT code, name FROM communes WHERE name = 'cong")
        try keys("Tab")
        try waitFor("name = 'Công Sơn'", "completion of a commune name typed without diacritics")
        try keys(" OR name = 'thien th")
        try keys("Tab")
        try waitFor("name = 'thien Thuật'", "completion of the next word of a name")
        try keys(" ORDER BY name", "\\;", "Enter")   // tmux reads a trailing ';' as its own separator
        try waitFor("Xã Thiện Thuật", "the statement's result")
        try keys("Up")
        try waitFor("hoso> SELECT code, name FROM communes WHERE name = 'Công Sơn' OR name = 'thien Thuật' ORDER BY name;\n", "history recall with Up")
        // The statement's own echo above matches the text too: wait until the recalled line is
        // the one being edited (a loaded machine may take a while to redraw).
        func editedLine() throws -> String? {
            try screen().split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.last.map(String.init)
        }
        for _ in 0..<100 where try editedLine()?.hasPrefix("hoso> SELECT code, name") != true { Thread.sleep(forTimeInterval: 0.1) }
        let shown = try screen()
        #expect(try editedLine()?.hasPrefix("hoso> SELECT code, name") == true, "\(shown)")
        let saved = try String(contentsOfFile: history, encoding: .utf8)
        #expect(saved.contains("Thuật"))
        // Ctrl-C drops the line being edited (the recalled statement), not the shell.
        try keys("C-c")
        try waitFor("^C", "Ctrl-C at the prompt")
        try keys("SELECT COUNT(*) FROM communes", "\\;", "Enter")
        try waitFor("   65", "the shell still answering after Ctrl-C")
        // An error in one statement of a line does not drop the statements after it (as in sqlite3).
        try keys("SELECT COUNT(*) FROM nope\\; SELECT name FROM communes WHERE name = 'thien hoa'", "\\;", "Enter")
        try waitFor("Thiện Hòa", "the statement after a failing one on the same line")
        try keys(".quit", "Enter")
    }
}
