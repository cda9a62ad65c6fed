extension Report {
    /// The report as CSV in long form, one figure a line: `section,row,column,label,value`
    /// (row is the row's key: a commune code, an article, `total`; label the row's name).
    /// Numbers are written as numbers, codes and texts as they are, quoted where needed.
    public func csv() -> String {
        var s = "section,row,column,label,value\r\n"
        for t in tables {
            let labelColumn = t.columns.firstIndex { ["area", "article", "figure", "target", "name"].contains($0.id) }
            for r in t.rows {
                let label = labelColumn.map { r.cells[$0].description } ?? ""
                for (c, cell) in zip(t.columns, r.cells) {
                    let value: String
                    switch cell {
                    case .int(let n): value = String(n)
                    case .decimal(let d): value = d.map { String($0) } ?? ""
                    case .text(let x), .code(let x): value = x
                    }
                    s += [t.id, r.key, c.id, label, value].map(Self.csvField).joined(separator: ",") + "\r\n"
                }
            }
        }
        return s
    }

    static func csvField(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
