import Crypto
import Foundation
import LMDB

/// What a sealed tenant's keys are, without any key: which scopes have a key, who each key is
/// wrapped for, and how many records are stored sealed and in clear.
///
/// ```swift
/// let status = try tenant.sealingStatus()
/// print(status.isSealed, status.scopes.isEmpty)   // false true
/// ```
public struct SealingStatus: Sendable, Hashable {
    /// Whether the tenant seals personal fields (``Tenant/seal(recoveryPublicKey:)``).
    public var isSealed: Bool
    /// Each scope's current key: its id (hex) and the recipients it is wrapped for, by scope.
    public var scopes: [String: (keyID: String, recipients: [String])] { _scopes.mapValues { ($0.keyID, $0.recipients) } }
    var _scopes: [String: ScopeKey]
    /// The recipients of the digest key.
    public var digestRecipients: [String]
    /// Records stored sealed, by record type.
    public var sealedRecords: [String: Int]
    /// Records stored in clear, by record type (those naming no sealing scope, or without
    /// personal fields).
    public var clearRecords: [String: Int]

    struct ScopeKey: Sendable, Hashable { var keyID: String; var recipients: [String] }

    public static func == (a: SealingStatus, b: SealingStatus) -> Bool {
        a.isSealed == b.isSealed && a._scopes == b._scopes && a.digestRecipients == b.digestRecipients
            && a.sealedRecords == b.sealedRecords && a.clearRecords == b.clearRecords
    }
    public func hash(into h: inout Hasher) { h.combine(isSealed); h.combine(_scopes); h.combine(sealedRecords) }
}

/// What a change of a tenant's keys did.
public struct KeyChange: Sendable, Hashable, CustomStringConvertible {
    /// Records whose sealed fields were written again (sealed for the first time, or under a
    /// new key).
    public var recordsSealed = 0
    /// Change-log copies of records written again likewise.
    public var logCopiesSealed = 0
    /// Keys wrapped for a recipient.
    public var wrapsAdded = 0
    /// Wraps removed from recipients no longer entitled.
    public var wrapsRemoved = 0
    /// Keys a recipient is entitled to that this handle could not wrap, not holding them.
    public var keysNotHeld = 0

    public var description: String {
        "\(recordsSealed) records and \(logCopiesSealed) log copies sealed, \(wrapsAdded) key wraps added, \(wrapsRemoved) removed"
            + (keysNotHeld > 0 ? ", \(keysNotHeld) keys not held by this handle (an admin holding them runs the sync)" : "")
    }
}

extension Tenant {
    /// Another handle on the tenant that opens the sealed fields whose keys are wrapped for
    /// its principal, with `identity` (see ``Store/Options/identity``).
    public func unlocked(with identity: SealingIdentity) -> Tenant {
        Tenant(core: core, principal: principal, policy: policy, readLogging: readLogging,
               keys: Keyring(identity: identity, recipient: principal.name, cacheBytes: core.store.options.openedRecordCacheBytes))
    }

    /// A handle holding every key, opened with the recovery key made when the tenant was
    /// sealed: for the lost-key procedure, where it re-wraps the keys for the users now
    /// entitled (``syncKeys()``).
    public func recovering(with recoveryKey: SealingIdentity) -> Tenant {
        Tenant(core: core, principal: principal, policy: policy, readLogging: readLogging,
               keys: Keyring(identity: recoveryKey, recipient: KeyVault.recoveryName, cacheBytes: core.store.options.openedRecordCacheBytes))
    }

    /// Whether this handle holds the key of `scope` (it opens the sealed fields of that scope).
    public func holdsKey(of scope: String) throws -> Bool {
        try core.environment.read { txn in
            guard let keys, let id = try KeyVault.current(scope, in: txn, meta: core.meta) else { return false }
            return try keys.key(id, in: txn, meta: core.meta) != nil
        }
    }

    /// Runs `body` in a write session of an administrator's operation on the keys, with this
    /// handle's keys (or, with none, a keyring of its own for the keys the operation makes).
    private func keyOperation<T>(_ what: String, _ body: (WriteSession) throws -> T) throws -> T {
        try policy.authorize(.administer(what), by: principal)
        guard principal.role == "admin" else {
            throw HosoError.accessDenied(principal: principal.name, operation: what, reason: "only an admin changes a tenant's keys")
        }
        let keyring = keys ?? Keyring(identity: .generate(), recipient: "#\(principal.name)")
        do {
            return try core.environment.write { txn in
                let session = WriteSession(core: core, transaction: txn, actor: principal.name, keys: keyring)
                try session.begin()
                let result = try body(session)
                try session.finish()
                return result
            }
        } catch { throw HosoError.wrap(error) }
    }

