import Foundation
import HosoDomain
import Testing
@testable import HosoShell

/// Conditions nested or chained far beyond what a person writes: a nesting past
/// ``Parser/maxNestingDepth`` is refused with an error at the `(` or `NOT` that goes past it,
/// a flat chain of AND or OR of any length is answered; none of it may exhaust the stack. Every
/// statement runs on a thread with a 512 KiB stack.
@Suite struct DeepConditionTests {
    let prefix = "SELECT COUNT(*) FROM persons WHERE "

    /// Runs `sql` in a fresh session on a 512 KiB stack: whether it succeeded, its output and its errors.
    func run(_ sql: String, continueOnError: Bool = false) throws -> (ok: Bool, out: String, err: String) {
        nonisolated(unsafe) let session = try Fixture.get().session()
        final class Box: @unchecked Sendable { var out = ""; var err = "" }
        let box = Box()
        session.output = { box.out += $0 }
        session.errors = { box.err += $0 }
        session.formatter.mode = .csv
        session.formatter.headers = false
        let ok = onSmallStack { session.run(sql, continueOnError: continueOnError) }
        return (ok, box.out, box.err)
    }

    /// The error of parsing `sql` on a 512 KiB stack (nil when it parses).
    func parseError(_ sql: String) -> QueryError? {
        onSmallStack { () -> QueryError? in
            do throws(QueryError) { _ = try Parser.parse(sql); return nil } catch { return error }
        }
    }

    func count(_ f: Fixture, _ predicate: (Person) -> Bool) -> Int { f.persons.filter(predicate).count }

    func addicts(_ f: Fixture) -> Int { count(f) { $0.status(on: f.today) == .addict } }

