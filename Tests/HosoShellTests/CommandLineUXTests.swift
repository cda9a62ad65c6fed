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
}
