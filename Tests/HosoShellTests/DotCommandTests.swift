import Foundation
import Testing
@testable import HosoShell

@Suite struct DotCommandTests {
    func session() throws -> (ShellSession, () -> String, () -> String) {
        let s = try Fixture.get().session()
        final class Box: @unchecked Sendable { var out = ""; var err = "" }
        let box = Box()
        s.output = { box.out += $0 }
        s.errors = { box.err += $0 }
        return (s, { box.out }, { box.err })
    }

    @Test func modesHeadersSchemaAndIndexes() throws {
        let (s, out, err) = try session()
        #expect(s.run(".mode csv\n.headers off\nSELECT code FROM communes ORDER BY code LIMIT 2;\n.schema status_history\n.indexes\n.help"))
        let first = try Fixture.get().context.communes.entries.map(\.ref.commune).sorted()[0]
        #expect(out().hasPrefix("\(first)\n"))
        #expect(out().contains("CREATE TABLE status_history (  -- one row per stretch"))
        #expect(out().contains("person.status_flow"))
        #expect(out().contains(".import FILE TABLE"))
        #expect(err().isEmpty)
        #expect(!s.run(".mode fancy"))
        #expect(err().contains("usage: .mode table|csv|json|line"))
        #expect(!s.run(".expor persons x"))
        #expect(err().contains("did you mean .export?"))
    }

    @Test func readOutputTimerStatsTenants() throws {
        let (s, out, _) = try session()
        let dir = NSTemporaryDirectory() + "hoso-dot-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try ".headers off\n.mode csv\nSELECT COUNT(*)\n  FROM communes;\n".write(toFile: dir + "/script.sql", atomically: true, encoding: .utf8)
        #expect(s.run(".output \(dir)/out.txt\n.read \(dir)/script.sql\n.output stdout"))
        #expect(try String(contentsOfFile: dir + "/out.txt", encoding: .utf8) == "65\n")
        #expect(s.run(".timer on\nSELECT COUNT(*) FROM persons;\n.timer off\n.stats\n.tenants"))
        #expect(out().contains("Run Time: "))
        #expect(out().contains("records       event 15000, person 3000"))
        #expect(out().contains("demo"))
    }

    @Test func errorsInScriptsGiveTheScriptsLine() throws {
        let (s, _, err) = try session()
        #expect(!s.run("SELECT COUNT(*) FROM communes;\n\nSELECT *\n  FROM persons\n  WHERE status = 'adict';"))
        #expect(err().contains("error at line 5, column 18: unknown status 'adict'"))
        #expect(err().contains("    WHERE status = 'adict';\n                   ^^^^^^^"))
    }
}
