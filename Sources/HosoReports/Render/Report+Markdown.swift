extension Report {
    /// The report as Markdown: the title, what it covers, then each section's table.
    public func markdown() -> String {
        var s = "# \(title)\n\n"
        s += "Kỳ báo cáo: \(request.period) (\(request.first) – \(request.last)); số liệu người có hồ sơ chốt tại ngày \(request.last). "
        s += "Đơn vị: \(tenantLabel) (tenant \(tenant)).\n"
        for (i, t) in tables.enumerated() {
            s += "\n## \(i + 1). \(t.title)\n\n"
            if !t.note.isEmpty { s += "\(t.note)\n\n" }
            if t.rows.isEmpty { s += "(không có)\n"; continue }
            let numeric = t.columns.indices.map { c in t.rows.allSatisfy { r in if case .int = r.cells[c] { true } else if case .decimal = r.cells[c] { true } else { false } } }
            s += "| " + t.columns.map { Self.escape($0.label) }.joined(separator: " | ") + " |\n"
            s += "|" + numeric.map { $0 ? " ---: |" : " --- |" }.joined() + "\n"
            for r in t.rows {
                let cells = r.cells.map { Self.escape($0.description) }
                s += "| " + (r.isTotal ? cells.map { $0.isEmpty ? "" : "**\($0)**" } : cells).joined(separator: " | ") + " |\n"
            }
        }
        return s
    }

    static func escape(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }
}
