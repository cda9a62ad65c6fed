import Testing
@testable import HosoStore

/// A continuation token continues exactly the query that made it: the same record scan, or the
/// same index over the same key range.
@Suite struct ContinuationTests {
    static let schema = Schema([Item.schema])

    static func tenant() throws -> Tenant {
        let t = try temporaryStore().createTenant(TenantInfo(name: "t"), schema: schema)
        let items = (1...90).map { (i: Int) -> Item in
            Item(id: RecordID(i), group: Int64(i % 3), tag: i % 2 == 0 ? "a" : "b", code: nil, start: 20_000, end: nil, amount: 1)
        }
        try t.bulkLoad(items)
        return t
    }

    @Test func aTokenFromAnotherRangeOfTheSameIndexIsRefused() throws {
        let t = try Self.tenant()
        let token = try #require(try t.read { try $0.ids(in: Item.byGroup, .prefix([1]), limit: 5) { _, _ in true } })
        // The same query goes on, after the fifth id.
        var rest: [RecordID] = []
        try t.read { try $0.ids(in: Item.byGroup, .prefix([1]), after: token) { _, id in rest.append(id); return true } }
        #expect(rest == (1...90).filter { $0 % 3 == 1 }.dropFirst(5).map(RecordID.init))
        // Every other range of the same index, and the same range of another index, is refused.
        let others: [(IndexDefinition, KeyRange)] = [
            (Item.byGroup, .prefix([2])), (Item.byGroup, .all), (Item.byGroup, .exactly([1])),
            (Item.byGroup, .between([1], [2])), (Item.byGroup, .prefix([1, 0])), (Item.byTagGroup, .prefix([1])),
        ]
        for (index, range) in others {
            #expect(throws: HosoError.self, "\(index) \(range)") {
                try t.read { try $0.ids(in: index, range, after: token) { _, _ in true } }
            }
        }
        // The refusal names both queries.
        do {
            try t.read { try $0.ids(in: Item.byGroup, .prefix([2]), after: token) { _, _ in true } }
        } catch let HosoError.invalidContinuation(_, reason) {
            #expect(reason.contains("item.group under prefix (1)") && reason.contains("item.group under prefix (2)"), "\(reason)")
        }
        // The text form round-trips and keeps the binding.
        let again = try #require(Continuation(token.description))
        #expect(again == token)
        #expect(throws: HosoError.self) { try t.read { try $0.ids(in: Item.byGroup, .prefix([2]), after: again) { _, _ in true } } }
    }

    @Test func scanAndIndexTokensDoNotMix() throws {
        let t = try Self.tenant()
        let scanToken = try #require(try t.read { try $0.scan(Item.self, limit: 10) { _ in true } })
        let indexToken = try #require(try t.read { try $0.ids(in: Item.byGroup, limit: 10) { _, _ in true } })
        #expect(throws: HosoError.self) { try t.read { try $0.ids(in: Item.byGroup, after: scanToken) { _, _ in true } } }
        #expect(throws: HosoError.self) { try t.read { try $0.scan(Item.self, after: indexToken) { _ in true } } }
        var ids: [RecordID] = []
        try t.read { try $0.scan(Item.self, after: scanToken) { ids.append($0.id); return true } }
        #expect(ids == Array(11...90))
        // Tokens of the old format (a 32-bit hash of the scope) do not parse.
        #expect(Continuation("cAQAAAAAAAAAAAAAAAAK") == nil)
    }
}
