import HosoStore

// Personal fields sealed at rest: a person's full name, national IDs, birth date, villages,
// occupation and event notes, and a case event's note, sealed under the key of the file's
// commune; counts, indexes and the analyst's reads need no key. The engine's operations,
// under the program's roles (only an admin changes keys).
extension ProgramTenant {
    /// Seals the tenant (``HosoStore/Tenant/seal(recoveryPublicKey:)``): every file's personal
    /// fields are sealed under its commune's key, wrapped for the admins, the officers of the
    /// commune and the recovery key; run ``HosoStore/Store/scrubTenant(_:)`` next.
    ///
    /// ```swift
    /// let recovery = SealingIdentity.generate()
    /// print(try program.seal(recoveryPublicKey: recovery.publicKey).recordsSealed)   // 0
    /// ```
    @discardableResult
    public func seal(recoveryPublicKey: String) throws -> KeyChange { try tenant.seal(recoveryPublicKey: recoveryPublicKey) }

    /// Wraps the keys for the users now entitled and removes the others' wraps
    /// (``HosoStore/Tenant/syncKeys()``).
    @discardableResult
    public func syncKeys() throws -> KeyChange { try tenant.syncKeys() }

    /// New keys for the communes `communes` (all when `nil`), every sealed record sealed again
    /// under them (``HosoStore/Tenant/rotateKeys(scopes:)``).
    @discardableResult
    public func rotateKeys(communes: [Int32]? = nil) throws -> KeyChange { try tenant.rotateKeys(scopes: communes?.map { String($0) }) }

    /// A handle holding every key through the recovery key (the lost-key procedure).
    public func recovering(with recoveryKey: SealingIdentity) -> ProgramTenant {
        ProgramTenant(tenant: tenant.recovering(with: recoveryKey), settings: settings)
    }

    /// The tenant's keys and sealed records.
    public func sealingStatus() throws -> SealingStatus { try tenant.sealingStatus() }

    /// Whether the tenant seals personal fields.
    public func isSealed() throws -> Bool { try tenant.read { try $0.isSealed() } }

    /// How a value a statement names (a national ID, a name) is written into the processing
    /// log: as it is in a tenant that is not sealed; in a sealed one, as its keyed digest (the
    /// one a national-ID lookup uses), so that the log keeps no personal value in clear yet a
    /// holder of the digest key can tell whether a given value was asked for; `#?` for a
    /// handle without the digest key.
    ///
    /// ```swift
    /// print(try program.valueForLog("020091000123"))   // 020091000123
    /// ```
    public func valueForLog(_ value: String) throws -> String {
        try tenant.read { txn in
            guard try txn.isSealed() else { return value }
            do { return try txn.lookupValue(value) } catch HosoError.sealing { return "#?" }
        }
    }
}
