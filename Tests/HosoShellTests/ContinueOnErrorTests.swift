import Foundation
import Testing
@testable import HosoShell

/// `--continue`: after an error, the statements after it still run, on the same line too.
@Suite struct ContinueOnErrorTests {
    func session() throws -> (ShellSession, () -> String, () -> String) {
        let s = try Fixture.get().session()
        final class Box: @unchecked Sendable { var out = ""; var err = "" }
        let box = Box()
        s.output = { box.out += $0 }
        s.errors = { box.err += $0 }
        s.formatter.mode = .csv
        s.formatter.headers = false
        return (s, { box.out }, { box.err })
    }

    @Test func theRestOfTheLineRunsAfterAFailingStatement() throws {
        let (s, out, err) = try session()
        #expect(!s.run("SELECT COUNT(*) FROM nope; SELECT COUNT(*) FROM persons;", continueOnError: true))
        #expect(out() == "3000\n")
        #expect(err().hasPrefix("error at line 1, column 22: unknown table 'nope'"))
        #expect(s.errorCount == 1)
    }

    @Test func withoutContinueTheFirstErrorStops() throws {
        let (s, out, err) = try session()
        #expect(!s.run("SELECT COUNT(*) FROM communes; SELECT COUNT(*) FROM nope; SELECT COUNT(*) FROM persons;\nSELECT 1 FROM communes;"))
        #expect(out() == "65\n")
        #expect(err().contains("unknown table 'nope'"))
        #expect(s.errorCount == 1)
    }

    @Test func parseAndLexErrorsSkipOnlyTheirStatement() throws {
        let (s, out, err) = try session()
        let script = """
            SELECT COUNT(*) FROM communes; SELECT # FROM persons; SELECT COUNT(*) FROM persons WHERE; SELECT COUNT(*) FROM persons;
            SELECT COUNT(*) FROM nope; SELECT 'unterminated FROM persons; SELECT COUNT(*) FROM communes;
            """
        #expect(!s.run(script, continueOnError: true))
        // The string left open on line 2 takes the rest of the input with it.
        #expect(out() == "65\n3000\n")
        let lines = err().split(separator: "\n").filter { $0.hasPrefix("error") }
        #expect(lines == [
            "error at line 1, column 39: unrecognized token: \"#\"",
            "error at line 1, column 89: near \";\": syntax error",
            "error at line 2, column 22: unknown table 'nope' (tables: persons, person_drugs, person_events, status_history, events, event_persons, communes, commune_population, status_changes, overdue, indicators, classification, classification_criteria, targets, processing_log)",
            "error at line 2, column 35: unrecognized token: \"'unterminated FROM persons; SELECT COUNT(*) FROM communes;\"",
        ])
        #expect(s.errorCount == 4)
    }

    @Test func aLexErrorStopsAtItsStatementWithoutContinue() throws {
        let (s, out, err) = try session()
        #expect(!s.run("SELECT COUNT(*) FROM communes; SELECT # FROM persons; SELECT COUNT(*) FROM persons;"))
        #expect(out() == "65\n")
        #expect(err().hasPrefix("error at line 1, column 39: unrecognized token: \"#\"\n  SELECT COUNT(*) FROM communes; SELECT # FROM persons; SELECT COUNT(*) FROM persons;\n"
                                + String(repeating: " ", count: 40) + "^\n"))
    }

    @Test func aStatementContinuedOnTheNextLineRunsAfterAnError() throws {
        let (s, out, err) = try session()
        #expect(!s.run("SELECT COUNT(*) FROM nope; SELECT COUNT(*)\n  FROM communes;\nSELECT COUNT(*) FROM persons WHERE x = 1;\nSELECT COUNT(*) FROM persons;", continueOnError: true))
        #expect(out() == "65\n3000\n")
        #expect(err().contains("error at line 1, column 22: unknown table 'nope'"))
        #expect(err().contains("error at line 3, column 36: unknown column 'x' in persons"))
    }

    @Test func readFilesGoOnToo() throws {
        let (s, out, _) = try session()
        let dir = NSTemporaryDirectory() + "hoso-continue-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "SELECT COUNT(*) FROM nope; SELECT COUNT(*) FROM communes;\n".write(toFile: dir + "/script.sql", atomically: true, encoding: .utf8)
        #expect(!s.run(".read \(dir)/script.sql\nSELECT COUNT(*) FROM persons;", continueOnError: true))
        #expect(out() == "65\n3000\n")
    }

    /// `hoso shell --continue` with statements on stdin and with `-c`.
    @Test(.enabled(if: InteractiveTests.hoso != nil, "the hoso executable is not built beside the test bundle"))
    func theShellCommandGoesOn() throws {
        let hoso = try #require(InteractiveTests.hoso)
        let dir = NSTemporaryDirectory() + "hoso-continue-cli-\(UUID().uuidString)"
        _ = try InteractiveTests.run(hoso, ["demo", "--store", dir + "/store", "--persons", "300", "--events", "600", "--table"])
        func shell(_ args: [String], stdin: String) throws -> (Int32, String, String) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: hoso)
            p.arguments = ["shell", "--store", dir + "/store", "--mode", "csv"] + args
            let input = Pipe(), output = Pipe(), errors = Pipe()
            p.standardInput = input; p.standardOutput = output; p.standardError = errors
            try p.run()
            input.fileHandleForWriting.write(Data(stdin.utf8))
            try input.fileHandleForWriting.close()
            let out = output.fileHandleForReading.readDataToEndOfFile(), err = errors.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return (p.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
        }
        let line = "SELECT COUNT(*) FROM nope; SELECT COUNT(*) FROM persons;\n"
        let piped = try shell(["--continue"], stdin: line)
        #expect(piped.0 == 1 && piped.1.hasSuffix("300\n") && piped.2.contains("unknown table 'nope'"), "\(piped)")
        let command = try shell(["--continue", "-c", line], stdin: "")
        #expect(command.0 == 1 && command.1.hasSuffix("300\n") && command.2.contains("unknown table 'nope'"), "\(command)")
        let stops = try shell([], stdin: line)
        #expect(stops.0 == 1 && !stops.1.contains("300"), "\(stops)")
    }
}
