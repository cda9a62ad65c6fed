import HosoStore

/// A record the program refuses for a reason of the domain: a commune the tenant does not
/// manage, a national ID already held. Checks of form (an empty name, a bad date) are
/// ``HosoStore/HosoError/invalidField(record:field:value:reason:)`` and
/// ``HosoStore/HosoError/invalidDate(value:field:record:reason:)``; refusals of the engine
/// (an id in use, a full disk) are ``HosoStore/HosoError``s.
///
/// ```swift
/// var first = Person(id: 3, fullName: "Nguyễn Văn An", commune: congSon, fileOpened: day)
/// first.nationalID = "020090001234"
/// try program.addPerson(first)
/// var second = Person(id: 7, fullName: "Trần Văn Bình", commune: congSon, fileOpened: day)
/// second.nationalID = "020090001234"
/// do {
///     try program.addPerson(second)
/// } catch let error as ProgramError {
///     print(error)   // national ID 020090001234 of person 7 is already held by person 3…
/// }
/// ```
public enum ProgramError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A commune code that the tenant does not manage, in `field` of `record`.
    ///
    /// ```swift
    /// let error = ProgramError.unknownCommune(code: 99999, field: "commune", record: "person 3")
    /// print(error.field)   // commune
    /// ```
    case unknownCommune(code: Int64, field: String, record: String)

    /// A national ID (CCCD) already held by another person: the engine's unique index
    /// `person.national_id` refused person `new` because person `existing` holds the key.
    ///
    /// ```swift
    /// print(ProgramError.duplicateNationalID(nationalID: "020090001234", existing: 3, new: 7))   // national ID 020090001234 of person 7 is already held by person 3…
    /// ```
    case duplicateNationalID(nationalID: String, existing: RecordID, new: RecordID)

    /// A store user the program's roles do not allow (see ``ProgramRole/user(name:communes:accounts:)``).
    ///
    /// ```swift
    /// print(ProgramError.invalidUser(name: "minh", reason: "commune 1 is not a commune of the 2025 gazetteer"))   // user minh: commune 1 is not a commune of the 2025 gazetteer
    /// ```
    case invalidUser(name: String, reason: String)
    /// A merge of file `absorbed` into file `kept` that was refused, and why (nothing was written).
    ///
    /// ```swift
    /// print(ProgramError.mergeRefused(kept: 1, absorbed: 1, reason: "a file cannot be merged into itself"))   // merge of person 1 into person 1 refused: …
    /// ```
    case mergeRefused(kept: RecordID, absorbed: RecordID, reason: String)

    /// An undo of the merge that made alias `alias` that was refused, and why (nothing was written).
    ///
    /// ```swift
    /// print(ProgramError.unmergeRefused(alias: 9, reason: "it is not the id of a merged file"))   // undo of the merge of person 9 refused: …
    /// ```
    case unmergeRefused(alias: RecordID, reason: String)

    /// An assignment of record `record` (imported from old data) to another 2025 commune that was
    /// refused, and why (nothing was written).
    ///
    /// ```swift
    /// print(ProgramError.placementRefused(record: "person 9", reason: "it names no pre-2025 commune"))   // person 9: assignment refused: it names no pre-2025 commune
    /// ```
    case placementRefused(record: String, reason: String)

    /// What is wrong and what to do.
    ///
    /// ```swift
    /// print(ProgramError.unknownCommune(code: 99999, field: "commune", record: "person 3"))   // person 3: commune 99999 is not a commune of this tenant…
    /// ```
    public var description: String {
        switch self {
        case let .unknownCommune(code, field, record):
            "\(record): \(field) \(code) is not a commune of this tenant; check the code against the tenant's communes (SELECT code, name FROM communes in hoso shell)"
        case let .duplicateNationalID(nationalID, existing, new):
            "national ID \(nationalID) of person \(new) is already held by person \(existing); correct the ID, or leave the row out if it is person \(existing)"
                + " (or import with --duplicates keep and merge the two files: hoso persons merge \(existing) \(new))"
        case let .invalidUser(name, reason): "user \(name): \(reason)"
        case let .mergeRefused(kept, absorbed, reason):
            "merge of person \(absorbed) into person \(kept) refused: \(reason)"
        case let .unmergeRefused(alias, reason):
            "undo of the merge of person \(alias) refused: \(reason)"
        case let .placementRefused(record, reason): "\(record): assignment refused: \(reason)"
        }
    }

    /// The field at fault, as the record names it (`commune`, `national_id`).
    ///
    /// ```swift
    /// print(ProgramError.duplicateNationalID(nationalID: "020090001234", existing: 3, new: 7).field)   // national_id
    /// ```
    public var field: String {
        switch self {
        case let .unknownCommune(_, field, _): field
        case .duplicateNationalID: "national_id"
        case .invalidUser: "role"
        case .mergeRefused, .unmergeRefused: "id"
        case .placementRefused: "commune"
        }
    }

    /// The program's reading of an engine refusal about `person`: a unique-index violation on
    /// ``Person/byNationalID`` is a ``duplicateNationalID(nationalID:existing:new:)`` of the
    /// person's own national ID (the engine's key is never parsed); anything else is `nil`.
    static func refusal(_ error: any Error, of person: Person) -> ProgramError? {
        guard case let HosoError.uniqueViolation(index, _, existing, new)? = error as? HosoError,
              index == Person.schema.name + "." + Person.byNationalID.name, let nationalID = person.nationalID else { return nil }
        return .duplicateNationalID(nationalID: nationalID, existing: existing, new: new)
    }
}

/// A load (``ProgramTenant/load(persons:events:batchSize:progress:personConflicts:eventConflicts:)``)
/// stopped by a record the program refuses: the batches before it are loaded, nothing of
/// batch ``batch`` is. Failures of the engine (a full disk, a swapped tenant) are
/// ``HosoStore/BulkLoadError``s.
///
/// ```swift
/// let person = Person(id: 1, fullName: "Nguyễn Văn An", commune: CommuneRef(province: 20, commune: 99999), fileOpened: day)
/// do {
///     try program.load(persons: [person], events: [])
/// } catch let error as ProgramLoadError {
///     print(error.recordsLoaded)   // 0
/// }
/// ```
public struct ProgramLoadError: Error, Sendable, CustomStringConvertible {
    /// The batch that was not written, from 1.
    public var batch: Int
    /// Records of earlier batches, loaded.
    public var recordsLoaded: Int
    /// Why the record was refused.
    public var underlying: ProgramError

    /// Creates an error.
    public init(batch: Int, recordsLoaded: Int, underlying: ProgramError) {
        self.batch = batch; self.recordsLoaded = recordsLoaded; self.underlying = underlying
    }

    /// Where the load stopped and why.
    ///
    /// ```swift
    /// let person = Person(id: 1, fullName: "Nguyễn Văn An", commune: CommuneRef(province: 20, commune: 99999), fileOpened: day)
    /// do {
    ///     try program.load(persons: [person], events: [])
    /// } catch {
    ///     print(error)   // load stopped at batch …
    /// }
    /// ```
    public var description: String {
        "load stopped at batch \(batch), nothing of which was written; \(recordsLoaded) records of earlier batches are loaded. Cause: \(underlying)"
    }
}
