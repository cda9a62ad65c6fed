import Foundation

/// A principal kept in the store: who may act on its tenants, in which role, limited to which
/// scopes, and which operating-system accounts act as it. The store keeps them in
/// `STORE/users.json` (mode 0600); the engine gives the roles and scopes no meaning of its own
/// (an ``AccessPolicy`` does), except that only an `admin` changes them.
///
/// ```swift
/// let officer = StoreUser(name: "lan", role: "officer", scopes: ["6184"], accounts: ["lan"])
/// try store.saveUser(officer, by: .system)
/// print(try store.users().map(\.name))   // ["lan"]
/// ```
public struct StoreUser: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A stable name: what the change log's facts name.
    public var name: String
    /// The role an access policy checks (`admin` may change the store's users).
    public var role: String
    /// What the role is limited to (an access policy decides what a scope names).
    public var scopes: [String]
    /// Operating-system accounts that act as this user.
    public var accounts: [String]
    /// The public half of the user's ``SealingIdentity`` (base64): what the data keys of a
    /// sealed tenant are wrapped for. `nil` until the user makes a key.
    public var publicKey: String?

    /// Creates a user.
    public init(name: String, role: String, scopes: [String] = [], accounts: [String] = [], publicKey: String? = nil) {
        self.name = name; self.role = role; self.scopes = scopes; self.accounts = accounts; self.publicKey = publicKey
    }

    /// The principal the user acts as.
    ///
    /// ```swift
    /// print(StoreUser(name: "lan", role: "officer", scopes: ["6184"]).principal)   // lan (officer)
    /// ```
    public var principal: Principal { Principal(name: name, role: role, scopes: scopes) }

    public var description: String { "\(name) (\(role))" }
}

extension Store {
    var usersFile: String { Self.usersFile(directory) }
    static func usersFile(_ directory: String) -> String { directory + "/users.json" }

    /// The store's users, by name.
    ///
    /// ```swift
    /// print(try store.users().isEmpty)   // true
    /// ```
    public func users() throws -> [StoreUser] { try Self.users(directory) }

    static func users(_ directory: String) throws -> [StoreUser] {
        let usersFile = usersFile(directory)
        guard let data = FileManager.default.contents(atPath: usersFile) else {
            if FileManager.default.fileExists(atPath: usersFile) {
                throw HosoError.invalidField(record: "store", field: "users", value: usersFile,
                                             reason: "cannot be read: \(String(cString: strerror(errno))); check its owner and mode (0600)")
            }
            return []
        }
        do {
            return try JSONDecoder().decode([StoreUser].self, from: data).sorted { $0.name < $1.name }
        } catch {
            throw HosoError.invalidField(record: "store", field: "users", value: usersFile,
                                         reason: "is not a users file Hoso wrote (\(error)); restore it from a backup")
        }
    }

    /// The user named `name`, if any.
    public func user(named name: String) throws -> StoreUser? { try users().first { $0.name == name } }

    /// Adds `user`, or replaces the user of the same name. Only an `admin` principal may, and
    /// an account acts as one user only.
    ///
    /// - Throws: ``HosoError/accessDenied(principal:operation:reason:)`` for anyone but an
    ///   admin; ``HosoError/invalidField(record:field:value:reason:)`` for an empty name or an
    ///   account another user already has.
    public func saveUser(_ user: StoreUser, by principal: Principal) throws {
        try changeUsers(by: principal, "change user \(user.name)") { users in
            guard !user.name.isEmpty, !user.name.contains(where: \.isWhitespace) else {
                throw HosoError.invalidField(record: "user", field: "name", value: user.name, reason: "must be a non-empty name without spaces")
            }
            for other in users where other.name != user.name {
                if let shared = other.accounts.first(where: user.accounts.contains) {
                    throw HosoError.invalidField(record: "user \(user.name)", field: "account", value: shared,
                                                 reason: "already acts as \(other.name); remove it there first")
                }
            }
            users.removeAll { $0.name == user.name }
            users.append(user)
        }
    }

    /// Records `publicKey` as the sealing key of `principal`'s user: any user sets its own
    /// (only it holds the private half); the store's owner acting as an admin without a user
    /// gets one, with its account. Keys are wrapped for it at the next key sync of each sealed
    /// tenant (``Tenant/syncKeys()``).
    ///
    /// ```swift
    /// try store.setPublicKey(SealingIdentity.generate().publicKey, of: Principal(name: "root", role: "admin"))
    /// print(try store.user(named: "root")?.publicKey != nil)   // true
    /// ```
    public func setPublicKey(_ publicKey: String, of principal: Principal) throws {
        _ = try KeyWrap.publicKey(publicKey, of: principal.name)
        try lock.exclusively {
            var users = try self.users()
            if let i = users.firstIndex(where: { $0.name == principal.name }) {
                users[i].publicKey = publicKey
            } else if principal.role == "admin" {
                users.append(StoreUser(name: principal.name, role: "admin", scopes: principal.scopes,
                                       accounts: ownerAccount == principal.name ? [principal.name] : [], publicKey: publicKey))
            } else {
                throw HosoError.accessDenied(principal: principal.name, operation: "set a sealing key", reason: "it is not a user of the store")
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try Durably.replace(file: usersFile, with: Array(try encoder.encode(users.sorted { $0.name < $1.name })))
        }
    }

    /// Removes the user named `name`; `false` when there was none. Only an `admin` may.
    @discardableResult
    public func removeUser(named name: String, by principal: Principal) throws -> Bool {
        var removed = false
        try changeUsers(by: principal, "remove user \(name)") { users in
            removed = users.contains { $0.name == name }
            users.removeAll { $0.name == name }
        }
        return removed
    }

    private func changeUsers(by principal: Principal, _ what: String, _ change: (inout [StoreUser]) throws -> Void) throws {
        guard principal.role == "admin" else {
            throw HosoError.accessDenied(principal: principal.name, operation: what, reason: "only an admin changes the store's users")
        }
        try lock.exclusively {
            var users = try self.users()
            try change(&users)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try Durably.replace(file: usersFile, with: Array(try encoder.encode(users.sorted { $0.name < $1.name })))
        }
    }

    /// The operating-system account that owns the store's directory: it acts as an admin
    /// unless a user claims it.
    public var ownerAccount: String? { Self.owner(of: directory) }

    static func owner(of directory: String) -> String? {
        var st = stat()
        guard stat(directory, &st) == 0, let pw = getpwuid(st.st_uid) else { return nil }
        return String(cString: pw.pointee.pw_name)
    }

    /// The principal an operating-system account acts as: the user that lists it, else, for
    /// the store's owner, an admin of the account's name.
    ///
    /// - Throws: ``HosoError/accessDenied(principal:operation:reason:)`` for any other account.
    ///
    /// ```swift
    /// try store.saveUser(StoreUser(name: "lan", role: "officer", scopes: ["6184"], accounts: ["lan"]), by: .system)
    /// print(try store.principal(forAccount: "lan"))   // lan (officer)
    /// ```
    public func principal(forAccount account: String) throws -> Principal { try Self.principal(forAccount: account, directory: directory) }

    static func principal(forAccount account: String, directory: String) throws -> Principal {
        if let user = try users(directory).first(where: { $0.accounts.contains(account) }) { return user.principal }
        let ownerAccount = owner(of: directory)
        if account == ownerAccount { return Principal(name: account, role: "admin") }
        throw HosoError.accessDenied(principal: account, operation: "use the store at \(directory)",
                                     reason: "the account is not one of its users: ask its owner (\(ownerAccount ?? "unknown")) to add it as a user with a role")
    }
}
