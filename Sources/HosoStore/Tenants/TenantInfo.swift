/// A tenant's metadata, kept inside its own environment so it travels with the file.
///
/// What a tenant *holds* (its places, calendars, rules) is the data of the layer above, kept in
/// the tenant's settings (``Tenant/setting(_:)``); the metadata only names and dates the tenant.
///
/// ```swift
/// let info = TenantInfo(name: "north", displayName: "Northern office")
/// print(info.name, info.displayName)   // north Northern office
/// ```
public struct TenantInfo: Sendable, Hashable {
    /// The tenant's name in the store (its directory name).
    public var name: String
    /// A name for people.
    public var displayName: String
    /// The on-disk format version of the tenant.
    public var formatVersion: Int
    /// When it was created (seconds since 1970) and by whom.
    public var createdAt: Int64
    /// Who created it.
    public var createdBy: String
    /// Why the tenant is not finished yet (for example "demo load"), or nil when it is: a
    /// tenant created with an `unfinished` reason keeps it until ``Tenant/markFinished()``,
    /// so a load killed halfway shows as unfinished instead of complete. Read from the
    /// tenant's metadata; not part of the encoded info.
    public var unfinished: String?
    /// Fields of the stored metadata that this version does not read, by field number: fields
    /// that older versions wrote and this one retired (numbers 3–6, which earlier builds filled
    /// for the layer above), or fields of a newer version. They are kept as read and written
    /// back unchanged whenever the metadata is rewritten (a restore under another name), so the
    /// layer above can still read what older builds kept here. Field numbers are never reused.
    ///
    /// ```swift
    /// let info = TenantInfo(name: "t")
    /// if case .integer(let n)? = info.otherFields[3] { print("field 3 of an older build:", n) }
    /// ```
    public var otherFields: [Int: Field]

    /// The value of a field kept in ``otherFields``, as it was encoded.
    ///
    /// ```swift
    /// let fields: [TenantInfo.Field] = [.integer(20), .bytes([0x41])]   // a varint, a length-prefixed field
    /// print(fields.count)   // 2
    /// ```
    public enum Field: Sendable, Hashable {
        /// A (zigzag-encoded) integer field.
        case integer(Int64)
        /// A length-prefixed field: text, bytes or a nested message.
        case bytes([UInt8])
    }

    /// The format this version of Hoso writes and reads.
    public static let currentFormatVersion = 1

    /// Field numbers of the encoded info that this version writes itself (3–6 are retired).
    static let knownFields: Set<Int> = [1, 2, 7, 8, 9]

    /// Creates metadata for a new tenant.
    ///
    /// ```swift
    /// let info = TenantInfo(name: "t")
    /// print(info.displayName)   // t
    /// ```
    public init(name: String, displayName: String? = nil) {
        self.name = name; self.displayName = displayName ?? name
        self.formatVersion = Self.currentFormatVersion; self.createdAt = 0; self.createdBy = ""
        self.unfinished = nil; self.otherFields = [:]
    }

    func encoded() -> [UInt8] {
        var w = RecordWriter(formatVersion: 1)
        w.write(1, name); w.write(2, displayName)
        w.write(7, formatVersion); w.write(8, createdAt); w.write(9, createdBy)
        for (number, value) in otherFields.sorted(by: { $0.key < $1.key }) where number > 0 && !Self.knownFields.contains(number) {
            switch value {
            case .integer(let v): w.write(number, Int64?.some(v))
            case .bytes(let b): w.write(number, bytes: b)
            }
        }
        return w.bytes
    }

    static func decode(_ bytes: UnsafeRawBufferPointer) throws(HosoError) -> TenantInfo {
        var r = try RecordReader(bytes, recordType: "tenant info")
        var info = TenantInfo(name: "")
        while let f = try r.next() {
            switch f.number {
            case 1: info.name = try f.string()
            case 2: info.displayName = try f.string()
            case 7: info.formatVersion = try f.int()
            case 8: info.createdAt = try f.int64()
            case 9: info.createdBy = try f.string()
            default:
                info.otherFields[f.number] = f.wire == 0 ? .integer(try f.int64()) : .bytes(Array(try f.bytes()))
            }
        }
        return info
    }
}

/// A tenant's metadata with its size and contents (``Tenant/describe()``).
public struct TenantDescription: Sendable {
    /// The metadata.
    public var info: TenantInfo
    /// Records per record type.
    public var recordCounts: [String: Int]
    /// Bytes of the data file, and bytes of it in use.
    public var fileBytes: Int, usedBytes: Int
    /// The memory map's size.
    public var mapSize: Int
    /// Reader slots in use.
    public var readers: Int
    /// The last change-log sequence number.
    public var lastChange: UInt64
    /// The tenant's current day (as of which "current" indexes are kept).
    public var today: Day
    /// Entries and bytes per database.
    public var databases: [(name: String, entries: Int, bytes: Int)]
}
