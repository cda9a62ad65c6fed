/// A tenant's metadata, kept inside its own environment so it travels with the file.
///
/// ```swift
/// let info = TenantInfo(name: "north", displayName: "Northern office",
///                       calendar: try ReportingCalendar(yearStartMonth: 12, yearStartDay: 10, monthStartDay: 10))
/// print(info.displayName, info.calendar)   // Northern office year from 10/12, months from day 10
/// ```
public struct TenantInfo: Sendable, Hashable {
    /// The tenant's name in the store (its directory name).
    public var name: String
    /// A name for people.
    public var displayName: String
    /// The province the tenant holds data for, if it is a province.
    public var provinceCode: Int?
    /// The reporting calendar its periods follow.
    public var calendar: ReportingCalendar
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

    /// The format this version of Hoso writes and reads.
    public static let currentFormatVersion = 1

    /// Creates metadata for a new tenant.
    public init(name: String, displayName: String? = nil, provinceCode: Int? = nil, calendar: ReportingCalendar = .gregorian) {
        self.name = name; self.displayName = displayName ?? name; self.provinceCode = provinceCode
        self.calendar = calendar; self.formatVersion = Self.currentFormatVersion; self.createdAt = 0; self.createdBy = ""
        self.unfinished = nil
    }

    func encoded() -> [UInt8] {
        var w = RecordWriter(formatVersion: 1)
        w.write(1, name); w.write(2, displayName); w.write(3, provinceCode.map(Int64.init))
        w.write(4, calendar.yearStartMonth); w.write(5, calendar.yearStartDay); w.write(6, calendar.monthStartDay)
        w.write(7, formatVersion); w.write(8, createdAt); w.write(9, createdBy)
        return w.bytes
    }

    static func decode(_ bytes: UnsafeRawBufferPointer) throws(HosoError) -> TenantInfo {
        var r = try RecordReader(bytes, recordType: "tenant info")
        var info = TenantInfo(name: "")
        var ym = 1, yd = 1, md = 1
        while let f = try r.next() {
            switch f.number {
            case 1: info.name = try f.string()
            case 2: info.displayName = try f.string()
            case 3: info.provinceCode = try f.int()
            case 4: ym = try f.int()
            case 5: yd = try f.int()
            case 6: md = try f.int()
            case 7: info.formatVersion = try f.int()
            case 8: info.createdAt = try f.int64()
            case 9: info.createdBy = try f.string()
            default: break
            }
        }
        do { info.calendar = try ReportingCalendar(yearStartMonth: ym, yearStartDay: yd, monthStartDay: md) }
        catch { throw HosoError.corruptRecord(type: "tenant info", id: nil, reason: "\(error)") }
        return info
    }
}

/// A tenant's metadata with its size and contents, as `hoso tenants describe` shows it.
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
