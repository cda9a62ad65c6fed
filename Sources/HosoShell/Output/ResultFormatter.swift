/// Renders a ``ResultSet`` in an ``OutputMode``.
///
/// ```swift
/// let result = try session.query("SELECT COUNT(*) FROM persons")
/// let text = ResultFormatter(mode: .csv, headers: false).render(result)
/// print(text.trimmingCharacters(in: .newlines))   // 40
/// ```
public struct ResultFormatter: Sendable {
    /// The mode.
    public var mode: OutputMode
    /// Whether to print column names (table and csv).
    public var headers: Bool
    /// Creates a formatter.
    public init(mode: OutputMode = .table, headers: Bool = true) { self.mode = mode; self.headers = headers }

    /// The result as text, ending with a newline (empty when there is nothing to print).
    public func render(_ result: ResultSet) -> String {
        if let lines = result.lines { return lines.map { $0 + "\n" }.joined() }
        switch mode {
        case .table: return table(result)
        case .csv:
            var out = headers ? result.columns.map(csvField).joined(separator: ",") + "\n" : ""
            for row in result.rows { out += row.map { csvField($0.text) }.joined(separator: ",") + "\n" }
            return out
        case .json:
            if result.rows.isEmpty { return "[]\n" }
            let objects = result.rows.map { row in
                "{" + zip(result.columns, row).map { "\(jsonString($0)):\(json($1))" }.joined(separator: ",") + "}"
            }
            return "[" + objects.joined(separator: ",\n ") + "]\n"
        case .line:
            let width = result.columns.map(\.count).max() ?? 0
            return result.rows.map { row in
                zip(result.columns, row).map { String(repeating: " ", count: width - $0.count) + $0 + " = " + $1.text }.joined(separator: "\n") + "\n"
            }.joined(separator: "\n")
        }
    }

    func table(_ result: ResultSet) -> String {
        let cells = result.rows.map { $0.map(\.text) }
        var widths = result.columns.map { headers ? $0.count : 0 }
        for row in cells { for (i, c) in row.enumerated() { widths[i] = max(widths[i], c.count) } }
        let numeric = result.columns.indices.map { i in !result.rows.isEmpty && result.rows.allSatisfy { $0[i].isNumber || $0[i] == .null } }
        func line(_ row: [String]) -> String {
            row.enumerated().map { i, c in
                let pad = String(repeating: " ", count: widths[i] - c.count)
                return numeric[i] ? pad + c : (i == row.count - 1 ? c : c + pad)
            }.joined(separator: "  ")
        }
        var out = ""
        if headers {
            out += line(result.columns) + "\n"
            out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        }
        for row in cells { out += line(row) + "\n" }
        return out
    }

    func csvField(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    func json(_ v: Value) -> String {
        switch v {
        case .null: "null"
        case .int(let i): String(i)
        case .real(let r): r.isFinite ? Value.realText(r) : "null"
        case .bool(let b): b ? "true" : "false"
        case .text(let s): jsonString(s)
        case .date(let d): jsonString(d.description)
        }
    }

    func jsonString(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { out += "\\u" + String(repeating: "0", count: 4 - String(u.value, radix: 16).count) + String(u.value, radix: 16) }
                else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}
