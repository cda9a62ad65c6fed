import Foundation

/// One line of the table.
struct Row: Codable {
    var question: String
    /// "rows/s", "gets/s", "writes/s" (higher is better), "µs", "MiB" (lower is better).
    var unit: String
    var hoso: Double
    var sqlite: Double
    var higherIsBetter: Bool
    /// Hoso's advantage: > 1 means Hoso is faster or smaller.
    var ratio: Double
    /// Answers compared between the two systems (nil where there is nothing to compare).
    var answersCompared: Int?

    init(_ question: String, unit: String, hoso: Double, sqlite: Double, higherIsBetter: Bool, answersCompared: Int? = nil) {
        self.question = question; self.unit = unit; self.hoso = hoso; self.sqlite = sqlite
        self.higherIsBetter = higherIsBetter; self.answersCompared = answersCompared
        if hoso > 0 && sqlite > 0 { ratio = higherIsBetter ? hoso / sqlite : sqlite / hoso } else { ratio = 0 }
    }

    func format(_ value: Double) -> String {
        switch unit {
        case "µs": return value < 10 ? String(format: "%.2f µs", value) : String(format: "%.1f µs", value)
        case "MiB": return String(format: "%.1f MiB", value)
        default: return grouped(Int(value.rounded())) + " " + unit
        }
    }
}

/// 1234567 → "1,234,567".
func grouped(_ n: Int) -> String {
    let digits = String(abs(n))
    var out = ""
    for (i, c) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return (n < 0 ? "-" : "") + out
}

/// Everything `--json` writes.
struct JSONReport: Codable {
    struct Parameters: Codable {
        var size: String
        var persons: Int
        var events: Int
        var provinceCode: Int32
        var seed: UInt64
        var today: String
        var querySeconds: Double
        var writeSeconds: Double
        var writeRounds: Int
    }
    var machine: MachineInfo
    var parameters: Parameters
    var rows: [Row]
    /// With `--sealed`: each question not sealed and sealed, measured in the same run.
    var sealingCost: [SealingCost.Line]?
    var loads: [LoadResult]
    var writes: [WriteBench.Result]
    var statusIntervals: Int
    var storage: StorageBreakdown
    var disagreements: [Disagreement]
}

/// The table as Markdown, columns padded so it also reads well in a terminal.
func renderTable(_ rows: [Row]) -> String {
    markdownTable(["question", "Hoso", "SQLite", "ratio"], rows.map { r in
        [r.question, r.format(r.hoso), r.format(r.sqlite), r.ratio > 0 ? String(format: "%.2f×", r.ratio) : "–"]
    })
}

/// A Markdown table of `cells` under `header`, columns padded (the first left-aligned, the
/// others right-aligned) so it also reads well in a terminal.
func markdownTable(_ header: [String], _ cells: [[String]]) -> String {
    var widths = header.map(\.count)
    for row in cells { for (i, c) in row.enumerated() { widths[i] = max(widths[i], c.count) } }
    func pad(_ s: String, _ w: Int, right: Bool) -> String {
        let fill = String(repeating: " ", count: max(0, w - s.count))
        return right ? fill + s : s + fill
    }
    func line(_ row: [String]) -> String {
        "| " + row.enumerated().map { pad($1, widths[$0], right: $0 > 0) }.joined(separator: " | ") + " |"
    }
    var out = [line(header)]
    out.append("| " + widths.enumerated().map { i, w in i == 0 ? String(repeating: "-", count: w) : String(repeating: "-", count: w - 1) + ":" }
        .joined(separator: " | ") + " |")
    out += cells.map(line)
    return out.joined(separator: "\n")
}
