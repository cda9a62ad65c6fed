import Foundation
import HosoDomain

/// Where a report stands in the approval chain (DHIS2's data approval as the model): a commune
/// or province officer submits it, an approver approves it (its figures are frozen as they
/// were), an administrator locks it (no more changes to its approval).
public enum ApprovalState: String, Sendable, Codable, CaseIterable {
    /// Submitted for approval: awaiting an approver.
    case submitted
    /// Approved: its figures are frozen.
    case approved
    /// Locked: approved and closed.
    case locked
}

/// One step of a report's approval: what was done, by whom (name and role) and when.
public struct ApprovalStep: Sendable, Codable, Hashable {
    /// `submit`, `approve` or `lock`.
    public var action: String
    /// The principal's name and role.
    public var by: String, role: String
    /// When (UTC, ISO 8601) and on which day of the tenant's clock.
    public var at: String, day: String
}

/// A report's approval record as stored in the tenant: the request, its state, its steps and the
/// report as it was at the last step (submitted, then approved: the frozen figures).
public struct ApprovalRecord: Sendable, Codable, Hashable {
    /// The report.
    public var request: ReportRequest
    /// Where it stands.
    public var state: ApprovalState
    /// Every step, oldest first.
    public var steps: [ApprovalStep]
    /// The report as submitted or approved: never rewritten after approval.
    public var frozen: Report
}

/// A figure that differs between the approved report and the data now.
public struct FigureDifference: Sendable, Hashable, CustomStringConvertible {
    /// The figure's key `section/row/column`.
    public var key: String
    /// The section, row and column as the report names them.
    public var label: String
    /// The value approved, and now (nil when the figure is no longer or not yet in the report).
    public var approved: Double?, now: Double?
    /// `now − approved` (treating a missing figure as 0).
    public var change: Double { (now ?? 0) - (approved ?? 0) }

    public var description: String {
        func s(_ v: Double?) -> String { v.map { ProgramText.format($0) } ?? "—" }
        return "\(label): approved \(s(approved)), now \(s(now)) (\(change >= 0 ? "+" : "")\(ProgramText.format(change)))"
    }
}

/// The approval chain of a tenant's reports: submit, approve, lock, with roles checked, the
/// approved figures stored as they were in the tenant's settings (`reports.approval.*`), and
/// the difference per figure between the approved report and the data now.
///
/// The program's roles (``HosoDomain/ProgramRole``) decide who does what: an `officer` submits
/// the reports of the communes assigned, an `analyst` any report, an `admin` submits, approves
/// and locks. The acting principal is the handle's (``HosoStore/Tenant/principal``), or the one
/// given; each step names it.
///
/// ```swift
/// let approvals = ReportApprovals(program: program)
/// let h1 = try ReportRequest.parse(kind: .halfYear, period: "2025-H1", calendar: program.calendar)
/// try approvals.submit(h1, by: Principal(name: "minh", role: "analyst"))
/// let approved = try approvals.approve(h1, by: Principal(name: "ca.tinh.pc04", role: "admin"))
/// print(approved.state)   // approved
/// print(try approvals.differences(approved).count)   // 0
/// ```
public struct ReportApprovals: Sendable {
    /// The tenant.
    public let program: ProgramTenant
    static let indexSetting = "reports.approvals"

    /// The approvals of `program`'s reports.
    public init(program: ProgramTenant) { self.program = program }

    static let mayDo: [String: Set<String>] = ["submit": ["officer", "analyst", "admin"], "approve": ["admin"], "lock": ["admin"]]

    static func key(_ r: ReportRequest) -> String { "reports.approval.\(r.kind.rawValue).\(r.period).\(r.scope)" }

    /// The record of `request`, if it was ever submitted.
    public func record(_ request: ReportRequest) throws -> ApprovalRecord? {
        guard let bytes = try program.tenant.setting(Self.key(request)) else { return nil }
        do { return try JSONDecoder().decode(ApprovalRecord.self, from: Data(bytes)) } catch {
            throw ReportError(place: "setting \(Self.key(request))", reason: "cannot be read (\(error))", fix: "restore the tenant from a backup")
        }
    }

    /// Every record, in request order.
    public func all() throws -> [ApprovalRecord] {
        try index().compactMap { key in
            guard let bytes = try program.tenant.setting(key) else { return nil }
            return try JSONDecoder().decode(ApprovalRecord.self, from: Data(bytes))
        }.sorted { ($0.request.first, $0.request.kind.rawValue, $0.request.scope.description) < ($1.request.first, $1.request.kind.rawValue, $1.request.scope.description) }
    }

    /// The reports awaiting approval (submitted, not yet approved), by period.
    public func pending() throws -> [ApprovalRecord] { try all().filter { $0.state == .submitted } }

    func index() throws -> [String] {
        guard let bytes = try program.tenant.setting(Self.indexSetting) else { return [] }
        return (try? JSONDecoder().decode([String].self, from: Data(bytes))) ?? []
    }

