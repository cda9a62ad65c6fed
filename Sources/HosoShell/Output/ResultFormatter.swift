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
    /// Column widths for table and box modes (`.width`; 0 or missing: as wide as the values).
    public var widths: [Int] = []
    /// The table name `INSERT` statements write into (`.mode insert NAME`).
    public var insertTable = "result"

    /// The result as text, ending with a newline (empty when there is nothing to print).
    public func render(_ result: ResultSet) -> String {
        if let lines = result.lines { return lines.map { $0 + "\n" }.joined() }
        switch mode {
        case .table: return table(result)
        case .box: return box(result)
        case .markdown:
            let cells = result.rows.map { $0.map { $0.text.replacingOccurrences(of: "|", with: "\\|") } }
            var out = "| " + result.columns.joined(separator: " | ") + " |\n"
            out += "|" + result.columns.indices.map { i in result.rows.first.map { $0[i].isNumber } == true ? "---:|" : "---|" }.joined() + "\n"
            for row in cells { out += "| " + row.joined(separator: " | ") + " |\n" }
            return out
        case .html:
            func esc(_ s: String) -> String {
                s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            }
            var out = "<table>\n"
            if headers { out += "<tr>" + result.columns.map { "<th>\(esc($0))</th>" }.joined() + "</tr>\n" }
            for row in result.rows { out += "<tr>" + row.map { "<td>\(esc($0.text))</td>" }.joined() + "</tr>\n" }
            return out + "</table>\n"
        case .list, .tabs:
            let sep = mode == .list ? "|" : "\t"
            var out = headers ? result.columns.joined(separator: sep) + "\n" : ""
            for row in result.rows { out += row.map(\.text).joined(separator: sep) + "\n" }
            return out
        case .insert:
            func literal(_ v: Value) -> String {
                switch v {
                case .null: "NULL"
                case .int, .real: v.text
                case .bool(let b): b ? "1" : "0"
                default: "'" + v.text.replacingOccurrences(of: "'", with: "''") + "'"
                }
            }
            let cols = headers ? "(" + result.columns.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ",") + ")" : ""
            return result.rows.map { "INSERT INTO \(insertTable)\(cols) VALUES(" + $0.map(literal).joined(separator: ",") + ");\n" }.joined()
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

    /// Column widths: the `.width` ones where set (values are cut to them), else the widest value.
    func columnWidths(_ result: ResultSet, _ cells: inout [[String]]) -> [Int] {
        var widths = result.columns.map { headers ? $0.count : 0 }
        for row in cells { for (i, c) in row.enumerated() { widths[i] = max(widths[i], c.count) } }
        for (i, w) in self.widths.enumerated() where i < widths.count && w > 0 {
            widths[i] = w
            for r in cells.indices where cells[r][i].count > w { cells[r][i] = String(cells[r][i].prefix(w)) }
        }
        return widths
    }

    func box(_ result: ResultSet) -> String {
        var cells = result.rows.map { $0.map(\.text) }
        var header = [result.columns]
        let widths = columnWidths(result, &cells)
        _ = columnWidths(result, &header)
        let numeric = result.columns.indices.map { i in !result.rows.isEmpty && result.rows.allSatisfy { $0[i].isNumber || $0[i] == .null } }
        func line(_ row: [String], _ head: Bool) -> String {
            "│" + row.enumerated().map { i, c in
                let pad = String(repeating: " ", count: max(0, widths[i] - c.count))
                return " " + (numeric[i] && !head ? pad + c : c + pad) + " "
            }.joined(separator: "│") + "│\n"
        }
        func rule(_ l: String, _ m: String, _ r: String) -> String { l + widths.map { String(repeating: "─", count: $0 + 2) }.joined(separator: m) + r + "\n" }
        var out = rule("┌", "┬", "┐")
        if headers { out += line(header[0], true) + rule("├", "┼", "┤") }
        for row in cells { out += line(row, false) }
        return out + rule("└", "┴", "┘")
    }

    func table(_ result: ResultSet) -> String {
        var cells = result.rows.map { $0.map(\.text) }
        let widths = columnWidths(result, &cells)
        let numeric = result.columns.indices.map { i in !result.rows.isEmpty && result.rows.allSatisfy { $0[i].isNumber || $0[i] == .null } }
        func line(_ row: [String]) -> String {
            row.enumerated().map { i, c in
                let pad = String(repeating: " ", count: max(0, widths[i] - c.count))
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
