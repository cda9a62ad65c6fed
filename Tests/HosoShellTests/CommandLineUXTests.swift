import Foundation
import Testing

/// The small things a new user hit at the command line, each reproduced with the built `hoso`.
@Suite struct CommandLineUXTests {
    @Test(.enabled(if: InteractiveTests.hoso != nil, "the hoso executable is not built beside the test bundle"))
    func queryOutsideAStoreCreatesNothing() throws {
        let hoso = try #require(InteractiveTests.hoso)
        let dir = NSTemporaryDirectory() + "hoso-no-store-\(UUID().uuidString)"
        let out = try InteractiveTests.run(hoso, ["query", "--store", dir, "SELECT 1"])
        #expect(out.contains("no store at \(dir)"))
        #expect(!FileManager.default.fileExists(atPath: dir))
    }

    @Test(.enabled(if: InteractiveTests.hoso != nil, "the hoso executable is not built beside the test bundle"))
    func helpGivesExitCodesExamplesAndTheRightUsage() throws {
        let hoso = try #require(InteractiveTests.hoso)
        let help = try InteractiveTests.run(hoso, ["import", "--help"])
        #expect(help.contains("2 some rows were rejected") && help.contains("hoso import persons.csv --table persons"))
        for command in ["shell", "query", "export"] {
            let text = try InteractiveTests.run(hoso, [command, "--help"])
            #expect(text.contains("Exit codes:") && text.contains("Examples:"), "\(command)")
        }
        let mode = try InteractiveTests.run(hoso, ["query", "--mode", "fancy", "SELECT 1"])
        #expect(mode.contains("Usage: hoso query") && mode.contains("html"))
    }

    @Test(.enabled(if: InteractiveTests.hoso != nil, "the hoso executable is not built beside the test bundle"))
    func reportMonthUnquotedAndDotCommandsAfterSQL() throws {
        let hoso = try #require(InteractiveTests.hoso)
        let dir = NSTemporaryDirectory() + "hoso-ux-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try InteractiveTests.run(hoso, ["demo", "--store", dir, "--persons", "300", "--events", "600", "--table"])
        let a = try InteractiveTests.run(hoso, ["query", "--store", dir, "--mode", "csv", "SELECT COUNT(*) FROM events WHERE date IN REPORT MONTH 2025-06"])
        let b = try InteractiveTests.run(hoso, ["query", "--store", dir, "--mode", "csv", "SELECT COUNT(*) FROM events WHERE date IN REPORT MONTH '2025-06'"])
        #expect(a == b && a.hasPrefix("count\n"))
        let c = try InteractiveTests.run(hoso, ["shell", "--store", dir, "-c", "SELECT 1 AS x; .mode csv; SELECT 2 AS y;"])
        #expect(c.contains("x\n-\n1\n") && c.hasSuffix("y\n2\n"), "\(c)")
    }

    /// `hoso demo` in a pipe builds the realistic province and runs its showcase to the end: the
    /// classification and the target it shows are the ones the domain's brute-force tests check
    /// (16 of Lạng Sơn's named communes drug-free in 2025, 18 in all under QĐ 28).
    @Test(.enabled(if: InteractiveTests.hoso != nil, "the hoso executable is not built beside the test bundle"))
    func theDemoInAPipeRunsItsShowcaseToTheEnd() throws {
        let hoso = try #require(InteractiveTests.hoso)
        let dir = NSTemporaryDirectory() + "hoso-showcase-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: hoso)
        p.arguments = ["demo", "--store", dir]
        p.standardInput = FileHandle.nullDevice
        let pipe = Pipe()
        p.standardOutput = pipe; p.standardError = pipe
        try p.run()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(out)")
        #expect(out.contains("here is a short showcase"))
        #expect(out.range(of: #"drug_free\s+18\n"#, options: .regularExpression) != nil, "\(out)")
        #expect(out.range(of: #"lang-son-2025\s+16(\.0)?\s+>= 16\s+1\n"#, options: .regularExpression) != nil, "\(out)")
        #expect(out.range(of: #"\nnew\s+\d+\n"#, options: .regularExpression) != nil, "\(out)")
    }
}
