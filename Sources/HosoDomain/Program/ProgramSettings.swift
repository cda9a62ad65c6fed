import HosoStore

/// A commune a tenant knows: its place in the hierarchy, name and type.
public struct CommuneEntry: Sendable, Hashable {
    /// Its reference (province, district, commune codes).
    public var ref: CommuneRef
    /// Its official name ("Xã Công Sơn").
    public var name: String
    /// xã, phường, đặc khu, thị trấn.
    public var type: String
    /// Creates an entry.
    public init(ref: CommuneRef, name: String, type: String) { self.ref = ref; self.name = name; self.type = type }
}

/// A program tenant's own data: the province it serves, its reporting calendar, the communes it
/// manages, their populations per year and the term rules over time. Stored in the tenant
/// (setting `program`), so it moves with the file.
///
/// ```swift
/// let entries = program.settings.communes
/// var settings = ProgramSettings(communes: entries,
///                                calendar: try ReportingCalendar(yearStartMonth: 12, yearStartDay: 10, monthStartDay: 10))
/// settings.populations[2025] = [entries[0].ref.commune: 8_412]
/// settings.rules.add(TermRules(effectiveFrom: Day(year: 2026, month: 1, day: 1)!))
/// print(settings.province ?? 0)   // 20
/// ```
public struct ProgramSettings: Sendable, Hashable {
    /// Communes of the tenant.
    public var communes: [CommuneEntry]
    /// Population per year and commune code.
    public var populations: [Int: [Int32: Int]]
    /// Term rules over time.
    public var rules: TermRuleBook
    /// The province the tenant holds data for (its code in the gazetteer), or nil when its
    /// communes lie in several provinces.
    public var province: Int32?
    /// The reporting calendar the tenant's periods follow (`REPORT YEAR 2025`, report templates).
    public var calendar: ReportingCalendar

    /// Creates settings. Without `province`, the province of the communes (when they share one).
    ///
    /// ```swift
    /// let settings = ProgramSettings(communes: program.settings.communes, calendar: .gregorian)
    /// print(settings.communes.count == program.settings.communes.count)   // true
    /// ```
    public init(communes: [CommuneEntry], populations: [Int: [Int32: Int]] = [:], rules: TermRuleBook = TermRuleBook(),
                province: Int32? = nil, calendar: ReportingCalendar = .gregorian) {
        self.communes = communes; self.populations = populations; self.rules = rules
        self.province = province ?? Self.commonProvince(of: communes)
        self.calendar = calendar
    }

    /// The province of every commune, or nil when there are none or several.
    static func commonProvince(of communes: [CommuneEntry]) -> Int32? {
        guard let first = communes.first?.ref.province, communes.allSatisfy({ $0.ref.province == first }) else { return nil }
        return first
    }

    static let settingName = "program"

    func encoded() -> [UInt8] {
        var w = RecordWriter(formatVersion: 1)
        for c in communes {
            w.writeMessage(1) { m in
                m.writeMessage(1) { c.ref.write(to: &$0) }
                m.write(2, c.name); m.write(3, c.type)
            }
        }
        for (year, table) in populations.sorted(by: { $0.key < $1.key }) {
            for (code, n) in table.sorted(by: { $0.key < $1.key }) {
                w.writeMessage(2) { m in m.write(1, year); m.write(2, Int64(code)); m.write(3, n) }
            }
        }
        for r in rules.sets { w.writeMessage(3) { r.write(to: &$0) } }
        w.write(4, province.map(Int64.init))
        w.writeMessage(5) { m in
            m.write(1, calendar.yearStartMonth); m.write(2, calendar.yearStartDay); m.write(3, calendar.monthStartDay)
        }
        return w.bytes
    }

    /// Reads the settings. Tenants created by builds before 2026-12 kept the province and the
    /// calendar in the engine's tenant metadata (its fields 3–6, kept in
    /// ``HosoStore/TenantInfo/otherFields``): settings without them take them from `legacy`.
    static func decode(_ bytes: [UInt8], legacy: TenantInfo? = nil) throws(HosoError) -> ProgramSettings {
        var result: Result<ProgramSettings, HosoError> = .failure(.corruptRecord(type: "program settings", id: nil, reason: "empty"))
        bytes.withUnsafeBytes { raw in
            do throws(HosoError) {
                var r = try RecordReader(raw, recordType: "program settings")
                var s = ProgramSettings(communes: [], rules: TermRuleBook())
                var rules: [TermRules] = []
                var province: Int32?
                var calendar: (month: Int, day: Int, monthDay: Int)?
                while let f = try r.next() {
                    switch f.number {
                    case 1:
                        var m = try f.message()
                        var entry = CommuneEntry(ref: CommuneRef(province: 0, commune: 0), name: "", type: "")
                        while let g = try m.next() {
                            switch g.number {
                            case 1: var c = try g.message(); entry.ref = try CommuneRef.read(&c)
                            case 2: entry.name = try g.string()
                            case 3: entry.type = try g.string()
                            default: break
                            }
                        }
                        s.communes.append(entry)
                    case 2:
                        var m = try f.message()
                        var year = 0, code: Int32 = 0, n = 0
                        while let g = try m.next() {
                            switch g.number {
                            case 1: year = try g.int()
                            case 2: code = Int32(truncatingIfNeeded: try g.int64())
                            case 3: n = try g.int()
                            default: break
                            }
                        }
                        s.populations[year, default: [:]][code] = n
                    case 3:
                        var m = try f.message(); rules.append(try TermRules.read(&m))
                    case 4:
                        province = Int32(truncatingIfNeeded: try f.int64())
                    case 5:
                        var m = try f.message()
                        var c = (month: 1, day: 1, monthDay: 1)
                        while let g = try m.next() {
                            switch g.number {
                            case 1: c.month = try g.int()
                            case 2: c.day = try g.int()
                            case 3: c.monthDay = try g.int()
                            default: break
                            }
                        }
                        calendar = c
                    default: break
                    }
                }
                if !rules.isEmpty { s.rules = TermRuleBook(rules) }
                if calendar == nil, let legacy { calendar = Self.legacyCalendar(legacy) }
                if let c = calendar {
                    do { s.calendar = try ReportingCalendar(yearStartMonth: c.month, yearStartDay: c.day, monthStartDay: c.monthDay) }
                    catch { throw HosoError.corruptRecord(type: "program settings", id: nil, reason: "\(error)") }
                }
                s.province = province ?? legacy.flatMap(Self.legacyProvince) ?? Self.commonProvince(of: s.communes)
                result = .success(s)
            } catch { result = .failure(error) }
        }
        return try result.get()
    }

    // MARK: Metadata of older builds

    /// The province an older build kept in the tenant metadata (its field 3).
    static func legacyProvince(_ info: TenantInfo) -> Int32? {
        guard case .integer(let code)? = info.otherFields[3] else { return nil }
        return Int32(truncatingIfNeeded: code)
    }

    /// The calendar an older build kept in the tenant metadata (fields 4–6: year start month and
    /// day, month start day; a field left out was 1).
    static func legacyCalendar(_ info: TenantInfo) -> (month: Int, day: Int, monthDay: Int)? {
        func value(_ n: Int) -> Int? { if case .integer(let v)? = info.otherFields[n] { return Int(v) }; return nil }
        let fields = (value(4), value(5), value(6))
        guard fields.0 != nil || fields.1 != nil || fields.2 != nil else { return nil }
        return (fields.0 ?? 1, fields.1 ?? 1, fields.2 ?? 1)
    }
}
