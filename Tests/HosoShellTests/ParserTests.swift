import Testing
@testable import HosoShell

@Suite struct ParserTests {
    @Test func fullSelect() throws {
        let s = try Parser.parse("""
            select commune_name, COUNT(*), sum(plants) from events
            where (kind = 'drug_case' or kind IN ('tip', 'hotspot')) and not mobile_trial and date between '2025-01-01' and '2025-06-30'
            and note_free IS NOT NULL and commune_name LIKE 'Xã%' and date in report year 2025
            group by commune_name order by 2 desc, commune_name limit 10 offset 5;
            """)
        guard case .select(let q) = s else { Issue.record("not a select"); return }
        #expect(q.items.count == 3)
        #expect(q.table == "events")
        #expect(q.groupBy.map(\.name) == ["commune_name"])
        #expect(q.orderBy.count == 2 && q.orderBy[0].position == 2 && q.orderBy[0].descending)
        #expect(q.limit == 10 && q.offset == 5)
        guard case .and = q.condition else { Issue.record("expected AND at the top"); return }
    }

    @Test func asOfBeforeOrAfterWhere() throws {
        for text in ["SELECT COUNT(*) FROM persons AS OF '10/12/2025' WHERE status = 'addict'",
                     "SELECT COUNT(*) FROM persons WHERE status = 'addict' AS OF '10/12/2025'"] {
            guard case .select(let q) = try Parser.parse(text) else { Issue.record("not a select"); return }
            #expect(q.asOf?.0 == "10/12/2025")
        }
    }

    @Test func explainAndDelete() throws {
        guard case .explain = try Parser.parse("EXPLAIN SELECT * FROM persons") else { Issue.record("no explain"); return }
        guard case .delete(let table, let id, _) = try Parser.parse("DELETE FROM persons WHERE id = 42;") else { Issue.record("no delete"); return }
        #expect(table == "persons" && id == 42)
    }

    @Test func scriptOfSeveralStatements() throws {
        var p = try Parser("SELECT * FROM communes;; SELECT COUNT(*) FROM persons -- end\n")
        var n = 0
        while try p.next() != nil { n += 1 }
        #expect(n == 2)
    }

    func error(_ text: String) -> QueryError? {
        do { _ = try Parser.parse(text); return nil } catch { return error }
    }

    @Test func missingFromPointsAtTheToken() throws {
        let e = try #require(error("SELECT * persons"))
        #expect(e.message.hasPrefix("expected FROM after the column list"))
        #expect(e.location?.line == 1 && e.location?.column == 10)
        let rendered = e.render(source: "SELECT * persons")
        #expect(rendered == "error at line 1, column 10: expected FROM after the column list (or ',' between columns), found 'persons'\n  SELECT * persons\n           ^^^^^^^")
    }

    @Test func errorsOnLaterLines() throws {
        let e = try #require(error("SELECT *\nFROM persons\nWHERE status = "))
        #expect(e.location?.line == 3 && e.location?.column == 16)
        #expect(e.message.contains("expected a column name or a value, found end of input"))
        let f = try #require(error("SELECT * FROM persons WHERE status NOT 'x'"))
        #expect(f.message.contains("expected BETWEEN, IN or LIKE after NOT"))
        let g = try #require(error("SELECT * FROM persons LIMIT ten"))
        #expect(g.message.contains("expected a whole number after LIMIT"))
        let h = try #require(error("SELECT FROM persons"))
        #expect(h.location?.column == 8)
        let i = try #require(error("SELECT COUNT(id) FROM persons"))
        #expect(i.message.contains("only COUNT(*)"))
    }
}