    /// Seals the tenant: from now on the personal fields of every record that names a
    /// ``StoredRecord/sealingScope`` are stored AES-GCM sealed under the key of that scope, and
    /// the values it is looked up by are indexed as keyed digests. Every record and every
    /// change-log copy stored in clear is sealed now, in one write; the free pages that held
    /// them still do until ``Store/scrubTenant(_:)`` (run it next). Each scope's key is made
    /// when the first record of the scope is sealed, and wrapped for every store user
    /// entitled (an admin, or a user whose scopes name it, with a ``StoreUser/publicKey``)
    /// and for `recoveryPublicKey`, whose private half the caller keeps offline. Only an admin
    /// seals; the handle needs no key.
    ///
    /// ```swift
    /// let recovery = SealingIdentity.generate()
    /// let done = try tenant.seal(recoveryPublicKey: recovery.publicKey)
    /// print(done.recordsSealed >= 0, try tenant.sealingStatus().isSealed)   // true true
    /// ```
    @discardableResult
    public func seal(recoveryPublicKey: String) throws -> KeyChange {
        _ = try KeyWrap.publicKey(recoveryPublicKey, of: "the recovery key")
        return try keyOperation("seal the tenant") { session in
            guard session.sealing == nil else {
                throw HosoError.sealing(what: "seal tenant \(name)", reason: "it is sealed already; hoso keys rotate changes its keys")
            }
            var state = KeyVault.State(digestKeyID: 0, recoveryPublicKey: recoveryPublicKey)
            let users = try core.store.users()
            state.digestKeyID = try KeyVault.makeKey(for: KeyVault.digestScope, state: state, users: users, keyring: session.keys,
                                                     in: session.write, meta: core.meta).0
            try session.write.put(core.meta, key: KeyVault.stateKey, value: state.encoded())
            session.sealing = state
            var change = try session.reseal { $0 == nil }
            change.wrapsAdded = try KeyVault.wraps(in: session.write, meta: core.meta).count
            try session.appendChange(.keys, type: nil, ids: [], detail: "sealed the tenant: \(change)")
            return change
        }
    }

    /// Wraps every key for the store users now entitled to it and removes the wraps of users
    /// no longer entitled (a user removed, a scope taken away, a new public key after a lost
    /// key): run it after changing the store's users. It wraps only keys this handle holds
    /// (an admin's, or a ``recovering(with:)`` handle's); removing a wrap does not take away
    /// what its holder already read or copied (``rotateKeys(scopes:)`` does that).
    ///
    /// ```swift
    /// print(try tenant.syncKeys().wrapsAdded >= 0)   // true
    /// ```
    @discardableResult
    public func syncKeys() throws -> KeyChange {
        try keyOperation("change the tenant's keys") { session in
            guard let state = session.sealing else { return KeyChange() }
            let change = try session.syncWraps(state: state)
            if change.wrapsAdded + change.wrapsRemoved > 0 {
                try session.appendChange(.keys, type: nil, ids: [], detail: "synchronized the key wraps: \(change)")
            }
            return change
        }
    }

    /// Replaces the keys of `scopes` (every scope when `nil`) by new ones and seals every
    /// record and change-log copy sealed under an old key again under the new one; the old
    /// keys are deleted, so a copy of an old key (a leaked key file, a revoked officer's)
    /// opens nothing written from now on nor anything stored. Run ``Store/scrubTenant(_:)``
    /// next: until then free pages hold the old sealed forms. The handle must hold the keys.
    ///
    /// ```swift
    /// try tenant.seal(recoveryPublicKey: SealingIdentity.generate().publicKey)
    /// print(try tenant.rotateKeys().recordsSealed)   // 0
    /// ```
    @discardableResult
    public func rotateKeys(scopes: [String]? = nil) throws -> KeyChange {
        try keyOperation("rotate the tenant's keys") { session in
            guard let state = session.sealing else {
                throw HosoError.sealing(what: "rotate the keys of tenant \(name)", reason: "it is not sealed")
            }
            let all = try KeyVault.keys(in: session.write, meta: core.meta)
            var old: Set<UInt64> = []
            for (id, scope) in all where scope != KeyVault.digestScope && (scopes?.contains(scope) ?? true) {
                guard try KeyVault.current(scope, in: session.write, meta: core.meta) == id else { continue }
                guard try session.keys?.key(id, in: session.write, meta: core.meta) != nil else {
                    throw session.noKey("rotate the key of scope \(scope)", scope: scope)
                }
                old.insert(id)
                try KeyVault.makeKey(for: scope, state: state, users: try core.store.users(), keyring: session.keys,
                                     in: session.write, meta: core.meta)
            }
            if let scopes, let unknown = scopes.first(where: { s in !all.values.contains(s) }) {
                throw HosoError.sealing(what: "rotate the key of scope \(unknown)", reason: "the tenant has no key for it (no record of it is sealed)")
            }
            var change = try session.reseal { $0.map(old.contains) ?? false }
            for id in old {
                _ = try session.write.delete(core.meta, key: KeyVault.scopeOfKey(id))
                for w in try KeyVault.wraps(in: session.write, meta: core.meta) where w.keyID == id {
                    _ = try session.write.delete(core.meta, key: KeyVault.wrapKey(recipient: w.recipient, keyID: id))
                    change.wrapsRemoved += 1
                }
            }
            change.wrapsAdded = try KeyVault.wraps(in: session.write, meta: core.meta).count
            try session.appendChange(.keys, type: nil, ids: [], detail: "rotated \(old.count) keys: \(change)")
            return change
        }
    }

