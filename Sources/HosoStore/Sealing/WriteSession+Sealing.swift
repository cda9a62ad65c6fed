import Crypto
import Foundation
import LMDB

extension WriteSession {
    /// The refusal of a write that needs a key this handle does not hold.
    func noKey(_ what: String, scope: String) -> HosoError {
        .sealing(what: what, reason: keys == nil
                 ? "the tenant's personal fields are sealed and this handle holds no sealing key: open the store with your key (hoso keys init makes one; an admin then runs hoso keys sync)"
                 : "the key of scope \(scope) is not wrapped for \(keys!.recipient): an admin grants it (hoso users grant, then hoso keys sync)")
    }

    /// The digest key of the sealed tenant, or an error naming `what` needed it.
    func digestKey(_ state: KeyVault.State, for what: String) throws -> SymmetricKey {
        guard let key = try keys?.key(state.digestKeyID, in: write, meta: core.meta) else { throw noKey(what, scope: KeyVault.digestScope) }
        return key
    }

    /// The records with their blind digests, when the tenant is sealed (what partitions, index
    /// entries and encodings of a batch are computed from).
    func digested<R: StoredRecord>(_ records: [R]) throws -> [R] {
        guard let state = sealing, let first = records.first, first.sealingScope != nil else { return records }
        let mac = HMAC<SHA256>(key: try digestKey(state, for: "write \(R.schema.name) \(first.id)"))
        return records.map { $0.digested { BlindDigest.of($0, using: mac) } }
    }

    /// The key sealing the records of `scope`: its current one, a new one for a scope without,
    /// or an error when the handle does not hold it.
    func sealingKey(for scope: String, what: @autoclosure () -> String) throws -> (UInt64, SymmetricKey) {
        guard let state = sealing else { throw HosoError.sealing(what: what(), reason: "the tenant is not sealed") }
        if let id = try KeyVault.current(scope, in: write, meta: core.meta) {
            guard let key = try keys?.key(id, in: write, meta: core.meta) else { throw noKey(what(), scope: scope) }
            return (id, key)
        }
        return try KeyVault.makeKey(for: scope, state: state, users: try core.store.users(), keyring: keys, in: write, meta: core.meta)
    }

    /// `record` as a write stores it: digested and sealed when the tenant is sealed and the
    /// record names a sealing scope, else as it is.
    func sealedForm<R: StoredRecord>(_ record: R) throws -> (record: R, bytes: [UInt8]) {
        guard let state = sealing, record.sealingScope != nil else { return (record, record.encoded()) }
        let key = try digestKey(state, for: "write \(R.schema.name) \(record.id)")
        let r = record.digested { BlindDigest.of($0, key: key) }
        guard let scope = r.sealingScope else { return (r, r.encoded()) }
        let (id, sealKey) = try sealingKey(for: scope, what: "write \(R.schema.name) \(r.id)")
        let bytes = try SealedRecord.seal(full: r.encoded(), clear: r.withoutSealedFields().encoded(),
                                          type: R.schema.name, id: r.id, keyID: id, key: sealKey)
        return (r, bytes)
    }

    /// Refuses replacing stored `bytes` sealed under a key the handle does not hold: the write
    /// would drop the fields it cannot read.
    func checkReplaceable(_ t: ResolvedType, id: RecordID, stored bytes: UnsafeRawBufferPointer) throws {
        guard let keyID = try SealedRecord.keyID(bytes, type: t.schema.name) else { return }
        if try keys?.key(keyID, in: write, meta: core.meta) == nil {
            let scope = try write.get(core.meta, key: KeyVault.scopeOfKey(keyID)).map { String(decoding: $0, as: UTF8.self) } ?? "?"
            throw HosoError.sealing(what: "replace \(t.schema.name) \(id)",
                                    reason: "its personal fields are sealed under the key of scope \(scope), which this handle does not hold, and the write would lose them; an admin or a holder of that key writes it")
        }
    }
}

/// A scope's sealing key and its id, shared by the threads that seal a batch. `SymmetricKey` is
/// not `Sendable` here, but it is immutable once made.
struct SealingKey: @unchecked Sendable {
    let id: UInt64
    let key: SymmetricKey
}

/// Keyed one-way digests of looked-up values (a national ID): what a sealed tenant indexes in
/// their place, so a lookup by value works for a holder of the digest key and a copy of the
/// file reveals nothing to test values against.
enum BlindDigest {
    /// HMAC-SHA256 of `value` under `key`, its first 16 bytes in hex after a `#`.
    static func of(_ value: String, key: SymmetricKey) -> String {
        of(value, using: HMAC<SHA256>(key: key))
    }

    /// The digest of `value` with `prepared`, an HMAC keyed and not yet fed (copied, not
    /// changed: the key's pads are hashed once).
    static func of(_ value: String, using prepared: HMAC<SHA256>) -> String {
        var mac = prepared
        var text = value
        text.withUTF8 { mac.update(data: UnsafeRawBufferPointer($0)) }
        return mac.finalize().withUnsafeBytes { code in
            String(unsafeUninitializedCapacity: 33) { out in
                out[0] = UInt8(ascii: "#")
                for i in 0..<16 {
                    out[1 + 2 * i] = hexDigit(code[i] >> 4)
                    out[2 + 2 * i] = hexDigit(code[i] & 15)
                }
                return 33
            }
        }
    }

    @inline(__always)
    static func hexDigit(_ n: UInt8) -> UInt8 { n < 10 ? UInt8(ascii: "0") + n : UInt8(ascii: "a") + n - 10 }
}
