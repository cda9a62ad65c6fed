import Foundation
import LMDB

/// Every error Hoso's store reports. Each case names the input at fault and its
/// ``description`` says what to do. The engine knows record types, indexes and keys, not what
/// they mean: a layer above maps the errors it gives a meaning to (a unique-index violation on
/// its own index) to errors of its own.
///
/// ```swift
/// let copy = Note(id: 5, author: "ben", tag: "idea", slug: "welcome", written: Day(year: 2025, month: 7, day: 20)!)
/// do {
///     try tenant.write { w in try w.insert(copy) }
/// } catch let error as HosoError {
///     print(error)   // record 5 duplicates key ("welcome") of unique index note.slug, already held by record 1
/// }
/// ```
public enum HosoError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No tenant of that name exists in the store.
    case unknownTenant(name: String, store: String, known: [String])
    /// A tenant of that name already exists.
    case tenantAlreadyExists(name: String, store: String)
    /// A tenant name that is not allowed.
    case invalidTenantName(name: String, reason: String)
    /// A date that is invalid or out of order.
    case invalidDate(value: String, field: String, record: String, reason: String)
    /// A unique index already maps `key` to another record: `index` is the index's scope
    /// (`TYPE.INDEX`, as ``RecordSchema/name`` and ``IndexDefinition/name`` give it), `key` the
    /// key as the index orders it, shown as a tuple, `existing` the record holding it and `new`
    /// the record refused. A layer above recognises its index by `index` and takes the value
    /// from the record it wrote, never from `key`.
    case uniqueViolation(index: String, key: Tuple, existing: UInt64, new: UInt64)
    /// A record larger than the store accepts.
    case recordTooLarge(type: String, id: UInt64, size: Int, limit: Int)
    /// The store cannot grow any more.
    case storeFull(path: String, detail: String)
    /// No record with that id.
    case recordNotFound(type: String, id: UInt64)
    /// A record with that id exists already.
    case recordAlreadyExists(type: String, id: UInt64)
    /// A field's value is not acceptable.
    case invalidField(record: String, field: String, value: String, reason: String)
    /// A stored record could not be decoded.
    case corruptRecord(type: String, id: UInt64?, reason: String)
    /// A stored key could not be decoded.
    case corruptKey(String)
    /// A continuation token that does not belong to this query, or is damaged.
    case invalidContinuation(token: String, reason: String)
    /// A record type or index the tenant's schema does not have.
    case unknownSchemaElement(String)
    /// The tenant was written by a newer version of Hoso.
    case newerFormat(tenant: String, found: Int, supported: Int)
    /// The access policy refused the operation.
    case accessDenied(principal: String, operation: String, reason: String)
    /// The tenant's directory was swapped away (compacted, restored or dropped) after this
    /// handle was opened; nothing was written through it. Open the tenant again.
    case tenantReplaced(name: String)
    /// The disk is full: the write was not committed (whatever committed before stays).
    case diskFull(path: String, freeBytes: Int)
    /// Sealing or opening personal fields failed, or the handle holds no key for them
    /// (`what` names the record or key, `reason` what to do).
    case sealing(what: String, reason: String)
    /// An error from the storage layer.
    case storage(LMDBError)

    public var description: String {
        switch self {
        case let .unknownTenant(name, store, known):
            let list = known.isEmpty ? "the store has no tenants yet" : "known tenants: " + known.joined(separator: ", ")
            return "unknown tenant '\(name)' in \(store) (\(list)); create it first or check the name"
        case let .tenantAlreadyExists(name, store):
            return "tenant '\(name)' already exists in \(store); open it, or drop it first to recreate it"
        case let .invalidTenantName(name, reason):
            return "invalid tenant name '\(name)': \(reason); use 1–64 lowercase letters, digits, '-' or '_'"
        case let .invalidDate(value, field, record, reason):
            return "\(record): \(field) '\(value)' is not a valid date: \(reason); write dates as YYYY-MM-DD or DD/MM/YYYY"
        case let .uniqueViolation(index, key, existing, new):
            return "record \(new) duplicates key \(key) of unique index \(index), already held by record \(existing)"
        case let .recordTooLarge(type, id, size, limit):
            return "\(type) \(id) encodes to \(size) bytes, over the limit of \(limit); split its history or attachments"
        case let .storeFull(path, detail):
            return "the store at \(path) is full: \(detail); free disk space or raise the map limit"
        case let .recordNotFound(type, id):
            return "no \(type) with id \(id); insert it first or check the id"
        case let .recordAlreadyExists(type, id):
            return "a \(type) with id \(id) exists already; use update (or put) to change it"
        case let .invalidField(record, field, value, reason):
            return "\(record): \(field) '\(value)' \(reason)"
        case let .corruptRecord(type, id, reason):
            return "stored \(type)\(id.map { " \($0)" } ?? "") cannot be decoded: \(reason); verify the tenant (Tenant.verify lists what is damaged) and restore it from a backup"
        case let .corruptKey(reason):
            return "a stored key cannot be decoded: \(reason); verify the tenant (Tenant.verify lists what is damaged) and restore it from a backup"
        case let .invalidContinuation(token, reason):
            return "continuation token '\(token)' cannot be used: \(reason); start the query again without it"
        case let .unknownSchemaElement(name):
            return "\(name) is not part of this tenant's schema; open the tenant with the schema that defines it"
        case let .newerFormat(tenant, found, supported):
            return "tenant '\(tenant)' has format \(found) but this Hoso reads up to \(supported); upgrade Hoso"
        case let .accessDenied(principal, operation, reason):
            return "\(principal) may not \(operation): \(reason)"
        case let .tenantReplaced(name):
            return "tenant '\(name)' was compacted, restored or dropped (by this or another process) after it was opened here; nothing was written: open it again and retry"
        case let .diskFull(path, free):
            return "the disk holding \(path) is full (\(free) bytes free): nothing of the last write was committed; free disk space and retry"
        case let .sealing(what, reason):
            return "cannot \(what): \(reason)"
        case let .storage(error):
            return error.description
        }
    }

    /// `true` for a record that exists already or a unique key held by another record.
    public var isConflict: Bool {
        switch self {
        case .recordAlreadyExists, .uniqueViolation: true
        default: false
        }
    }

    /// Wraps storage-layer errors; passes ``HosoError`` through.
    static func wrap(_ error: any Error) -> any Error {
        if let lmdb = error as? LMDBError {
            switch lmdb {
            case let .mapLimitReached(path, maximum):
                return HosoError.storeFull(path: path, detail: "the map reached its limit of \(maximum) bytes")
            case let .replaced(path):
                return HosoError.tenantReplaced(name: (path as NSString).lastPathComponent)
            case let .diskFull(path, _, free):
                return HosoError.diskFull(path: path, freeBytes: free)
            case let .mapGrowthBlocked(path, size):
                return HosoError.storeFull(path: path, detail: "the map (\(size) bytes) could not grow while read transactions stayed open")
            default:
                if lmdb.isMapFull { return HosoError.storeFull(path: "", detail: lmdb.description) }
                return HosoError.storage(lmdb)
            }
        }
        return error
    }
}
