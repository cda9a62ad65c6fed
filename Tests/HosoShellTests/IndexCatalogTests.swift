import Foundation
import HosoDomain
import Testing
@testable import HosoShell

/// `.indexes` and EXPLAIN name the schema's indexes as the engine describes them.
@Suite struct IndexCatalogTests {
    @Test func indexesListsEveryIndexOfTheSchemaWithWhatThePlannerAnswersFromIt() throws {
        let text = Plan.indexCatalogText()
        let catalog = ProgramTenant.indexCatalog
        #expect(catalog.count == ProgramTenant.schema.recordTypes.map(\.indexes.count).reduce(0, +))
        for d in catalog {
            #expect(text.contains(d.recordType + "." + d.name + " "), "\(d.recordType).\(d.name) is missing from .indexes")
            #expect(text.contains(d.keyLayout), "the key layout of \(d.name) is missing")
        }
        // Every index the planner names is one of the schema's.
        for (index, _) in Plan.statementsServed {
            #expect(catalog.contains { $0.index === index }, "\(index.name) is not an index of the program's schema")
        }
    }

    @Test func explainNamesIndexesOfTheSchema() throws {
        let f = try Fixture.get()
        let names = Set(ProgramTenant.indexCatalog.map { $0.recordType + "." + $0.name })
        for sql in ["SELECT * FROM persons WHERE national_id = '020090001234'",
                    "SELECT COUNT(*) FROM persons WHERE status = 'addict' AS OF '2025-06-01'",
                    "SELECT * FROM persons WHERE status = 'addict'",
                    "SELECT * FROM events WHERE date = '2025-06'"] {
            let lines = try f.plan(sql).explain()
            let named = lines.flatMap { $0.split(whereSeparator: { " ():,".contains($0) }).map(String.init) }.filter { $0.hasPrefix("person.") || $0.hasPrefix("event.") }
            #expect(!named.isEmpty, "\(sql): \(lines)")
            for n in named { #expect(names.contains(n), "\(sql) names \(n), which the schema does not have") }
        }
    }
}
