import HosoStore

/// A figure an officer records for a commune and year because the data cannot decide it: an
/// offender group exists (`offender_group` = 1), the commune lies on a key trafficking route
/// (`trafficking_route` = 1), addicts or users known present without a file (`unfiled_present`).
/// Rule sets refer to inputs by name (`input.offender_group`). Inputs are kept with who recorded
/// them and when; a later input for the same commune, year and name supersedes an earlier one,
/// which stays in the history.
public struct CommuneInput: Sendable, Hashable {
    /// The input's name (`offender_group`, `trafficking_route`, `unfiled_present`, or the tenant's own).
    public var name: String
    /// The commune's official code.
    public var commune: Int32
    /// The year (of the tenant's reporting calendar).
    public var year: Int
    /// The value (1 / 0 for yes / no).
    public var value: Double
    /// Who recorded it.
    public var recordedBy: String
    /// When.
    public var recordedOn: Day
    /// Free text (the source of the figure).
    public var note: String?

    /// Creates an input.
    public init(name: String, commune: Int32, year: Int, value: Double, recordedBy: String, recordedOn: Day, note: String? = nil) {
        self.name = name; self.commune = commune; self.year = year; self.value = value
        self.recordedBy = recordedBy; self.recordedOn = recordedOn; self.note = note
    }

    /// The names the bundled rule sets use.
    public static let knownNames = ["offender_group", "trafficking_route", "unfiled_present"]
}

/// Every officer input of a tenant, in the order recorded (stored in its setting `program.inputs`).
public struct CommuneInputs: Sendable, Hashable {
    /// All inputs, oldest first (superseded ones included).
    public private(set) var history: [CommuneInput]
    private var latest: [String: Int] = [:]

    static let settingName = "program.inputs"

    /// Creates a list.
    public init(_ inputs: [CommuneInput] = []) {
        history = []
        for i in inputs { append(i) }
    }

    /// Adds an input (it supersedes an earlier one for the same commune, year and name).
    public mutating func append(_ input: CommuneInput) {
        latest["\(input.name)/\(input.commune)/\(input.year)"] = history.count
        history.append(input)
    }

    /// The current input `name` of `commune` in `year`.
    public func current(_ name: String, commune: Int32, year: Int) -> CommuneInput? {
        latest["\(name)/\(commune)/\(year)"].map { history[$0] }
    }

    /// The sum of the current inputs `name` over `communes` in `year`, and how many communes had none.
    func sum(_ name: String, communes: [Int32], year: Int) -> (Double, Int) {
        var total = 0.0, missing = 0
        for c in communes {
            if let i = current(name, commune: c, year: year) { total += i.value } else { missing += 1 }
        }
        return (total, missing)
    }

    static func stored(in txn: borrowing TenantReader) throws -> CommuneInputs {
        guard let bytes = try txn.setting(settingName) else { return CommuneInputs() }
        do { return try parse(String(decoding: bytes, as: UTF8.self), file: "setting \(settingName)") } catch {
            throw HosoError.corruptRecord(type: "program inputs", id: nil, reason: "\(error)")
        }
    }

    /// Parses `[input name]` blocks (`commune`, `year`, `value`, `recorded_by`, `recorded_on`, `note`).
    public static func parse(_ text: String, file: String) throws(ProgramFileError) -> CommuneInputs {
        var out = CommuneInputs()
        for st in try ProgramText.parse(text, file: file) {
            guard st.kind == "input" else {
                throw ProgramFileError(file: file, line: st.line, field: nil, reason: "an input file holds [input name] blocks, not [\(st.kind) …]")
            }
            var r = StanzaReader(st, file: file)
            _ = try r.required("commune"); _ = try r.required("year"); _ = try r.required("value")
            guard let c = try r.int("commune"), let y = try r.int("year"), let v = try r.number("value") else { throw r.error("value", "is missing") }
            let by = r.optional("recorded_by") ?? "unknown"
            let on = try r.day("recorded_on") ?? Day(rawValue: 0)
            let note = r.optional("note")
            try r.finish()
            out.append(CommuneInput(name: st.name, commune: Int32(c), year: y, value: v, recordedBy: by, recordedOn: on, note: note))
        }
        return out
    }

    /// The file text (``parse(_:file:)`` reads it back).
    public func write() -> String {
        ProgramText.write(history.map { i in
            var f: [(key: String, value: String, line: Int)] = [("commune", String(i.commune), 0), ("year", String(i.year), 0),
                                                                ("value", ProgramText.format(i.value), 0), ("recorded_by", i.recordedBy, 0),
                                                                ("recorded_on", i.recordedOn.description, 0)]
            if let n = i.note { f.append(("note", n, 0)) }
            return ProgramStanza(kind: "input", name: i.name, fields: f)
        }, header: "Hoso officer inputs per commune and year.")
    }
}

/// Populations per year and commune as a file: lines `year,commune_code,population` after a
/// header line `year,commune_code,population` (commune names may follow in a fourth column).
public enum PopulationFile {
    /// Parses the file; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws(ProgramFileError) -> [Int: [Int32: Int]] {
        var out: [Int: [Int32: Int]] = [:]
        var n = 0
        let names = ["year", "commune_code", "population"]
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            n += 1
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "\u{FEFF}", with: "")
            if line.isEmpty || line.hasPrefix("#") { continue }
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            if cells.first == "year" { continue }
            guard cells.count >= 3 else {
                throw ProgramFileError(file: file, line: n, field: nil, reason: "expected 'year,commune_code,population', found '\(line)'")
            }
            var values: [Int] = []
            for (k, cell) in cells.prefix(3).enumerated() {
                guard let v = Int(cell.replacingOccurrences(of: "_", with: "")), v >= 0 else {
                    throw ProgramFileError(file: file, line: n, field: names[k], reason: "'\(cell)' is not a whole number ≥ 0")
                }
                values.append(v)
            }
            guard (1900...2200).contains(values[0]) else {
                throw ProgramFileError(file: file, line: n, field: "year", reason: "\(values[0]) is out of range 1900–2200")
            }
            out[values[0], default: [:]][Int32(values[1])] = values[2]
        }
        return out
    }

    /// The file text.
    public static func write(_ table: [Int: [Int32: Int]]) -> String {
        var s = "year,commune_code,population\n"
        for (y, t) in table.sorted(by: { $0.key < $1.key }) {
            for (c, n) in t.sorted(by: { $0.key < $1.key }) { s += "\(y),\(c),\(n)\n" }
        }
        return s
    }
}
