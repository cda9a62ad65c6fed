import HosoDomain
import HosoStore
import LMDB

/// Opening the Hoso side: a store whose clock is pinned to the run's "today" (so the current
/// indexes of every process agree with the SQLite `current_*` columns), one program tenant.
enum HosoSide {
    static let tenantName = "compare"

    static func options(today: Day, durability: Environment.Durability) -> Store.Options {
        Store.Options(durability: durability, today: { today })
    }

    /// Creates the store at `directory` with an empty program tenant for `provinceCode`.
    static func create(at directory: String, provinceCode: Int32, today: Day, durability: Environment.Durability) throws -> ProgramTenant {
        let store = try Store(directory: directory, options: options(today: today, durability: durability))
        return try ProgramTenant.create(in: store, name: tenantName, provinceCode: provinceCode)
    }

    /// Opens the tenant created by ``create(at:provinceCode:today:durability:)``.
    static func open(at directory: String, today: Day, durability: Environment.Durability) throws -> ProgramTenant {
        let store = try Store(directory: directory, options: options(today: today, durability: durability))
        return try ProgramTenant.open(in: store, name: tenantName)
    }

    /// The tenant's own directory (its LMDB environment).
    static func tenantDirectory(store directory: String) -> String { directory + "/tenants/" + tenantName }
}
