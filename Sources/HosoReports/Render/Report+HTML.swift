import Foundation
import HosoDomain

extension Report {
    /// The report as one self-contained HTML page: inline CSS (with print rules for A4) and
    /// inline SVG charts (persons by status per commune, monthly trends, target progress, as
    /// the template lists them), then every section's table. No script, nothing fetched.
    public func html() -> String {
        var s = """
        <!DOCTYPE html>
        <html lang="vi"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(Self.html(title))</title>
        <style>\(Self.css)</style></head><body>
        <header><div class="org">\(Self.html(tenantLabel))</div><h1>\(Self.html(title))</h1>
        <p class="meta">Kỳ báo cáo <b>\(Self.html(request.period))</b> (\(request.first) – \(request.last)); người có hồ sơ chốt tại ngày \(request.last).
        Mẫu báo cáo: \(Self.html(template)).</p></header>

        """
        s += keyFigures()
        for chart in charts {
            switch chart {
            case "persons_by_status": s += personsChart()
            case "trend": s += trendChart()
            case "targets": s += targetsChart()
            default: break
            }
        }
        for (i, t) in tables.enumerated() {
            s += "<section class=\"table\"><h2>\(i + 1). \(Self.html(t.title))</h2>"
            if !t.note.isEmpty { s += "<p class=\"note\">\(Self.html(t.note))</p>" }
            if t.rows.isEmpty { s += "<p>(không có)</p></section>\n"; continue }
            s += "<table><thead><tr>" + t.columns.map { "<th>\(Self.html($0.label))</th>" }.joined() + "</tr></thead><tbody>"
            for r in t.rows {
                s += r.isTotal ? "<tr class=\"total\">" : "<tr>"
                for cell in r.cells {
                    if cell.number != nil || cell == .decimal(nil) { s += "<td class=\"n\">\(Self.html(cell.description))</td>" } else { s += "<td>\(Self.html(cell.description))</td>" }
                }
                s += "</tr>"
            }
            s += "</tbody></table></section>\n"
        }
        s += "<footer>Hoso · số liệu tổng hợp từ chỉ mục của tenant \(Self.html(tenant)); dữ liệu tổng hợp, không chứa thông tin cá nhân ngoài mục người mới phát hiện.</footer>\n</body></html>\n"
        return s
    }

    static let css = """
    @page { size: A4; margin: 14mm 12mm; }
    * { box-sizing: border-box; }
    body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #1d2733; margin: 24px auto; max-width: 190mm; font-size: 10.5pt; line-height: 1.35; }
    header { border-bottom: 3px solid #9b1c1c; padding-bottom: 6px; margin-bottom: 10px; }
    .org { text-transform: uppercase; font-size: 9pt; letter-spacing: .04em; color: #9b1c1c; font-weight: bold; }
    h1 { font-size: 15pt; margin: 4px 0; }
    h2 { font-size: 11.5pt; margin: 14px 0 4px; color: #12324f; break-after: avoid; }
    .meta, .note { color: #4a5a6a; font-size: 9pt; margin: 2px 0 6px; }
    .figures { display: flex; flex-wrap: wrap; gap: 6px; margin: 8px 0; }
    .figure { flex: 1 1 0; min-width: 26mm; border: 1px solid #d5dde5; border-radius: 4px; padding: 5px 8px; background: #f6f8fa; }
    .figure b { display: block; font-size: 14pt; color: #12324f; }
    .figure span { font-size: 8pt; color: #4a5a6a; }
    .chart { break-inside: avoid; margin: 8px 0; }
    .chart svg { width: 100%; height: auto; }
    table { border-collapse: collapse; width: 100%; font-size: 8.5pt; }
    thead { display: table-header-group; }
    th { background: #12324f; color: #fff; font-weight: normal; text-align: left; padding: 3px 4px; vertical-align: bottom; }
    td { border-bottom: 1px solid #e2e7ec; padding: 2px 4px; }
    td.n { text-align: right; font-variant-numeric: tabular-nums; }
    tr { break-inside: avoid; }
    tr.total td { font-weight: bold; border-top: 2px solid #12324f; background: #eef2f6; }
    footer { margin-top: 14px; font-size: 8pt; color: #6b7a89; }
    @media print { body { margin: 0; max-width: none; } section.table { break-inside: auto; } }
    """

