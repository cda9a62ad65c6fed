import Foundation
import HosoDomain

/// The layout of a report kind as data: its title, the sections it shows in order, the charts of
/// its HTML page, the rule set its classification uses and how many days after the period's
/// last day it is due. Hoso bundles one per kind (`Resources/templates.hoso`); a tenant may
/// load its own (``ReportTemplates/load(_:file:into:)``), which replace the bundled ones of the
/// same kind.
///
/// The file format is the program's block format:
///
/// ```text
/// [template annual]
/// title = Báo cáo năm {period}: công tác xây dựng xã, phường không ma túy
/// sections = persons_by_status, status_changes, drug_cases, targets, changes
/// charts = persons_by_status, trend, targets
/// rule_set = qd28-2025
/// due_days = 3
/// title.drug_cases = Kết quả đấu tranh, triệt phá
/// ```
public struct ReportTemplate: Sendable, Hashable {
    /// The report kind it lays out (the block's name).
    public var kind: ReportKind
    /// The title; `{period}` and `{area}` are replaced.
    public var title: String
    /// The sections, in order.
    public var sections: [ReportSection]
    /// A section's own title, when the template gives one.
    public var sectionTitles: [ReportSection: String]
    /// The charts of the HTML page: `persons_by_status`, `trend`, `targets`.
    public var charts: [String]
    /// The classification rule set.
    public var ruleSet: String
    /// Days after the period's last day by which the report is due.
    public var dueDays: Int

    /// The charts a template may ask for.
    public static let chartKinds = ["persons_by_status", "trend", "targets"]

    /// The title of `section` in this template.
    public func title(of section: ReportSection) -> String { sectionTitles[section] ?? section.title }

