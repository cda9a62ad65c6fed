import HosoDomain

/// One value of a report table: a number (an integer count or a share), a text, or a code
/// that must stay text (a national ID, a commune code with its leading zeros).
public enum ReportCell: Sendable, Codable, Hashable, CustomStringConvertible {
    /// A count or amount.
    case int(Int)
    /// A share or rate (0.25 = 25 %), or nil when it has no denominator.
    case decimal(Double?)
    /// A text.
    case text(String)
    /// A code kept as text in every format (national ID, commune code).
    case code(String)

    /// The number, when the cell holds one.
    public var number: Double? {
        switch self {
        case .int(let n): Double(n)
        case .decimal(let d): d
        case .text, .code: nil
        }
    }

    /// How the cell reads in Markdown, CSV and HTML.
    public var description: String {
        switch self {
        case .int(let n): String(n)
        case .decimal(let d): d.map { ProgramText.format(($0 * 10_000).rounded() / 10_000) } ?? "—"
        case .text(let t), .code(let t): t
        }
    }
}

/// A column of a report table.
public struct ReportColumn: Sendable, Codable, Hashable {
    /// A stable id (`addict`, `new`, `arrested`), part of a figure's key.
    public var id: String
    /// The heading shown.
    public var label: String
    /// Creates a column.
    public init(_ id: String, _ label: String) { self.id = id; self.label = label }
}

/// A row of a report table: its stable key (a commune code, an article, `total`) and cells in column order.
public struct ReportRow: Sendable, Codable, Hashable {
    /// A stable key, part of a figure's key.
    public var key: String
    /// The cells, one per column.
    public var cells: [ReportCell]
    /// Whether the row is a total (shown in bold).
    public var isTotal: Bool
    /// Creates a row.
    public init(key: String, cells: [ReportCell], isTotal: Bool = false) { self.key = key; self.cells = cells; self.isTotal = isTotal }
}

/// One section of a report as a table.
public struct ReportTable: Sendable, Codable, Hashable {
    /// The section kind it shows (`persons_by_status`), also its id.
    public var id: String
    /// The section's title.
    public var title: String
    /// A sentence on what the figures count and where they come from.
    public var note: String
    /// The columns.
    public var columns: [ReportColumn]
    /// The rows.
    public var rows: [ReportRow]

    /// Creates a table.
    public init(id: String, title: String, note: String = "", columns: [ReportColumn], rows: [ReportRow] = []) {
        self.id = id; self.title = title; self.note = note; self.columns = columns; self.rows = rows
    }

    /// The cell of row `key` in column `column`, if any.
    public subscript(row key: String, column column: String) -> ReportCell? {
        guard let c = columns.firstIndex(where: { $0.id == column }), let r = rows.first(where: { $0.key == key }) else { return nil }
        return r.cells[c]
    }
}

/// A monthly point of a trend chart.
public struct TrendPoint: Sendable, Codable, Hashable {
    /// The month's label (`2025-06`).
    public var label: String
    /// The value of each series that month, by series id.
    public var values: [String: Int]
}

/// A report as computed: its request, title, the tenant and province, when it was made, and its sections.
public struct Report: Sendable, Codable, Hashable {
    /// What was asked.
    public var request: ReportRequest
    /// The title (from the template).
    public var title: String
    /// The tenant and its display name.
    public var tenant: String, tenantLabel: String
    /// The area's name (the province or the commune).
    public var areaName: String
    /// The template it followed.
    public var template: String
    /// The sections, in the template's order.
    public var tables: [ReportTable]
    /// Monthly trend points (persons on file at each month's end, drug cases in the month) for the charts.
    public var trend: [TrendPoint]
    /// The charts the template asks for (`persons_by_status`, `trend`, `targets`).
    public var charts: [String]

    /// Creates a report.
    public init(request: ReportRequest, title: String, tenant: String, tenantLabel: String, areaName: String, template: String,
                tables: [ReportTable], trend: [TrendPoint] = [], charts: [String] = []) {
        self.request = request; self.title = title; self.tenant = tenant; self.tenantLabel = tenantLabel; self.areaName = areaName
        self.template = template; self.tables = tables; self.trend = trend; self.charts = charts
    }

    /// The section of kind `id`, if the template listed it.
    public subscript(table id: String) -> ReportTable? { tables.first { $0.id == id } }

    /// Every number of the report by its key `section/row/column`: what approval freezes and compares.
    public var figures: [String: Double] {
        var out: [String: Double] = [:]
        for t in tables {
            for r in t.rows {
                for (c, cell) in zip(t.columns, r.cells) { if let n = cell.number { out["\(t.id)/\(r.key)/\(c.id)"] = n } }
            }
        }
        return out
    }
}
