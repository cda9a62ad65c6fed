import Foundation
import Synchronization
import Testing

// What the generated documentation tests (Tests/*Tests/DocExamples/DocExamples.swift, written by
// scripts/doc-examples.py) share: running an example with its printed lines checked, and the
// test that the generated file is current.

/// While an example runs, what it prints (a task-local): `print(…)   // text` lines are
/// checked against their comment; elsewhere `print` writes to standard output.
public final class DocOutput: Sendable {
    @TaskLocal public static var current: DocOutput?
    private let state = Mutex<(last: String?, checks: Int)>((nil, 0))

    /// Runs an example with a fresh context and checks that its `checks` lines printed.
    public static func run<Context>(checks: Int, context make: () throws -> Context, close: (Context) -> Void,
                                    _ body: (Context) throws -> Void) throws {
        let context = try make()
        defer { close(context) }
        let output = DocOutput()
        try $current.withValue(output) { try body(context) }
        output.expectChecks(checks)
    }

    /// Runs an async example with a fresh context and checks that its `checks` lines printed.
    public static func run<Context>(checks: Int, context make: () throws -> Context, close: (Context) -> Void,
                                    _ body: (Context) async throws -> Void) async throws {
        let context = try make()
        defer { close(context) }
        let output = DocOutput()
        try await $current.withValue(output) { try await body(context) }
        output.expectChecks(checks)
    }

    public func record(_ text: String) { state.withLock { $0.last = text } }

    func expectChecks(_ checks: Int) {
        let done = state.withLock { $0.checks }
        #expect(done == checks, "\(checks - done) of the example's \(checks) checked print lines did not run once")
    }

    /// Checks what the `print` line `line` just printed against `expected` (a prefix when it ends with "…").
    public static func expect(_ expected: String, from line: String) {
        guard let output = current else {
            Issue.record("\(line) ran outside the example's task: its output cannot be checked")
            return
        }
        let printed = output.state.withLock { state in
            state.checks += 1
            defer { state.last = nil }
            return state.last
        }
        guard let printed else { Issue.record("\(line) printed nothing"); return }
        let matches = printed == expected || (expected.hasSuffix("…") && printed.hasPrefix(String(expected.dropLast())))
        #expect(matches, "\(line) printed \(printed), its comment says \(expected)")
    }

    /// Fails when the committed file differs from what the generator writes now.
    public static func checkCurrent(module: String, file: String, depth: Int) throws {
        var root = URL(fileURLWithPath: file)
        for _ in 0..<depth { root.deleteLastPathComponent() }
        let relative = String(file.dropFirst(root.path.count + 1))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", root.appendingPathComponent("scripts/doc-examples.py").path, "--print", module]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch {
            Issue.record("cannot run python3 for scripts/doc-examples.py (scripts/setup.sh installs it): \(error)")
            return
        }
        let generated = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let problems = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            Issue.record("scripts/doc-examples.py --print \(module) failed:\n\(problems)")
            return
        }
        let committed = try String(contentsOfFile: file, encoding: .utf8)
        guard generated != committed else { return }
        let a = committed.split(separator: "\n", omittingEmptySubsequences: false)
        let b = generated.split(separator: "\n", omittingEmptySubsequences: false)
        let line = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
        Issue.record("""
            \(relative) is stale (the documentation's examples changed): run scripts/doc-examples.py
            first difference at line \(line + 1):
              committed: \(line < a.count ? String(a[line]) : "(end of file)")
              generated: \(line < b.count ? String(b[line]) : "(end of file)")
            """)
    }
}