    static func html(_ s: String) -> String {
        var o = ""
        for ch in s {
            switch ch {
            case "&": o += "&amp;"
            case "<": o += "&lt;"
            case ">": o += "&gt;"
            case "\"": o += "&quot;"
            default: o.append(ch)
            }
        }
        return o
    }

    /// Short Vietnamese names of the statuses for the chart's legend.
    static let shortLabels = ["illegal_user": "sử dụng trái phép", "addict": "nghiện", "voluntary_rehab": "cai tự nguyện",
                              "compulsory_rehab": "cai bắt buộc", "methadone": "methadone", "post_rehab": "quản lý sau cai",
                              "released_prisoner": "chấp hành xong án", "high_risk": "nguy cơ cao"]

    static let palette = ["#9b1c1c", "#d9534f", "#f0ad4e", "#5bc0de", "#2a7ab0", "#12324f", "#6c8e3f", "#8e6c8a"]

    static func number(_ n: Int) -> String {
        let digits = Array(String(abs(n)))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(".") }
            out.append(d)
        }
        return (n < 0 ? "−" : "") + out
    }

    func keyFigures() -> String {
        var items: [(String, String)] = []
        if let t = self[table: ReportSection.personsByStatus.rawValue], let last = t.rows.last {
            items.append((Self.number(Int(last.cells.last?.number ?? 0)), "người có hồ sơ quản lý"))
            if let n = t[row: last.key, column: Status.addict.code]?.number { items.append((Self.number(Int(n)), "người nghiện")) }
        }
        if let t = self[table: ReportSection.statusChanges.rawValue], let last = t.rows.last, let n = t[row: last.key, column: "new"]?.number {
            items.append((Self.number(Int(n)), "mới phát hiện trong kỳ"))
        }
        if let t = self[table: ReportSection.drugCases.rawValue], let n = t[row: "total", column: "cases"]?.number {
            items.append((Self.number(Int(n)), "vụ án về ma túy"))
            if let a = t[row: "total", column: "arrested"]?.number { items.append((Self.number(Int(a)), "đối tượng bị bắt")) }
        }
        if let t = self[table: ReportSection.classification.rawValue] {
            let free = t.rows.filter { !$0.isTotal && $0.cells[2] == .text("drug_free") }.count
            items.append(("\(free)/\(t.rows.filter { !$0.isTotal }.count)", "xã, phường không ma túy"))
        }
        guard !items.isEmpty else { return "" }
        return "<div class=\"figures\">" + items.map { "<div class=\"figure\"><b>\($0.0)</b><span>\(Self.html($0.1))</span></div>" }.joined() + "</div>\n"
    }

    /// Stacked horizontal bars: persons on file by status, one bar per commune.
    func personsChart() -> String {
        guard let t = self[table: ReportSection.personsByStatus.rawValue] else { return "" }
        let statusColumns = t.columns.indices.filter { i in ReportBuilder.statuses.contains { $0.code == t.columns[i].id } }
        let rows = t.rows.filter { !$0.isTotal }
        guard !rows.isEmpty else { return "" }
        let totals = rows.map { r in statusColumns.map { Int(r.cells[$0].number ?? 0) }.reduce(0, +) }
        let maxTotal = max(1, totals.max() ?? 1)
        // many communes: two columns of bars, so the chart fits beside the others on an A4 page
        let columns = rows.count > 30 ? 2 : 1
        let perColumn = (rows.count + columns - 1) / columns
        let barH = rows.count > 30 ? 9 : 16, gap = rows.count > 30 ? 2 : 4
        let width = 700, columnW = width / columns
        let left = columns == 2 ? 112 : 150, plot = columnW - left - 34
        let legendH = 34
        let height = legendH + perColumn * (barH + gap) + 8
        var s = "<div class=\"chart\"><h2>Biểu đồ: người có hồ sơ quản lý theo tình trạng, từng xã (ngày \(request.last))</h2>"
        s += "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"persons by status per commune\" font-family=\"DejaVu Sans, Arial, sans-serif\">"
        for (k, c) in statusColumns.enumerated() {
            let x = (k % 4) * 170, y = (k / 4) * 15
            s += "<rect x=\"\(x)\" y=\"\(y + 2)\" width=\"10\" height=\"10\" fill=\"\(Self.palette[k % Self.palette.count])\"/>"
            s += "<text x=\"\(x + 14)\" y=\"\(y + 11)\" font-size=\"9\">\(Self.html(Self.shortLabels[t.columns[c].id] ?? t.columns[c].id))</text>"
        }
        for (i, r) in rows.enumerated() {
            let origin = (i / perColumn) * columnW + left
            let y = legendH + (i % perColumn) * (barH + gap)
            s += "<text x=\"\(origin - 4)\" y=\"\(y + barH - 1)\" font-size=\"\(barH > 10 ? 10 : 7.5)\" text-anchor=\"end\">\(Self.html(r.cells[1].description))</text>"
            var x = Double(origin)
            for (k, c) in statusColumns.enumerated() {
                let n = r.cells[c].number ?? 0
                guard n > 0 else { continue }
                let w = n / Double(maxTotal) * Double(plot)
                s += "<rect x=\"\(Self.f(x))\" y=\"\(y)\" width=\"\(Self.f(w))\" height=\"\(barH)\" fill=\"\(Self.palette[k % Self.palette.count])\"/>"
                x += w
            }
            s += "<text x=\"\(Self.f(x + 3))\" y=\"\(y + barH - 1)\" font-size=\"\(barH > 10 ? 9 : 7)\" fill=\"#4a5a6a\">\(totals[i])</text>"
        }
        for col in 0..<columns {
            let x = col * columnW + left
            s += "<line x1=\"\(x)\" y1=\"\(legendH - 2)\" x2=\"\(x)\" y2=\"\(height - 6)\" stroke=\"#999\" stroke-width=\"0.5\"/>"
        }
        s += "</svg></div>\n"
        return s
    }

    /// Lines of persons on file and addicts at each month's end, bars of drug cases per month.
    func trendChart() -> String {
        guard trend.count >= 2 else { return "" }
        let width = 700, height = 190, left = 50, right = 50, top = 26, bottom = 22
        let plotW = Double(width - left - right), plotH = Double(height - top - bottom)
        let maxP = Double(max(1, trend.map { $0.values["on_file"] ?? 0 }.max() ?? 1))
        let maxC = Double(max(1, trend.map { $0.values["drug_cases"] ?? 0 }.max() ?? 1))
        let step = plotW / Double(trend.count)
        var s = "<div class=\"chart\"><h2>Biểu đồ: diễn biến theo tháng</h2>"
        s += "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"monthly trends\" font-family=\"DejaVu Sans, Arial, sans-serif\">"
        s += "<rect x=\"\(left)\" y=\"6\" width=\"10\" height=\"10\" fill=\"#12324f\"/><text x=\"\(left + 14)\" y=\"15\" font-size=\"9\">người có hồ sơ (trục trái)</text>"
        s += "<rect x=\"\(left + 170)\" y=\"6\" width=\"10\" height=\"10\" fill=\"#d9534f\"/><text x=\"\(left + 184)\" y=\"15\" font-size=\"9\">người nghiện (trục trái)</text>"
        s += "<rect x=\"\(left + 340)\" y=\"6\" width=\"10\" height=\"10\" fill=\"#f0ad4e\"/><text x=\"\(left + 354)\" y=\"15\" font-size=\"9\">vụ án trong tháng (trục phải)</text>"
        for k in 0...4 {
            let y = Double(top) + plotH - plotH * Double(k) / 4
            s += "<line x1=\"\(left)\" y1=\"\(Self.f(y))\" x2=\"\(width - right)\" y2=\"\(Self.f(y))\" stroke=\"#e2e7ec\" stroke-width=\"0.7\"/>"
            s += "<text x=\"\(left - 4)\" y=\"\(Self.f(y + 3))\" font-size=\"8\" text-anchor=\"end\">\(Int((maxP * Double(k) / 4).rounded()))</text>"
            s += "<text x=\"\(width - right + 4)\" y=\"\(Self.f(y + 3))\" font-size=\"8\">\(Int((maxC * Double(k) / 4).rounded()))</text>"
        }
        for (i, p) in trend.enumerated() {
            let c = Double(p.values["drug_cases"] ?? 0)
            let h = c / maxC * plotH
            let x = Double(left) + Double(i) * step
            s += "<rect x=\"\(Self.f(x + step * 0.2))\" y=\"\(Self.f(Double(top) + plotH - h))\" width=\"\(Self.f(step * 0.6))\" height=\"\(Self.f(h))\" fill=\"#f0ad4e\" opacity=\"0.8\"/>"
            if trend.count <= 24 || i % 2 == 0 {
                s += "<text x=\"\(Self.f(x + step / 2))\" y=\"\(height - bottom + 11)\" font-size=\"7.5\" text-anchor=\"middle\">\(Self.html(p.label))</text>"
            }
        }
        for (series, color) in [("on_file", "#12324f"), ("addict", "#d9534f")] {
            let pts = trend.enumerated().map { i, p in
                "\(Self.f(Double(left) + (Double(i) + 0.5) * step)),\(Self.f(Double(top) + plotH - Double(p.values[series] ?? 0) / maxP * plotH))"
            }
            s += "<polyline points=\"\(pts.joined(separator: " "))\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>"
        }
        s += "</svg></div>\n"
        return s
    }

    /// Bars of each target's progress (value over target, capped at 100 %), green when met.
    func targetsChart() -> String {
        guard let t = self[table: ReportSection.targets.rawValue], !t.rows.isEmpty,
              let pi = t.columns.firstIndex(where: { $0.id == "progress" }), let mi = t.columns.firstIndex(where: { $0.id == "met" }) else { return "" }
        let width = 700, left = 200, barH = 14, gap = 6
        let height = 10 + t.rows.count * (barH + gap) + 10
        let plot = Double(width - left - 60)
        var s = "<div class=\"chart\"><h2>Biểu đồ: tiến độ thực hiện chỉ tiêu</h2>"
        s += "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"target progress\" font-family=\"DejaVu Sans, Arial, sans-serif\">"
        for (i, r) in t.rows.enumerated() {
            let y = 10 + i * (barH + gap)
            let share = min(1, max(0, r.cells[pi].number ?? 0))
            let met = r.cells[mi] == .text("đạt")
            s += "<text x=\"\(left - 4)\" y=\"\(y + barH - 3)\" font-size=\"9\" text-anchor=\"end\">\(Self.html(r.cells[0].description))</text>"
            s += "<rect x=\"\(left)\" y=\"\(y)\" width=\"\(Self.f(plot))\" height=\"\(barH)\" fill=\"#eef2f6\"/>"
            s += "<rect x=\"\(left)\" y=\"\(y)\" width=\"\(Self.f(plot * share))\" height=\"\(barH)\" fill=\"\(met ? "#3c8d40" : "#d9534f")\"/>"
            s += "<text x=\"\(Self.f(Double(left) + plot + 4))\" y=\"\(y + barH - 3)\" font-size=\"9\">\(Int((share * 100).rounded())) %</text>"
        }
        s += "</svg></div>\n"
        return s
    }

    static func f(_ v: Double) -> String { String(format: "%.1f", v) }
}
