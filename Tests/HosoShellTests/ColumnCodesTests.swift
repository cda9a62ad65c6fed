import Foundation
import HosoDomain
import Testing
@testable import HosoShell

/// Code columns take their codes from the domain's enumerations: help, completion and errors.
@Suite struct ColumnCodesTests {
    /// The code columns and the enumeration of each.
    static let expected: [(String, String, CodeList)] = [
        ("persons", "sex", Person.Sex.codeList), ("persons", "status", Status.codeList),
        ("events", "kind", CaseEvent.Kind.codeList), ("events", "stage", CaseEvent.Stage.codeList),
        ("events", "tip_outcome", CaseEvent.TipOutcome.codeList), ("status_history", "status", Status.codeList),
        ("status_changes", "direction", StatusChange.Direction.codeList), ("status_changes", "status", Status.codeList),
        ("status_changes", "cause", StatusChange.Cause.codeList), ("overdue", "kind", CaseEvent.Kind.codeList),
    ]

    @Test func columnHelpListsExactlyTheCodes() throws {
        for (table, name, list) in Self.expected {
            let column = try #require(TableSchema.named(table)?.column(named: name), "\(table).\(name)")
            #expect(column.codes == list, "\(table).\(name)")
            // The help is the summary then exactly the codes, in order.
            let listed = try #require(column.help.split(separator: ":", maxSplits: 1).last)
            #expect(listed.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } == list.codes, "\(table).\(name): \(column.help)")
        }
        // No other column claims codes.
        let coded = TableSchema.all.flatMap { t in t.columns.filter { $0.codes != nil }.map { "\(t.name.rawValue).\($0.name)" } }
        #expect(Set(coded) == Set(Self.expected.map { "\($0.0).\($0.1)" }))
    }

    @Test func schemaShowsTheCodes() throws {
        let s = try Fixture.get().session()
        final class Box: @unchecked Sendable { var out = "" }
        let box = Box()
        s.output = { box.out += $0 }
        #expect(s.run(".schema events"))
        #expect(box.out.contains("kind of event: " + CaseEvent.Kind.codes.joined(separator: ", ")))
        #expect(box.out.contains("decision on a tip: pending, prosecute, not_prosecute, suspend"))
    }

    @Test func valuesOfCodeColumnsComplete() throws {
        let c = Completion(communes: try Fixture.get().context.communes)
        func matches(_ line: String) -> [String] {
            let r = c.candidates(line: line, cursor: line.count)
            #expect(r.inQuote, "\(line)")
            return r.matches
        }
        #expect(matches("SELECT * FROM persons WHERE status = 'ill") == ["illegal_user"])
        #expect(matches("SELECT * FROM persons WHERE status <> 'POST") == ["post_rehab"])
        #expect(matches("SELECT * FROM events WHERE kind IN ('tip', 'dr") == ["drug_case"])
        #expect(matches("SELECT * FROM events WHERE kind NOT IN ('p") == ["propaganda", "prevention_model"])
        #expect(matches("SELECT * FROM events WHERE stage = '") == CaseEvent.Stage.codes)
        #expect(matches("SELECT * FROM persons WHERE sex='f") == ["female"])
        // A column without codes still completes commune names.
        #expect(matches("SELECT * FROM communes WHERE name = 'cong") == ["Công Sơn"])
    }

    @Test func unknownCodesInQueriesNameTheClosestCode() throws {
        let f = try Fixture.get()
        do {
            _ = try f.plan("SELECT * FROM events WHERE kind IN ('tip', 'hotspt')")
            Issue.record("an unknown kind was accepted")
        } catch let e as QueryError {
            #expect(e.message == CodeError(CaseEvent.Kind.codeList, text: "hotspt").description)
            #expect(e.message.contains("did you mean 'hotspot'?"))
        }
        // Codes match in any case.
        #expect(try f.plan("SELECT * FROM persons WHERE status = 'ADDICT'").access == f.plan("SELECT * FROM persons WHERE status = 'addict'").access)
    }

    @Test func theShellsOwnCodesRoundTrip() {
        for mode in OutputMode.allCases { #expect(OutputMode(code: mode.code) == mode) }
        for name in TableSchema.Name.allCases { #expect(TableSchema.Name(code: name.code) == name && TableSchema.named(name.code)?.name == name) }
        #expect(ShellSession.dotCommandHelp.contains { $0.0 == ".mode " + OutputMode.codes.joined(separator: "|") })
    }
}
