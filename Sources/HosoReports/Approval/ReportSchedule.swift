import HosoDomain

/// A report due under the tenant's calendar: its request, the day it is due, where its approval
/// stands and whether it is late (due before today and not submitted by its due day).
public struct DueReport: Sendable, Hashable {
    /// The report.
    public var request: ReportRequest
    /// The last day to send it: the period's last day plus the template's `due_days`.
    public var due: Day
    /// Its approval state, nil when never submitted.
    public var state: ApprovalState?
    /// The day it was first submitted, if it was.
    public var submitted: Day?
    /// Due before `today` and not submitted by its due day.
    public var late: Bool
}

/// The reporting deadlines of a tenant: the monthly, 6-month and annual reports of its province
/// (or of one commune) under its calendar and templates.
public enum ReportSchedule {
    /// The reports due from `lookBack` days before `today` to `weeks` weeks after it, oldest first.
    ///
    /// ```swift
    /// let due = try ReportSchedule.due(program, today: Day(year: 2025, month: 6, day: 5)!)
    /// print(due.first { $0.request.kind == .halfYear }!.due)   // 2025-06-12
    /// ```
    public static func due(_ program: ProgramTenant, today: Day, weeks: Int = 6, lookBack: Int = 62,
                           scope: ReportScope = .province) throws -> [DueReport] {
        let templates = try ReportTemplates.of(program)
        let approvals = ReportApprovals(program: program)
        let calendar = program.calendar
        let window = DayRange(from: today.adding(days: -lookBack), through: today.adding(days: weeks * 7))
        var out: [DueReport] = []
        let y0 = calendar.yearLabel(containing: today)
        for kind in [ReportKind.monthly, .halfYear, .annual] {
            guard let t = templates.first(where: { $0.kind == kind }) else { continue }
            var ranges: [(String, DayRange)] = []
            for y in (y0 - 1)...(y0 + 1) {
                switch kind {
                case .monthly: for m in 1...12 { ranges.append((Period.month(year: y, month: m).description, calendar.month(y, m))) }
                case .halfYear: for h in 1...2 { ranges.append((Period.half(year: y, half: h).description, calendar.half(y, h))) }
                default: ranges.append((Period.year(y).description, calendar.year(y)))
                }
            }
            for (label, r) in ranges {
                guard let last = r.last else { continue }
                let due = last.adding(days: t.dueDays)
                guard window.contains(due) else { continue }
                let request = ReportRequest(kind: kind, period: label, first: r.start, last: last, scope: scope)
                let rec = try approvals.record(request)
                let submitted = try rec?.steps.first { $0.action == "submit" }.map { try Day.parse($0.day) }
                out.append(DueReport(request: request, due: due, state: rec?.state, submitted: submitted,
                                     late: due < today && (submitted.map { $0 > due } ?? true)))
            }
        }
        return out.sorted { ($0.due, $0.request.kind.rawValue) < ($1.due, $1.request.kind.rawValue) }
    }
}
