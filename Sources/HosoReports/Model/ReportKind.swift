import HosoDomain

/// The kinds of periodic report the plans ask for: the commune's monthly report, the
/// province's 6-month and annual reports to the Ministry, and a plan's own span.
public enum ReportKind: String, Sendable, Codable, CaseIterable, Hashable {
    /// One month of the tenant's calendar (`--period 2025-06`).
    case monthly
    /// Half a reporting year (`--half 2025-H1`).
    case halfYear = "half-year"
    /// A reporting year (`--year 2025`).
    case annual
    /// A plan's own dates (`--from/--to`).
    case span

    /// The Vietnamese name used in titles.
    public var label: String {
        switch self {
        case .monthly: "Báo cáo tháng"
        case .halfYear: "Báo cáo 6 tháng"
        case .annual: "Báo cáo năm"
        case .span: "Báo cáo theo kế hoạch"
        }
    }
}

/// Which area a report covers: the tenant's province (every commune listed, and the total) or one commune.
public enum ReportScope: Sendable, Codable, Hashable, CustomStringConvertible {
    /// The whole province of the tenant.
    case province
    /// One commune, by its official code.
    case commune(Int32)

    /// `province` or `commune-6934`: the form used in keys and file names.
    public var description: String {
        switch self {
        case .province: "province"
        case .commune(let c): "commune-\(c)"
        }
    }
}

/// What report is asked for: its kind, the days it covers (in the tenant's calendar) and its area.
public struct ReportRequest: Sendable, Codable, Hashable, CustomStringConvertible {
    /// The kind of report (chooses the template).
    public var kind: ReportKind
    /// The period's text as the user gave it or the calendar names it (`2025`, `2025-H1`, `2025-06`, `2025-01-01..2025-03-31`).
    public var period: String
    /// The first day of the period.
    public var first: Day
    /// The last day of the period: the cut-off for persons on file.
    public var last: Day
    /// The area covered.
    public var scope: ReportScope

    /// Creates a request for the days `first` through `last`.
    public init(kind: ReportKind, period: String, first: Day, last: Day, scope: ReportScope = .province) {
        self.kind = kind; self.period = period; self.first = first; self.last = last; self.scope = scope
    }

    /// The request for `kind` and a period text in `calendar`: `2025-06` for monthly, `2025-H1`
    /// for half-year, `2025` for annual, `FROM..THROUGH` for a span. A text that does not fit the
    /// kind is refused with the form it should take.
    ///
    /// ```swift
    /// let request = try ReportRequest.parse(kind: .halfYear, period: "2025-H1", calendar: program.calendar)
    /// print(request.first, request.last)   // 2024-12-10 2025-06-09
    /// ```
    public static func parse(kind: ReportKind, period text: String, calendar: ReportingCalendar,
                             scope: ReportScope = .province) throws(ReportError) -> ReportRequest {
        let period: Period
        do { period = try Period.parse(text) } catch {
            throw ReportError(place: "period '\(text)'", reason: "\(error.reason)", fix: ReportRequest.form(kind))
        }
        let fits: Bool
        switch (kind, period) {
        case (.monthly, .month), (.halfYear, .half), (.annual, .year), (.span, .span): fits = true
        default: fits = false
        }
        guard fits else { throw ReportError(place: "period '\(text)'", reason: "is not a period of the report kind \(kind.rawValue)", fix: ReportRequest.form(kind)) }
        let range = period.range(in: calendar)
        guard let last = range.last else { throw ReportError(place: "period '\(text)'", reason: "has no days", fix: ReportRequest.form(kind)) }
        return ReportRequest(kind: kind, period: period.description, first: range.start, last: last, scope: scope)
    }

    static func form(_ kind: ReportKind) -> String {
        switch kind {
        case .monthly: "give a month such as 2025-06 (--period)"
        case .halfYear: "give a half year such as 2025-H1 (--half)"
        case .annual: "give a year such as 2025 (--year)"
        case .span: "give the first and last day (--from 2025-01-01 --to 2025-06-30)"
        }
    }

    /// The days of the period.
    public var range: DayRange { DayRange(from: first, through: last) }

    /// The request for the period just before this one, of the same length and kind.
    public func previous(calendar: ReportingCalendar) -> ReportRequest {
        switch kind {
        case .monthly:
            let (y, m) = calendar.monthLabel(containing: first)
            let (py, pm) = m == 1 ? (y - 1, 12) : (y, m - 1)
            let r = calendar.month(py, pm)
            return ReportRequest(kind: kind, period: Period.month(year: py, month: pm).description, first: r.start, last: r.last!, scope: scope)
        case .halfYear:
            let (y, h) = calendar.halfLabel(containing: first)
            let (py, ph) = h == 1 ? (y - 1, 2) : (y, 1)
            let r = calendar.half(py, ph)
            return ReportRequest(kind: kind, period: Period.half(year: py, half: ph).description, first: r.start, last: r.last!, scope: scope)
        case .annual:
            let y = calendar.yearLabel(containing: first)
            let r = calendar.year(y - 1)
            return ReportRequest(kind: kind, period: Period.year(y - 1).description, first: r.start, last: r.last!, scope: scope)
        case .span:
            let days = range.dayCount
            let end = first.adding(days: -1)
            let start = first.adding(days: -days)
            return ReportRequest(kind: kind, period: Period.span(DayRange(from: start, through: end)).description, first: start, last: end, scope: scope)
        }
    }

    enum CodingKeys: String, CodingKey { case kind, period, first, last, scope }

    /// Decodes a request (days as `YYYY-MM-DD`).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decode(ReportKind.self, forKey: .kind)
        period = try c.decode(String.self, forKey: .period)
        first = try Day.parse(try c.decode(String.self, forKey: .first))
        last = try Day.parse(try c.decode(String.self, forKey: .last))
        scope = try c.decode(ReportScope.self, forKey: .scope)
    }

    /// Encodes a request (days as `YYYY-MM-DD`).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind); try c.encode(period, forKey: .period)
        try c.encode(first.description, forKey: .first); try c.encode(last.description, forKey: .last)
        try c.encode(scope, forKey: .scope)
    }

    /// `annual 2025 province`: how the request is named in lists and keys.
    public var description: String { "\(kind.rawValue) \(period) \(scope)" }
}

/// A report that cannot be made or stored: what, where (the input, file, line, field) and what to do.
public struct ReportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The input or place at fault: `period '2025-13'`, `templates.hoso line 4, field section`.
    public var place: String
    /// What is wrong.
    public var reason: String
    /// What to do about it.
    public var fix: String

    /// Creates an error.
    public init(place: String, reason: String, fix: String) { self.place = place; self.reason = reason; self.fix = fix }

    public var description: String { "\(place): \(reason); \(fix)" }
}
