import Foundation
import HosoDomain
@testable import HosoShell
import Testing

/// The program's SQL tables (`indicators`, `classification`, `classification_criteria`,
/// `targets`) answer what the domain's program API answers.
///
/// Oracle: the row-shaped API of ``ProgramTenant`` (`indicatorValues(period:)`,
/// `classify(period:ruleSet:)`, `targetProgress()`), itself tested against a brute force over
/// the generated records in HosoDomainTests. The tables are read through the shell's SQL engine
/// (SQLite over the virtual tables), a separate path from the API's own read transaction.
@Suite struct ProgramTablesTests {
    static func v(_ d: Double?) -> Value { d.map { .real($0) } ?? .null }
    static func t(_ s: String) -> Value { s.isEmpty ? .null : .text(s) }

    static func indicatorRows(_ f: Fixture, _ label: String) throws -> [[Value]] {
        let range = try Period.parse(label).range(in: f.context.calendar)
        return try f.program.indicatorValues(period: range).map { iv in
            var code: Value = .null
            if case .commune(let c) = iv.area { code = .int(Int64(c.commune)) }
            return [.text(iv.indicator), code, .text(label), v(iv.value), .real(iv.numerator), v(iv.denominator), t(iv.answeredBy), t(iv.notes.joined(separator: "; "))]
        }
    }

    @Test(arguments: ["2025", "2025-H1", "2026-Q1", "2025-06"])
    func indicatorsAreTheAPIsValues(period: String) throws {
        let f = try Fixture.get()
        let expected = try Self.indicatorRows(f, period)
        let set = try f.program.indicators()
        #expect(expected.count == set.definitions.count * (f.program.settings.communes.count + 1))
        let got = try f.rows("SELECT name, commune, period, value, numerator, denominator, answered_by, notes FROM indicators WHERE period = '\(period)'")
        #expect(got == expected, "period \(period): \(got.count) rows, API \(expected.count); first differing: \(zip(got, expected).first { $0 != $1 }.map { "\($0) vs \($1)" } ?? "-")")
        // Some values are not zero (the comparison is not of empty tables).
        #expect(expected.contains { $0[4] != .real(0) })
    }

    @Test func indicatorsNarrowedByNameAndCommune() throws {
        let f = try Fixture.get()
        let all = try Self.indicatorRows(f, "2025")
        let c = f.program.settings.communes[7].ref.commune
        let name = try f.program.indicators().definitions[3].name
        let got = try f.rows("SELECT name, commune, period, value, numerator, denominator, answered_by, notes FROM indicators WHERE period = '2025' AND name = '\(name)' AND commune = \(c)")
        #expect(got == all.filter { $0[0] == .text(name) && $0[1] == .int(Int64(c)) })
        #expect(got.count == 1)
        let province = try f.rows("SELECT name, commune, period, value, numerator, denominator, answered_by, notes FROM indicators WHERE period = '2025' AND level = 'province'")
        #expect(province == all.filter { $0[1] == .null })
        #expect(try f.rows("SELECT DISTINCT commune_name FROM indicators WHERE period = '2025' AND commune IS NULL") == [[.text(SQLTables.provinceName)]])
        // A year written as a number is the year.
        #expect(try f.rows("SELECT name, commune, period, value, numerator, denominator, answered_by, notes FROM indicators WHERE period = 2025 AND level = 'province'") == province)
    }

    static func classificationRows(_ f: Fixture, _ label: String) throws -> (classes: [[Value]], criteria: [[Value]]) {
        let range = try Period.parse(label).range(in: f.context.calendar)
        var classes: [[Value]] = [], criteria: [[Value]] = []
        for rs in try f.program.ruleBook().ruleSets where rs.applies(toPeriodEnding: range.last!) {
            for c in try f.program.classify(period: range, ruleSet: rs.name) {
                classes.append([.text(rs.name), .int(Int64(c.commune.ref.commune)), .text(c.commune.name), .text(label), .text(c.classCode), .text(c.reason)])
                for k in c.criteria {
                    criteria.append([.text(rs.name), .int(Int64(c.commune.ref.commune)), .text(label), .text(k.classCode), .text(k.criterion),
                                     v(k.value), .text(k.test), .int(k.met ? 1 : 0), t(k.readings.joined(separator: "; "))])
                }
            }
        }
        return (classes, criteria)
    }

    @Test(arguments: ["2025", "2026-Q1"])
    func classificationIsTheAPIsClassification(period: String) throws {
        let f = try Fixture.get()
        let (classes, criteria) = try Self.classificationRows(f, period)
        #expect(!classes.isEmpty, "a rule set applies to \(period)")
        let got = try f.rows("SELECT rule_set, commune, commune_name, period, class, reason FROM classification WHERE period = '\(period)'")
        #expect(got == classes, "period \(period): first differing: \(zip(got, classes).first { $0 != $1 }.map { "\($0) vs \($1)" } ?? "-")")
        let gotCriteria = try f.rows("SELECT rule_set, commune, period, class, criterion, value, test, met, readings FROM classification_criteria WHERE period = '\(period)'")
        #expect(gotCriteria == criteria, "period \(period): \(gotCriteria.count) criteria rows, API \(criteria.count)")
        // More than one class among the communes, some criteria met and some not.
        #expect(Set(classes.map { $0[4] }).count > 1 || classes.count < 2)
        #expect(Set(criteria.map { $0[7] }).count == 2)
        // criteria_met counts the criteria rows met.
        let counts = try f.rows("SELECT k.rule_set, k.commune, k.criteria_met, (SELECT COUNT(*) FROM classification_criteria c WHERE c.period = '\(period)' AND c.rule_set = k.rule_set AND c.commune = k.commune AND c.met = 1) FROM classification k WHERE k.period = '\(period)'")
        #expect(counts.allSatisfy { $0[2] == $0[3] })
    }

