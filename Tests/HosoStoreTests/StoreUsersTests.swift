import Foundation
import Testing
@testable import HosoStore

/// The store's users: who an operating-system account acts as, who may change the users, and
/// that every write names the user.
@Suite struct StoreUsersTests {
    /// The account running the tests (it created the temporary stores, so it owns them).
    static var me: String { String(cString: getpwuid(geteuid())!.pointee.pw_name) }

    @Test func theOwnerIsAnAdminAndOtherAccountsAreRefusedUntilAdded() throws {
        let store = try temporaryStore()
        #expect(store.ownerAccount == Self.me)
        #expect(try store.principal(forAccount: Self.me) == Principal(name: Self.me, role: "admin"))
        #expect(throws: HosoError.self) { try store.principal(forAccount: "lan") }
        do {
            _ = try Store(directory: store.directory, options: .init(account: "lan"))
            Issue.record("an unknown account opened the store")
        } catch HosoError.accessDenied(let who, _, let reason) {
            #expect(who == "lan" && reason.contains("not one of its users") && reason.contains(Self.me))
        }

        let owner = try Store(directory: store.directory, options: .init(account: Self.me))
        try owner.saveUser(StoreUser(name: "lan", role: "officer", scopes: ["6184"], accounts: ["lan", "lan2"]), by: owner.principal)
        let lan = try Store(directory: store.directory, options: .init(account: "lan2"))
        #expect(lan.principal == Principal(name: "lan", role: "officer", scopes: ["6184"]))
        // A user claiming the owner's account makes the owner that user.
        try owner.saveUser(StoreUser(name: "boss", role: "analyst", accounts: [Self.me]), by: owner.principal)
        #expect(try store.principal(forAccount: Self.me) == Principal(name: "boss", role: "analyst"))
        #expect(try store.users().map(\.name) == ["boss", "lan"])
    }

    @Test func onlyAnAdminChangesUsersAndAnAccountActsAsOneUser() throws {
        let store = try temporaryStore()
        let officer = Principal(name: "lan", role: "officer")
        #expect(throws: HosoError.accessDenied(principal: "lan", operation: "change user x", reason: "only an admin changes the store's users")) {
            try store.saveUser(StoreUser(name: "x", role: "admin"), by: officer)
        }
        try store.saveUser(StoreUser(name: "a", role: "analyst", accounts: ["acc"]), by: .system)
        #expect(throws: HosoError.self) { try store.saveUser(StoreUser(name: "b", role: "analyst", accounts: ["acc"]), by: .system) }
        #expect(throws: HosoError.self) { try store.saveUser(StoreUser(name: "with space", role: "analyst"), by: .system) }
        #expect(throws: HosoError.self) { try store.removeUser(named: "a", by: officer) }
        // Replacing keeps one user of the name.
        try store.saveUser(StoreUser(name: "a", role: "auditor", accounts: ["acc"]), by: .system)
        #expect(try store.users() == [StoreUser(name: "a", role: "auditor", accounts: ["acc"])])
        #expect(try store.removeUser(named: "a", by: .system))
        #expect(try !store.removeUser(named: "a", by: .system))
        #expect(try store.users().isEmpty)
    }

    @Test func theUsersFileIsTheOwnersAndABrokenOneSaysSo() throws {
        let store = try temporaryStore()
        try store.saveUser(StoreUser(name: "a", role: "analyst"), by: .system)
        var st = stat()
        #expect(stat(store.directory + "/users.json", &st) == 0 && st.st_mode & 0o777 == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.directory).filter { $0.hasPrefix("users.json.") }.isEmpty)
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: store.directory + "/users.json"))
        do {
            _ = try store.users()
            Issue.record("a broken users file was read")
        } catch HosoError.invalidField(_, let field, let value, let reason) {
            #expect(field == "users" && value.hasSuffix("users.json") && reason.contains("restore it from a backup"))
        }
    }

    @Test func everyWriteNamesTheUserTheAccountActsAs() throws {
        let setup = try temporaryStore()
        try setup.saveUser(StoreUser(name: "lan", role: "officer", scopes: ["1"], accounts: ["lan"]), by: .system)
        let store = try Store(directory: setup.directory, options: .init(account: "lan"))
        let t = try store.createTenant(TenantInfo(name: "t"), schema: SafetyTests.schema)
        #expect(try t.info().createdBy == "lan")
        try t.bulkLoad(SafetyTests.items(1...5))
        try t.write { try $0.put(SafetyTests.items(6...6)[0]) }
        // Reopened through a store of another account, writes name that one.
        let ownerStore = try Store(directory: setup.directory, options: .init(account: Self.me))
        let again = try ownerStore.openTenant("t", schema: SafetyTests.schema)
        try again.write { _ = try $0.delete(Item.self, id: 1) }
        let actors = try again.changes(after: 0).map(\.actor)
        #expect(actors.count >= 4)
        #expect(actors.dropLast().allSatisfy { $0 == "lan" }, "\(actors)")
        #expect(actors.last == Self.me)
        // A principal named in the call wins over the store's.
        let tool = try ownerStore.openTenant("t", schema: SafetyTests.schema, as: Principal(name: "import.job"))
        try tool.write { _ = try $0.delete(Item.self, id: 2) }
        #expect(try tool.changes(after: 0).last?.actor == "import.job")
    }
}