    @Test func hundredThousandNestedParenthesesAreRefusedAtTheFirstOnePastTheLimit() throws {
        let n = 100_000
        let sql = prefix + String(repeating: "(", count: n) + "status = 'addict'" + String(repeating: ")", count: n) + ";"
        let e = try #require(parseError(sql))
        #expect(e.message == "the condition nests too deeply: at most 100 levels of parentheses and NOT are allowed (a flat chain of AND or OR is not limited)")
        #expect(e.location?.line == 1 && e.location?.column == prefix.count + Parser.maxNestingDepth + 1)
        let r = try run(sql)
        #expect(!r.ok && r.out.isEmpty)
        #expect(r.err.hasPrefix("error at line 1, column \(prefix.count + 101): the condition nests too deeply: at most 100 levels"))
        // The caret is under the 101st parenthesis.
        let lines = r.err.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count >= 3 && lines[2] == "  " + String(repeating: " ", count: prefix.count + 100) + "^")
    }

    @Test func hundredThousandNestedNotsAreRefusedAtTheFirstOnePastTheLimit() throws {
        let sql = prefix + String(repeating: "NOT ", count: 100_000) + "minor"
        let e = try #require(parseError(sql))
        #expect(e.message.hasPrefix("the condition nests too deeply: at most 100 levels"))
        #expect(e.location?.column == prefix.count + 100 * 4 + 1 && e.length == 3)
        let r = try run(sql)
        #expect(!r.ok && r.out.isEmpty && r.err.contains("nests too deeply"))
    }

    @Test func nestingUpToTheLimitIsAnswered() throws {
        let f = try Fixture.get()
        let limit = Parser.maxNestingDepth
        // 100 parentheses, 100 NOTs (an even number: the same as none), and 50 of each mixed.
        let parens = prefix + String(repeating: "(", count: limit) + "status = 'addict'" + String(repeating: ")", count: limit)
        let nots = prefix + String(repeating: "NOT ", count: limit) + "status = 'addict'"
        let mixed = prefix + String(repeating: "NOT (", count: limit / 2) + "status = 'addict'" + String(repeating: ")", count: limit / 2)
        for sql in [parens, nots, mixed] {
            let r = try run(sql)
            #expect(r.ok && r.err.isEmpty, "\(r.err)")
            #expect(r.out == "\(addicts(f))\n")
        }
        // One more level is refused, at the token past the limit.
        #expect(parseError(prefix + String(repeating: "(", count: limit + 1) + "minor" + String(repeating: ")", count: limit + 1))?.location?.column == prefix.count + limit + 1)
        let over = try #require(parseError(prefix + String(repeating: "NOT (", count: limit / 2 + 1) + "minor" + String(repeating: ")", count: limit / 2 + 1)))
        #expect(over.location?.column == prefix.count + (limit / 2) * 5 + 1)   // the 51st NOT
        #expect(over.message.contains("at most 100 levels"))
    }

    @Test func deepAlternationOfAndAndOrIsBoundEvaluatedAndExplained() throws {
        // (status = 'addict' AND (minor OR (… status = 'addict' …))): each level is
        // evaluated all the way down for the persons who are not minors and are addicts.
        var condition = "status = 'addict'"
        for i in 0..<Parser.maxNestingDepth { condition = i % 2 == 0 ? "(minor OR \(condition))" : "(status = 'addict' AND \(condition))" }
        let deep = try run(prefix + condition + " AND NOT minor")
        #expect(deep.ok && deep.err.isEmpty, "\(deep.err)")
        let shallow = try run(prefix + "status = 'addict' AND NOT minor")
        #expect(deep.out == shallow.out && !deep.out.isEmpty)
        let explain = try run("EXPLAIN " + prefix + condition + " AND NOT minor")
        #expect(explain.ok && explain.out.contains("filter: (minor) OR ((status = 'addict') AND ((minor) OR ((status = 'addict') AND ("), "\(explain.out)")
        // One more level is an error.
        let e = try #require(parseError(prefix + "(" + condition + ")"))
        #expect(e.message.contains("nests too deeply"))
    }

    @Test func hundredThousandAndedTermsAreAnswered() throws {
        let f = try Fixture.get()
        let n = 100_000
        // A count index answers it (every term is the same restriction).
        let same = prefix + Array(repeating: "status = 'addict'", count: n).joined(separator: " AND ")
        let a = try run(same)
        #expect(a.ok && a.err.isEmpty, "\(a.err)")
        #expect(a.out == "\(addicts(f))\n")
        // Rows from an index, each checked against all the terms.
        let p = try #require(f.persons.first { $0.status(on: f.today) == .addict })
        let byID = "SELECT id FROM persons WHERE " + (0..<n).map { $0 % 2 == 0 ? "id = \(p.id)" : "status = 'addict'" }.joined(separator: " AND ")
        let b = try run(byID)
        #expect(b.ok && b.out == "\(p.id)\n", "\(b.err)")
        // A scan with every term evaluated on every row.
        let notMinor = prefix + Array(repeating: "NOT minor", count: n).joined(separator: " AND ")
        let c = try run(notMinor)
        let once = try run(prefix + "NOT minor")
        #expect(c.ok && c.out == once.out && !once.out.isEmpty, "\(c.err)")
    }

    @Test func hundredThousandOredTermsAreAnswered() throws {
        let f = try Fixture.get()
        let codes = f.context.communes.entries.map(\.ref.commune).sorted()
        let some = Array(codes.prefix(10))
        // Terms naming 10 of the communes, among terms naming none.
        let terms = (0..<100_000).map { i in i % 10_000 == 0 ? "code = \(some[i / 10_000])" : "code = \(-1 - i)" }
        let r = try run("SELECT COUNT(*) FROM communes WHERE " + terms.joined(separator: " OR "))
        #expect(r.ok && r.out == "10\n", "\(r.err)")
    }

    @Test func mixedLongChainsInsideNestingAreAnswered() throws {
        let f = try Fixture.get()
        // 50 levels of NOT ( … ), around a chain of 50,000 ANDs and 50,000 ORs.
        let chain = Array(repeating: "status = 'addict'", count: 50_000).joined(separator: " AND ") + " OR "
            + Array(repeating: "status = 'addict'", count: 50_000).joined(separator: " OR ")
        let sql = prefix + String(repeating: "NOT (", count: 50) + chain + String(repeating: ")", count: 50)
        let r = try run(sql)
        #expect(r.ok && r.out == "\(addicts(f))\n", "\(r.err)")
        // The same chain one level too deep: the error, not a crash.
        let over = prefix + String(repeating: "NOT (", count: 51) + chain + String(repeating: ")", count: 51)
        let e = try run(over)
        #expect(!e.ok && e.err.contains("nests too deeply"))
        // NOT and parentheses alternating without spaces, far past the limit, with a stray ')' at the end.
        let e2 = try run(prefix + String(repeating: "NOT(", count: 100_000) + "minor))")
        #expect(!e2.ok && e2.err.contains("nests too deeply"))
    }

    @Test func deeplyNestedConditionsCompareAndHashWithoutRecursion() throws {
        // Equality and hashing of statements and bound predicates walk the tree with their own stack.
        var condition = "minor"
        for i in 0..<Parser.maxNestingDepth { condition = i % 2 == 0 ? "(status = 'addict' OR \(condition))" : "NOT \(condition)" }
        let sql = prefix + condition
        let same = onSmallStack { () -> Bool in
            guard let a = try? Parser.parse(sql), let b = try? Parser.parse(sql) else { return false }
            return a == b && a.hashValue == b.hashValue
        }
        #expect(same)
        let predicates = try onSmallStack { () throws(QueryError) -> (HosoShell.Predicate, HosoShell.Predicate) in
            guard case .select(let s) = try Parser.parse(sql), let c = s.condition else { throw QueryError("no condition", location: nil) }
            let binder = Binder(context: try! Fixture.get().context)
            return (try binder.bind(c, in: .persons), try binder.bind(c, in: .persons))
        }
        #expect(onSmallStack { predicates.0 == predicates.1 && predicates.0.hashValue == predicates.1.hashValue })
        let other = onSmallStack { () -> Bool in
            guard let a = try? Parser.parse(sql), let b = try? Parser.parse(sql.replacingOccurrences(of: "minor", with: "psychosis")) else { return true }
            return a == b
        }
        #expect(!other)
    }
}
