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

/// A program tenant's own data: the communes it manages, their populations per year and the
/// term rules over time. Stored in the tenant (setting `program`), so it moves with the file.
///
/// ```swift
/// var settings = ProgramSettings(communes: entries)
/// settings.populations[2025] = [6253: 8_412]
/// settings.rules.add(TermRules(effectiveFrom: Day(year: 2026, month: 1, day: 1)!))
/// ```
public struct ProgramSettings: Sendable, Hashable {
    /// Communes of the tenant.
    public var communes: [CommuneEntry]
    /// Population per year and commune code.
    public var populations: [Int: [Int32: Int]]
    /// Term rules over time.
    public var rules: TermRuleBook

    /// Creates settings.
    public init(communes: [CommuneEntry], populations: [Int: [Int32: Int]] = [:], rules: TermRuleBook = TermRuleBook()) {
        self.communes = communes; self.populations = populations; self.rules = rules
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
        return w.bytes
    }

    static func decode(_ bytes: [UInt8]) throws(HosoError) -> ProgramSettings {
        var result: Result<ProgramSettings, HosoError> = .failure(.corruptRecord(type: "program settings", id: nil, reason: "empty"))
        bytes.withUnsafeBytes { raw in
            do throws(HosoError) {
                var r = try RecordReader(raw, recordType: "program settings")
                var s = ProgramSettings(communes: [], rules: TermRuleBook())
                var rules: [TermRules] = []
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
                    default: break
                    }
                }
                if !rules.isEmpty { s.rules = TermRuleBook(rules) }
                result = .success(s)
            } catch { result = .failure(error) }
        }
        return try result.get()
    }
}
