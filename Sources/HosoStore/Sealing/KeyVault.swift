import Crypto
import Foundation
import LMDB
import Synchronization

/// The sealing keys a handle holds: the data keys wrapped for its principal, opened with the
/// principal's ``SealingIdentity`` when a record first needs one, and the keys this handle
/// made for scopes that had none.
final class Keyring: Sendable {
    let identity: SealingIdentity
    /// The recipient name the keys are wrapped for (the principal's, or ``KeyVault/recoveryName``).
    let recipient: String
    /// An opened key, with an HMAC keyed by it (for blind digests). `SymmetricKey` and `HMAC`
    /// are not `Sendable` here, but neither is written after it is made (an HMAC is copied
    /// before it is fed; its storage is copy-on-write), so threads may share them.
    private final class Opened: @unchecked Sendable {
        let key: SymmetricKey
        let mac: HMAC<SHA256>
        init(_ key: SymmetricKey) { self.key = key; mac = HMAC<SHA256>(key: key) }
    }
    /// The opened keys by key id.
    private let keys = Mutex<[UInt64: Opened]>([:])

    /// The records this handle opened lately (see ``Store/Options/openedRecordCacheBytes``).
    let openedRecords: OpenedRecords
    /// The blind digests of values this handle looked up lately, by digest key id and value:
    /// two generations of at most `digestMemoCount` each (no more than the records kept).
    private let digests = Mutex<(newer: [DigestKey: String], older: [DigestKey: String])>(([:], [:]))
    private struct DigestKey: Hashable { let keyID: UInt64; let value: String }
    private var digestMemoCount: Int { openedRecords.budget / 1_024 }

    /// The blind digest of `value` under digest key `keyID`, remembered for the next lookup
    /// of the same value; `nil` when the handle does not hold the key.
    func digest(of value: String, keyID: UInt64, in txn: borrowing some TransactionProtocol & ~Copyable, meta: Database) throws -> String? {
        let key = DigestKey(keyID: keyID, value: value)
        if let known = digests.withLock({ $0.newer[key] ?? $0.older[key] }) { return known }
        guard let mac = try mac(keyID, in: txn, meta: meta) else { return nil }
        let digest = BlindDigest.of(value, using: mac)
        let limit = digestMemoCount
        if limit > 0 {
            digests.withLock { d in
                if d.newer.count >= limit { d.older = d.newer; d.newer = [:] }
                d.newer[key] = digest
            }
        }
        return digest
    }

    init(identity: SealingIdentity, recipient: String, cacheBytes: Int = 0) {
        self.identity = identity; self.recipient = recipient; openedRecords = OpenedRecords(budget: cacheBytes)
    }

    func add(_ key: SymmetricKey, id: UInt64) {
        keys.withLock { $0[id] = Opened(key) }
    }

    /// The key `id`, opened from its wrap for ``recipient`` in `txn` on first use; `nil` when
    /// none is wrapped for the recipient (not granted). A wrap that does not open is an error.
    func key(_ id: UInt64, in txn: borrowing some TransactionProtocol & ~Copyable, meta: Database) throws -> SymmetricKey? {
        try opened(id, in: txn, meta: meta)?.key
    }

    /// An HMAC keyed by key `id` (see ``key(_:in:meta:)``), to copy and feed.
    func mac(_ id: UInt64, in txn: borrowing some TransactionProtocol & ~Copyable, meta: Database) throws -> HMAC<SHA256>? {
        try opened(id, in: txn, meta: meta)?.mac
    }

    private func opened(_ id: UInt64, in txn: borrowing some TransactionProtocol & ~Copyable, meta: Database) throws -> Opened? {
        if let opened = keys.withLock({ $0[id] }) { return opened }
        guard let blob = try txn.get(meta, key: KeyVault.wrapKey(recipient: recipient, keyID: id)) else { return nil }
        let scope = try txn.get(meta, key: KeyVault.scopeOfKey(id)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let key = try KeyWrap.unwrap(blob, with: identity, context: KeyVault.wrapContext(keyID: id, scope: scope, recipient: recipient))
        let opened = Opened(key)
        keys.withLock { $0[id] = opened }
        return opened
    }
}

/// What a sealed tenant keeps in its metadata about its keys: which key seals each scope now,
/// what scope each key is for, every key wrapped for each recipient, the key of the blind
/// digests and the recovery key's public half. No key is kept in clear.
///
/// - `sealing` → version, digest key id, recovery public key
/// - `sealing.scope.SCOPE` → the current key id of SCOPE
/// - `sealing.key.ID` → the scope of key ID (16 hex digits)
/// - `sealing.wrap.RECIPIENT\0ID` → key ID wrapped for RECIPIENT
enum KeyVault {
    /// The recipient every key is also wrapped for: the holder of the recovery key.
    static let recoveryName = "#recovery"
    /// The scope of the key that computes blind digests (lookups of sealed values).
    static let digestScope = "#digest"

    static let stateKey = Array("sealing".utf8)
    static func currentKey(_ scope: String) -> [UInt8] { Array("sealing.scope.\(scope)".utf8) }
    static func scopeOfKey(_ id: UInt64) -> [UInt8] { Array("sealing.key.\(hex(id))".utf8) }
    static let wrapPrefix = Array("sealing.wrap.".utf8)
    static func wrapKey(recipient: String, keyID: UInt64) -> [UInt8] { wrapPrefix + Array(recipient.utf8) + [0] + Array(hex(keyID).utf8) }
    static func wrapContext(keyID: UInt64, scope: String, recipient: String) -> [UInt8] {
        FixedWidth.bytes(keyID) + Array(scope.utf8) + [0] + Array(recipient.utf8)
    }
    static func hex(_ id: UInt64) -> String { let s = String(id, radix: 16); return String(repeating: "0", count: 16 - s.count) + s }