    /// Stores `record` as `principal` (the change log names it): the approval chain, which
    /// checked the role, decides this write, not the handle's policy on settings.
    func store(_ record: ApprovalRecord, by principal: Principal) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let writer = program.tenant.acting(as: principal, policy: AllowAll())
        try writer.setSetting(Self.key(record.request), Array(try encoder.encode(record)))
        var keys = try index()
        if !keys.contains(Self.key(record.request)) {
            keys.append(Self.key(record.request))
            try writer.setSetting(Self.indexSetting, Array(try encoder.encode(keys)))
        }
    }

    func step(_ action: String, _ request: ReportRequest, by principal: Principal) throws -> ApprovalStep {
        guard Self.mayDo[action]!.contains(principal.role) else {
            throw ReportError(place: "user \(principal)", reason: "the role '\(principal.role)' may not \(action) reports",
                              fix: "\(action) needs a user of role \(Self.mayDo[action]!.sorted().joined(separator: " or ")) (hoso users list; hoso users whoami says who you act as)")
        }
        if principal.role == ProgramRole.officer.code {
            let communes = Set(principal.scopes.compactMap(Int32.init))
            guard case .commune(let c) = request.scope, communes.contains(c) else {
                throw ReportError(place: "user \(principal)", reason: "an officer \(action)s the reports of the communes assigned (\(communes.sorted().map(String.init).joined(separator: ", "))), not \(request.scope)",
                                  fix: "give --commune CODE of a commune assigned, or have an analyst or an admin \(action) it")
            }
        }
        // a write brings the tenant's day up to the store's clock before it is read
        try program.tenant.write { _ in }
        let f = ISO8601DateFormatter()
        return ApprovalStep(action: action, by: principal.name, role: principal.role, at: f.string(from: Date()), day: try program.today().description)
    }

    /// Submits the report of `request` as the data stand now. A report already approved or
    /// locked cannot be submitted again.
    @discardableResult
    public func submit(_ request: ReportRequest, by principal: Principal? = nil) throws -> ApprovalRecord {
        let principal = principal ?? program.tenant.principal
        let s = try step("submit", request, by: principal)
        if let old = try record(request), old.state != .submitted {
            throw ReportError(place: "report \(request)", reason: "is already \(old.state.rawValue)", fix: "its approved figures stay as they are; corrections show as differences")
        }
        let report = try ReportBuilder(program: program).build(request)
        var rec = try record(request) ?? ApprovalRecord(request: request, state: .submitted, steps: [], frozen: report)
        rec.steps.append(s); rec.frozen = report; rec.state = .submitted
        try store(rec, by: principal)
        return rec
    }

    /// Approves a submitted report: its figures, computed now, are stored as approved and never rewritten.
    @discardableResult
    public func approve(_ request: ReportRequest, by principal: Principal? = nil) throws -> ApprovalRecord {
        let principal = principal ?? program.tenant.principal
        let s = try step("approve", request, by: principal)
        guard var rec = try record(request) else {
            throw ReportError(place: "report \(request)", reason: "was not submitted", fix: "submit it first (hoso report submit)")
        }
        guard rec.state == .submitted else {
            throw ReportError(place: "report \(request)", reason: "is already \(rec.state.rawValue)", fix: "nothing to approve")
        }
        rec.frozen = try ReportBuilder(program: program).build(request)
        rec.steps.append(s); rec.state = .approved
        try store(rec, by: principal)
        return rec
    }

    /// Locks an approved report.
    @discardableResult
    public func lock(_ request: ReportRequest, by principal: Principal? = nil) throws -> ApprovalRecord {
        let principal = principal ?? program.tenant.principal
        let s = try step("lock", request, by: principal)
        guard var rec = try record(request), rec.state == .approved else {
            throw ReportError(place: "report \(request)", reason: "is not approved", fix: "approve it first (hoso report approve)")
        }
        rec.steps.append(s); rec.state = .locked
        try store(rec, by: principal)
        return rec
    }

    /// The figures of the frozen report that differ from the same report built on the data now.
    public func differences(_ record: ApprovalRecord) throws -> [FigureDifference] {
        let now = try ReportBuilder(program: program).build(record.request)
        return Self.differences(record.frozen, now)
    }

    /// The figures that differ between two reports of the same request.
    public static func differences(_ old: Report, _ new: Report) -> [FigureDifference] {
        let a = old.figures, b = new.figures
        var labels: [String: String] = [:]
        for r in [new, old] {
            for t in r.tables {
                let nameColumn = t.columns.firstIndex { ["area", "article", "figure", "target", "name"].contains($0.id) }
                for row in t.rows {
                    for c in t.columns {
                        labels["\(t.id)/\(row.key)/\(c.id)"] = "\(t.id) / \(nameColumn.map { row.cells[$0].description } ?? row.key) / \(c.label)"
                    }
                }
            }
        }
        return Set(a.keys).union(b.keys).sorted().compactMap { k in
            a[k] == b[k] ? nil : FigureDifference(key: k, label: labels[k] ?? k, approved: a[k], now: b[k])
        }
    }
}