    @Test func everyCommuneJoinsItsClass() throws {
        let f = try Fixture.get()
        let rs = "qd28-2025"
        let expected = try f.program.classify(period: try Period.parse("2025").range(in: f.context.calendar), ruleSet: rs)
            .map { [Value.text($0.commune.name), .text($0.classCode)] }
        let got = try f.rows("SELECT c.name, k.class FROM communes c LEFT JOIN classification k ON k.commune = c.code AND k.period = '2025' AND k.rule_set = '\(rs)' ORDER BY c.code")
        #expect(got.count == f.program.settings.communes.count)
        #expect(got.count == 65)
        #expect(got.sorted { "\($0)" < "\($1)" } == expected.sorted { "\($0)" < "\($1)" })
        #expect(!got.contains { $0[1] == .null })
    }

    @Test func targetsAreTheAPIsProgress() throws {
        let f = try Fixture.get()
        let progress = try f.program.targetProgress()
        #expect(!progress.isEmpty)
        let expected: [[Value]] = progress.map { p in
            [.text(p.target.name), .text(p.target.kind.rawValue), .text(p.target.year.map(String.init) ?? Period.span(p.period).description), Self.v(p.value),
             .text("\(p.target.op.rawValue) \(p.target.written)"), .int(p.met ? 1 : 0), Self.t(p.holdingBack.map(\.commune.name).joined(separator: "; ")),
             .int(Int64(p.holdingBack.count)), Self.t(p.detail)]
        }
        let got = try f.rows("SELECT name, kind, period, value, target, met, holding_back, holding_back_count, detail FROM targets")
        #expect(got == expected)
        let one = try f.rows("SELECT name, kind, period, value, target, met, holding_back, holding_back_count, detail FROM targets WHERE name = '\(progress[0].target.name)'")
        #expect(one == [expected[0]])
    }

    @Test func communesNameTheirTargets() throws {
        let f = try Fixture.get()
        let targets = try f.program.targetBook().targets
        let named = f.program.settings.communes.filter { c in targets.contains { $0.communes.contains(c.ref.commune) } }
        #expect(!named.isEmpty, "a bundled target names communes of the tenant")
        let got = try f.rows("SELECT code, targets FROM communes WHERE targets IS NOT NULL ORDER BY code")
        let expected: [[Value]] = f.program.settings.communes.sorted { $0.ref.commune < $1.ref.commune }.compactMap { c in
            let names = targets.filter { $0.communes.contains(c.ref.commune) || $0.commune == c.ref.commune }.map(\.name)
            return names.isEmpty ? nil : [.int(Int64(c.ref.commune)), .text(names.joined(separator: "; "))]
        }
        #expect(got == expected)
        #expect(got.count < f.program.settings.communes.count)
    }

    @Test func schemaAndTablesListThem() throws {
        let f = try Fixture.get()
        let s = try f.session()
        final class Box: @unchecked Sendable { var out = "" }
        let box = Box()
        s.output = { box.out += $0 }
        #expect(s.run(".tables\n.schema classification"))
        #expect(box.out.contains("overdue  indicators  classification  classification_criteria  targets"), "\(box.out)")
        #expect(box.out.contains("CREATE TABLE classification (") && box.out.contains("  class TEXT,  -- class code"), "\(box.out)")
    }

    @Test func missingOrBadPeriodIsAClearError() throws {
        let f = try Fixture.get()
        for table in ["indicators", "classification", "classification_criteria"] {
            #expect(throws: (any Error).self) { try f.rows("SELECT * FROM \(table)") }
            do { _ = try f.rows("SELECT COUNT(*) FROM \(table) WHERE period > '2024'"); Issue.record("\(table) without = on period answered") } catch {
                #expect("\(error)".contains("\(table) needs its period") && "\(error)".contains("WHERE period = '2025'"), "\(error)")
            }
            do { _ = try f.rows("SELECT * FROM \(table) WHERE period = '2025-13'"); Issue.record("\(table) with a bad period answered") } catch {
                #expect("\(error)".contains("\(table).period = '2025-13'") && "\(error)".contains("month 13"), "\(error)")
            }
        }
        do { _ = try f.rows("SELECT * FROM classification WHERE period = '2025' AND rule_set = 'nope'"); Issue.record("unknown rule set answered") } catch {
            #expect("\(error)".contains("classification.rule_set = 'nope'") && "\(error)".contains("qd28-2025"), "\(error)")
        }
        // The session still answers afterwards.
        #expect(try f.rows("SELECT COUNT(*) FROM communes") == [[.int(Int64(f.program.settings.communes.count))]])
    }
}