    /// A tenant's sealing state.
    struct State: Sendable, Equatable {
        var digestKeyID: UInt64
        var recoveryPublicKey: String

        func encoded() -> [UInt8] {
            var w = RecordWriter(formatVersion: 1)
            w.write(1, digestKeyID)
            w.write(2, recoveryPublicKey)
            return w.bytes
        }
        static func decode(_ bytes: UnsafeRawBufferPointer) throws(HosoError) -> State {
            var r = try RecordReader(bytes, recordType: "sealing state")
            var s = State(digestKeyID: 0, recoveryPublicKey: "")
            while let f = try r.next() {
                switch f.number {
                case 1: s.digestKeyID = try f.uint64()
                case 2: s.recoveryPublicKey = try f.string()
                default: break
                }
            }
            return s
        }
    }

    static func state(in txn: borrowing some TransactionProtocol & ~Copyable, meta: Database) throws -> State? {
        guard let bytes = try txn.get(meta, key: stateKey) else { return nil }
        return try State.decode(bytes)
    }

    /// The digest key's id of a sealed tenant (`nil`: not sealed), read without decoding the
    /// rest of the state.
    static func digestKeyID(in txn: borrowing some TransactionProtocol & ~Copyable, meta: Database) throws -> UInt64? {
        guard let bytes = try txn.get(meta, key: stateKey) else { return nil }
        var r = try RecordReader(bytes, recordType: "sealing state")
        while let f = try r.next() { if f.number == 1 { return try f.uint64() } }
        return 0
    }

    static func current(_ scope: String, in txn: borrowing some TransactionProtocol & ~Copyable, meta: Database) throws -> UInt64? {
        try txn.get(meta, key: currentKey(scope)).map { FixedWidth.uint64($0) }
    }

    /// Whether `user` receives the keys of `scope`: an admin every key, a user limited to
    /// scopes the keys of those scopes and the digest key.
    static func receives(_ user: StoreUser, _ scope: String) -> Bool {
        guard user.publicKey != nil else { return false }
        if user.role == "admin" { return true }
        if scope == digestScope { return !user.scopes.isEmpty }
        return user.scopes.contains(scope)
    }

    /// Every key of the vault: id → scope.
    static func keys(in txn: borrowing some TransactionProtocol & ~Copyable, meta: Database) throws -> [UInt64: String] {
        let prefix = Array("sealing.key.".utf8)
        let cursor = try txn.cursor(meta)
        var out: [UInt64: String] = [:]
        var entry = try cursor.seek(atLeast: prefix)
        while let e = entry, e.key.starts(with: prefix) {
            if let id = UInt64(String(decoding: e.key.dropFirst(prefix.count), as: UTF8.self), radix: 16) {
                out[id] = String(decoding: e.value, as: UTF8.self)
            }
            entry = try cursor.next()
        }
        return out
    }

    /// Every wrap of the vault: (recipient, key id).
    static func wraps(in txn: borrowing some TransactionProtocol & ~Copyable, meta: Database) throws -> [(recipient: String, keyID: UInt64)] {
        let cursor = try txn.cursor(meta)
        var out: [(String, UInt64)] = []
        var entry = try cursor.seek(atLeast: wrapPrefix)
        while let e = entry, e.key.starts(with: wrapPrefix) {
            let rest = Array(e.key.dropFirst(wrapPrefix.count))
            if let zero = rest.firstIndex(of: 0), let id = UInt64(String(decoding: rest[(zero + 1)...], as: UTF8.self), radix: 16) {
                out.append((String(decoding: rest[..<zero], as: UTF8.self), id))
            }
            entry = try cursor.next()
        }
        return out
    }

    /// Makes a new key for `scope`, wraps it for every user that receives it and the recovery
    /// key, makes it the scope's current key and hands it to `keyring`: a writer needs no key
    /// to start a scope, only the recipients' public keys.
    @discardableResult
    static func makeKey(for scope: String, state: State, users: [StoreUser], keyring: Keyring?, in txn: borrowing WriteTransaction, meta: Database) throws -> (UInt64, SymmetricKey) {
        var id: UInt64 = 0
        repeat { id = UInt64.random(in: 1...UInt64.max) } while try txn.get(meta, key: scopeOfKey(id)) != nil
        let key = SymmetricKey(size: .bits256)
        try txn.put(meta, key: scopeOfKey(id), value: Array(scope.utf8))
        try wrap(key, id: id, scope: scope, for: users.filter { receives($0, scope) }, state: state, in: txn, meta: meta)
        if scope != digestScope { try txn.put(meta, key: currentKey(scope), value: FixedWidth.bytes(id)) }
        keyring?.add(key, id: id)
        return (id, key)
    }

    /// Wraps key `id` for `users` and the recovery key.
    static func wrap(_ key: SymmetricKey, id: UInt64, scope: String, for users: [StoreUser], state: State,
                     in txn: borrowing WriteTransaction, meta: Database) throws {
        var recipients = users.compactMap { u in u.publicKey.map { (u.name, $0) } }
        recipients.append((recoveryName, state.recoveryPublicKey))
        for (name, publicKey) in recipients {
            let blob = try KeyWrap.wrap(key, for: try KeyWrap.publicKey(publicKey, of: name),
                                        context: wrapContext(keyID: id, scope: scope, recipient: name))
            try txn.put(meta, key: wrapKey(recipient: name, keyID: id), value: blob)
        }
    }
}
