import Testing
@testable import HosoShell

@Suite struct LexerTests {
    @Test func tokensPositionsAndComments() throws {
        let t = try Lexer.tokens("SELECT count(*)\n  FROM persons -- a comment; not a statement\nWHERE full_name = 'Đỗ ''Hoa''' AND x <> 3 != 4")
        #expect(t.map(\.text) == ["SELECT", "count", "(", "*", ")", "FROM", "persons", "WHERE", "full_name", "=", "Đỗ 'Hoa'", "AND", "x", "<>", "3", "<>", "4", ""])
        #expect(t[5].location.line == 2 && t[5].location.column == 3)
        #expect(t[7].location.line == 3 && t[7].location.column == 1)
        #expect(t[10].kind == .string && t[10].length == 12)
        #expect(t[1].is("COUNT"))
        #expect(t.last?.kind == .end)
    }

    @Test func unterminatedStringPointsAtItsQuote() {
        #expect(throws: QueryError.self) { try Lexer.tokens("SELECT 'abc") }
        do { _ = try Lexer.tokens("SELECT *\nFROM x WHERE a = 'abc") } catch {
            #expect(error.location?.line == 2 && error.location?.column == 18)
            #expect(error.message.contains("unterminated string"))
        }
    }

    @Test func unexpectedCharacter() {
        do { _ = try Lexer.tokens("SELECT # FROM persons"); Issue.record("no error") } catch {
            #expect(error.location?.column == 8)
        }
    }

    @Test func completeStatements() {
        #expect(!Lexer.isComplete("SELECT 'a;b'"))
        #expect(Lexer.isComplete("SELECT 1;"))
        #expect(Lexer.isComplete("SELECT 1; -- done"))
        #expect(!Lexer.isComplete("SELECT 1 -- ;"))
        #expect(!Lexer.isComplete("SELECT 1; SELECT"))
    }
}