    /// Reads templates from `text`; `file` names it in errors, which give the line and field.
    ///
    /// ```swift
    /// let mine = try ReportTemplate.parse("[template monthly]\nsections = drug_cases, tips\n", file: "mine.hoso")
    /// print(mine[0].sections.map(\.rawValue))   // ["drug_cases", "tips"]
    /// ```
    public static func parse(_ text: String, file: String) throws(ReportError) -> [ReportTemplate] {
        let stanzas: [ProgramStanza]
        do { stanzas = try ProgramText.parse(text, file: file) } catch {
            throw ReportError(place: "\(error.file)\(error.line.map { " line \($0)" } ?? "")\(error.field.map { ", field \($0)" } ?? "")",
                              reason: error.reason, fix: "correct the file and load it again")
        }
        var out: [ReportTemplate] = []
        for st in stanzas {
            func at(_ line: Int, _ field: String?) -> String { "\(file) line \(line)\(field.map { ", field \($0)" } ?? "")" }
            guard st.kind == "template" else {
                throw ReportError(place: at(st.line, nil), reason: "[\(st.kind) \(st.name)] is not a template block", fix: "write [template KIND]")
            }
            guard let kind = ReportKind(rawValue: st.name) else {
                throw ReportError(place: at(st.line, nil), reason: "'\(st.name)' is not a report kind",
                                  fix: "use one of \(ReportKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard !out.contains(where: { $0.kind == kind }) else {
                throw ReportError(place: at(st.line, nil), reason: "template \(kind.rawValue) is given twice", fix: "keep one block per kind")
            }
            var t = ReportTemplate(kind: kind, title: "\(kind.label) {period}: {area}", sections: [], sectionTitles: [:], charts: [],
                                   ruleSet: "qd28-2025", dueDays: 3)
            var sawSections = false
            for f in st.fields {
                func list() -> [String] { f.value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
                switch f.key {
                case "title": t.title = f.value
                case "sections":
                    sawSections = true
                    for name in list() {
                        guard let s = ReportSection(rawValue: name) else {
                            throw ReportError(place: at(f.line, "sections"), reason: "'\(name)' is not a section",
                                              fix: "use \(ReportSection.allCases.map(\.rawValue).joined(separator: ", "))")
                        }
                        guard !t.sections.contains(s) else {
                            throw ReportError(place: at(f.line, "sections"), reason: "'\(name)' is listed twice", fix: "list each section once")
                        }
                        t.sections.append(s)
                    }
                case "charts":
                    for name in list() {
                        guard chartKinds.contains(name) else {
                            throw ReportError(place: at(f.line, "charts"), reason: "'\(name)' is not a chart", fix: "use \(chartKinds.joined(separator: ", "))")
                        }
                        t.charts.append(name)
                    }
                case "rule_set": t.ruleSet = f.value
                case "due_days":
                    guard let n = Int(f.value), (0...366).contains(n) else {
                        throw ReportError(place: at(f.line, "due_days"), reason: "'\(f.value)' is not a number of days", fix: "write a whole number from 0 to 366")
                    }
                    t.dueDays = n
                default:
                    if f.key.hasPrefix("title.") {
                        let name = String(f.key.dropFirst("title.".count))
                        guard let s = ReportSection(rawValue: name) else {
                            throw ReportError(place: at(f.line, f.key), reason: "'\(name)' is not a section", fix: "write title.SECTION with a section of 'sections'")
                        }
                        t.sectionTitles[s] = f.value
                    } else {
                        throw ReportError(place: at(f.line, f.key), reason: "is not a field of a template",
                                          fix: "use title, sections, charts, rule_set, due_days or title.SECTION")
                    }
                }
            }
            guard sawSections, !t.sections.isEmpty else {
                throw ReportError(place: at(st.line, "sections"), reason: "template \(kind.rawValue) lists no sections", fix: "add 'sections = persons_by_status, …'")
            }
            out.append(t)
        }
        return out
    }

    /// Writes templates in the form ``parse(_:file:)`` reads.
    public static func write(_ templates: [ReportTemplate]) -> String {
        var s = "# Report templates: one block per kind (monthly, half-year, annual, span).\n"
        for t in templates {
            s += "\n[template \(t.kind.rawValue)]\ntitle = \(t.title)\nsections = \(t.sections.map(\.rawValue).joined(separator: ", "))\n"
            if !t.charts.isEmpty { s += "charts = \(t.charts.joined(separator: ", "))\n" }
            s += "rule_set = \(t.ruleSet)\ndue_days = \(t.dueDays)\n"
            for sec in t.sections { if let title = t.sectionTitles[sec] { s += "title.\(sec.rawValue) = \(title)\n" } }
        }
        return s
    }
}

/// The templates of a tenant: the bundled ones, replaced kind by kind by those the tenant loaded
/// (stored as the text of its file in the tenant's setting `reports.templates`).
public enum ReportTemplates {
    static let setting = "reports.templates"

    /// The bundled templates (`Resources/templates.hoso`).
    public static func bundled() throws(ReportError) -> [ReportTemplate] {
        guard let url = Bundle.module.url(forResource: "templates", withExtension: "hoso", subdirectory: "Resources"),
              let data = try? Data(contentsOf: url) else {
            throw ReportError(place: "templates.hoso", reason: "the bundled resource is missing", fix: "reinstall hoso")
        }
        return try ReportTemplate.parse(String(decoding: data, as: UTF8.self), file: "templates.hoso")
    }

    /// The tenant's templates, one per kind.
    public static func of(_ program: ProgramTenant) throws -> [ReportTemplate] {
        var all = try bundled()
        if let own = try program.tenant.setting(setting) {
            for t in try ReportTemplate.parse(String(decoding: own, as: UTF8.self), file: "setting \(setting)") {
                all.removeAll { $0.kind == t.kind }
                all.append(t)
            }
        }
        return ReportKind.allCases.compactMap { k in all.first { $0.kind == k } }
    }

    /// The tenant's template for `kind`.
    public static func template(_ kind: ReportKind, of program: ProgramTenant) throws -> ReportTemplate {
        guard let t = try of(program).first(where: { $0.kind == kind }) else {
            throw ReportError(place: "template \(kind.rawValue)", reason: "the tenant has no template of this kind", fix: "load one with hoso report templates --load FILE")
        }
        return t
    }

    /// Checks a template file whole and stores its templates in the tenant (they replace the
    /// bundled ones of the same kinds and any loaded before). Returns how many it held.
    @discardableResult
    public static func load(_ text: String, file: String, into program: ProgramTenant) throws -> Int {
        let new = try ReportTemplate.parse(text, file: file)
        for t in new {
            let known = try program.ruleBook().ruleSets.map(\.name)
            guard known.contains(t.ruleSet) else {
                throw ReportError(place: "\(file), template \(t.kind.rawValue), field rule_set", reason: "'\(t.ruleSet)' is not a rule set of the tenant",
                                  fix: "use one of \(known.joined(separator: ", "))")
            }
        }
        var own = try program.tenant.setting(setting).map { try ReportTemplate.parse(String(decoding: $0, as: UTF8.self), file: "setting") } ?? []
        own.removeAll { o in new.contains { $0.kind == o.kind } }
        own += new
        try program.tenant.setSetting(setting, Array(ReportTemplate.write(own).utf8))
        return new.count
    }
}
