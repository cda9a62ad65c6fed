import Foundation
import HosoDomain
import HosoStore
import LMDB

/// Opening the Hoso side: a store whose clock is pinned to the run's "today" (so the current
/// indexes of every process agree with the SQLite `current_*` columns), one program tenant.
enum HosoSide {
    static let tenantName = "compare"

    static func options(today: Day, durability: Environment.Durability, openedRecordCacheBytes: Int? = nil) -> Store.Options {
        var options = Store.Options(durability: durability, today: { today })
        if let openedRecordCacheBytes { options.openedRecordCacheBytes = openedRecordCacheBytes }
        return options
    }

    /// Whether Hoso's tenants are sealed in this run (`--sealed`, passed to child processes
    /// through the environment).
    static var sealed: Bool { ProcessInfo.processInfo.environment["HOSO_COMPARE_SEALED"] == "1" }

    static func keyFile(_ directory: String) -> String { directory + ".key" }

    /// Creates the store at `directory` with an empty program tenant for `provinceCode`; with
    /// `--sealed` the tenant is sealed before anything is loaded, and the handle holds the key.
    static func create(at directory: String, provinceCode: Int32, today: Day, durability: Environment.Durability) throws -> ProgramTenant {
        let store = try Store(directory: directory, options: options(today: today, durability: durability))
        let program = try ProgramTenant.create(in: store, name: tenantName, provinceCode: provinceCode)
        guard sealed else { return program }
        let key = SealingIdentity.generate()
        try key.save(to: keyFile(directory))
        try store.setPublicKey(key.publicKey, of: store.principal)
        try program.seal(recoveryPublicKey: SealingIdentity.generate().publicKey)
        return try ProgramTenant.open(in: store, name: tenantName).unlocked(with: key)
    }

    /// Opens the tenant created by ``create(at:provinceCode:today:durability:)``.
    static func open(at directory: String, today: Day, durability: Environment.Durability, openedRecordCacheBytes: Int? = nil) throws -> ProgramTenant {
        let store = try Store(directory: directory, options: options(today: today, durability: durability, openedRecordCacheBytes: openedRecordCacheBytes))
        let program = try ProgramTenant.open(in: store, name: tenantName)
        guard FileManager.default.fileExists(atPath: keyFile(directory)) else { return program }
        return program.unlocked(with: try SealingIdentity(contentsOf: keyFile(directory)))
    }

    /// The tenant's own directory (its LMDB environment).
    static func tenantDirectory(store directory: String) -> String { directory + "/tenants/" + tenantName }
}