    /// The tenant's keys and sealed records, without key material. Only an admin reads it.
    public func sealingStatus() throws -> SealingStatus {
        try policy.authorize(.administer("read the tenant's keys"), by: principal)
        return try core.environment.read { txn in
            var status = SealingStatus(isSealed: false, _scopes: [:], digestRecipients: [], sealedRecords: [:], clearRecords: [:])
            guard let state = try KeyVault.state(in: txn, meta: core.meta) else { return status }
            status.isSealed = true
            let keys = try KeyVault.keys(in: txn, meta: core.meta)
            let wraps = try KeyVault.wraps(in: txn, meta: core.meta)
            for (id, scope) in keys {
                let recipients = wraps.filter { $0.keyID == id }.map(\.recipient).sorted()
                if id == state.digestKeyID { status.digestRecipients = recipients; continue }
                if try KeyVault.current(scope, in: txn, meta: core.meta) == id {
                    status._scopes[scope] = .init(keyID: KeyVault.hex(id), recipients: recipients)
                }
            }
            for (name, t) in core.types {
                let cursor = try txn.cursor(t.records)
                var entry = try cursor.first()
                var sealed = 0, clear = 0
                while let e = entry {
                    if SealedRecord.isSealed(e.value) { sealed += 1 } else { clear += 1 }
                    entry = try cursor.next()
                }
                status.sealedRecords[name] = sealed; status.clearRecords[name] = clear
            }
            return status
        }
    }
}

extension TenantReader {
    /// The value an index of a sealed tenant keeps in place of `value` (its keyed digest), or
    /// `value` itself in a tenant that is not sealed: what a lookup by a sealed value (a
    /// national ID) asks the index for.
    ///
    /// - Throws: ``HosoError/sealing(what:reason:)`` when the tenant is sealed and the handle
    ///   does not hold the digest key.
    public func lookupValue(_ value: String) throws -> String {
        guard let digestKeyID = try KeyVault.digestKeyID(in: txn, meta: core.meta) else { return value }
        guard let digest = try keys?.digest(of: value, keyID: digestKeyID, in: txn, meta: core.meta) else {
            throw HosoError.sealing(what: "look up a sealed value", reason: "the tenant is sealed and \(principal.name) holds no digest key (hoso keys init, then an admin runs hoso keys sync)")
        }
        return digest
    }

    /// Whether the tenant seals personal fields.
    public func isSealed() throws -> Bool { try KeyVault.state(in: txn, meta: core.meta) != nil }
}

