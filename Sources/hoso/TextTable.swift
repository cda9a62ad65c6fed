/// A plain text table with right-aligned numbers, measured in characters (not bytes), so
/// Vietnamese names line up.
struct TextTable {
    var header: [String]
    var rows: [[String]]

    func render() -> String {
        let widths = header.indices.map { i in ([header[i]] + rows.map { i < $0.count ? $0[i] : "" }).map(\.count).max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in
                let pad = String(repeating: " ", count: widths[i] - c.count)
                return c.first.map { $0.isNumber || $0 == "-" } == true && i > 0 ? pad + c : c + pad
            }.joined(separator: "  ")
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([line(header), rule] + rows.map(line)).joined(separator: "\n")
    }
}