extension WriteSession {
    /// Seals again, under each scope's current key, every record and change-log copy whose key
    /// id (`nil`: in clear) `needs` selects, re-indexing what the digests change.
    func reseal(_ needs: (UInt64?) -> Bool) throws -> KeyChange {
        var change = KeyChange()
        let context = IndexContext(today: day)
        for t in core.types.values.sorted(by: { $0.schema.name < $1.schema.name }) {
            var ids: [RecordID] = []
            let cursor = try write.cursor(t.records)
            var entry = try cursor.first()
            while let e = entry {
                if needs(try SealedRecord.keyID(e.value, type: t.schema.name)) { ids.append(FixedWidth.uint64(e.key)) }
                entry = try cursor.next()
            }
            for id in ids {
                guard let stored = try write.get(t.records, key: FixedWidth.bytes(id)) else { continue }
                let old = try t.schema.entriesOf(id, stored, context)
                guard let (bytes, entries) = try resealed(t, id: id, stored, context: context) else { continue }
                try apply(t, old: old, new: entries, id: id)
                try write.put(t.records, key: FixedWidth.bytes(id), value: bytes)
                change.recordsSealed += 1
            }
        }
        var facts: [(UInt64, ChangeRecord)] = []
        let cursor = try write.cursor(core.changeLog)
        var entry = try cursor.first()
        while let e = entry {
            let fact = try ChangeRecord.decode(sequence: FixedWidth.uint64(e.key), e.value)
            if let name = fact.recordType, core.types[name] != nil, fact.payload != nil || !fact.payloads.isEmpty,
               [.insert, .update, .bulkInsert].contains(fact.operation) {
                facts.append((FixedWidth.uint64(e.key), fact))
            }
            entry = try cursor.next()
        }
        for (sequence, var fact) in facts {
            let t = try core.type(fact.recordType!)
            var changed = false
            if let payload = fact.payload, let id = fact.recordIDs.first,
               let (bytes, _) = try payload.withUnsafeBytes({ buffer in
                   needs(try SealedRecord.keyID(buffer, type: t.schema.name)) ? try resealed(t, id: id, buffer, context: context) : nil
               }) {
                fact.payload = bytes; changed = true; change.logCopiesSealed += 1
            }
            for i in fact.payloads.indices where i < fact.recordIDs.count {
                if let (bytes, _) = try fact.payloads[i].withUnsafeBytes({ buffer in
                    needs(try SealedRecord.keyID(buffer, type: t.schema.name)) ? try resealed(t, id: fact.recordIDs[i], buffer, context: context) : nil
                }) {
                    fact.payloads[i] = bytes; changed = true; change.logCopiesSealed += 1
                }
            }
            if changed { try write.put(core.changeLog, key: FixedWidth.bytes(sequence), value: fact.encoded()) }
        }
        return change
    }

    /// The sealed form and index entries of record `id` stored as `stored` (opened first with
    /// the handle's key when sealed), or `nil` when its type seals nothing.
    private func resealed(_ t: ResolvedType, id: RecordID, _ stored: UnsafeRawBufferPointer,
                          context: IndexContext) throws -> ([UInt8], IndexEntries)? {
        var whole = Array(stored)
        if SealedRecord.isSealed(stored) {
            let e = try SealedRecord.envelope(stored, type: t.schema.name)
            guard let key = try keys?.key(e.keyID, in: write, meta: core.meta) else {
                throw noKey("seal \(t.schema.name) \(id) again", scope: "of key \(KeyVault.hex(e.keyID))")
            }
            whole = try SealedRecord.open(stored, type: t.schema.name, id: id, key: key, envelope: e)
        }
        let record = try whole.withUnsafeBytes { try t.schema.decodedOf(id, $0) }
        return try resealedForm(record, context: context)
    }

    private func resealedForm<R: StoredRecord>(_ record: R, context: IndexContext) throws -> ([UInt8], IndexEntries)? {
        guard record.sealingScope != nil else { return nil }
        let (r, bytes) = try sealedForm(record)
        var entries = IndexEntries()
        r.indexEntries(&entries, context: context)
        return (bytes, entries)
    }

    /// Wraps each key for the users entitled that lack it (or hold it under an older public
    /// key) and removes the wraps of users no longer entitled.
    func syncWraps(state: KeyVault.State) throws -> KeyChange {
        var change = KeyChange()
        let users = try core.store.users()
        let byName = Dictionary(users.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let wraps = try KeyVault.wraps(in: write, meta: core.meta)
        for (id, scope) in try KeyVault.keys(in: write, meta: core.meta) {
            let entitled = users.filter { KeyVault.receives($0, scope) }
            var missing: [StoreUser] = []
            for u in entitled {
                let blob = try write.get(core.meta, key: KeyVault.wrapKey(recipient: u.name, keyID: id))
                if blob.map({ KeyWrap.recipientKey(of: $0) != u.publicKey }) ?? true { missing.append(u) }
            }
            if !missing.isEmpty {
                if let key = try keys?.key(id, in: write, meta: core.meta) {
                    var recipients: [(String, String)] = []
                    for u in missing { recipients.append((u.name, u.publicKey!)) }
                    for (name, publicKey) in recipients {
                        let blob = try KeyWrap.wrap(key, for: try KeyWrap.publicKey(publicKey, of: name),
                                                    context: KeyVault.wrapContext(keyID: id, scope: scope, recipient: name))
                        try write.put(core.meta, key: KeyVault.wrapKey(recipient: name, keyID: id), value: blob)
                        change.wrapsAdded += 1
                    }
                } else {
                    change.keysNotHeld += 1
                }
            }
            for w in wraps where w.keyID == id && w.recipient != KeyVault.recoveryName {
                if let u = byName[w.recipient], KeyVault.receives(u, scope) { continue }
                _ = try write.delete(core.meta, key: KeyVault.wrapKey(recipient: w.recipient, keyID: id))
                change.wrapsRemoved += 1
            }
        }
        return change
    }
}
