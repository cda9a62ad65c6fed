import HosoDomain

/// Computes reports from a tenant's indexes, following the tenant's template for the kind: every
/// figure comes from the domain's index-answered questions (counts by status on a day, status
/// changes by cause, events and amounts by kind, lifecycles of tips and hotspots, classification
/// and target progress), all in one snapshot.
public struct ReportBuilder: Sendable {
    /// The tenant.
    public let program: ProgramTenant

    /// The statuses of the persons-on-file table, in its column order.
    public static let statuses: [Status] = [.illegalUser, .addict, .voluntaryRehab, .compulsoryRehab, .methadone, .postRehab, .releasedPrisoner, .highRisk]
    /// The case-event kinds of the prevention table.
    public static let preventionKinds: [CaseEvent.Kind] = [.propaganda, .commitment, .preventionModel, .training]

    /// A builder for `program`.
    public init(program: ProgramTenant) { self.program = program }

    /// The report for `request` under the tenant's template for its kind (or `template`).
    ///
    /// With `placesAsOf` a day before the 2025 reform (1/7/2025), the per-commune rows of the
    /// persons-on-file, status-change, hotspot, cultivation, tip and prevention tables (and the commune of each
    /// row of the new-persons list) are those of the communes in force
    /// that day: the old communes with their 2024 names and districts (each record in the old
    /// commune it named, else in the only one its commune took over), and the 2025 communes
    /// whose records cannot be placed back; their totals are the report's by today's communes.
    /// Those figures come from indexes as the others do
    /// (``HosoDomain/ProgramSnapshot/countPersonsByPlaces(on:placesAsOf:in:)`` and its companions
    /// for events; the hotspot and tip tables read the tips and hotspots naming an old commune,
    /// ``HosoDomain/ProgramSnapshot/lifecycleByPlaces(_:during:on:placesAsOf:in:)``). The
    /// classification and the targets keep today's communes (communes are classified and given
    /// targets as they are now), and each table's note says which tree it uses. A day from the reform on is today's tree: the report by today's communes.
    ///
    /// ```swift
    /// let annual = try ReportRequest.parse(kind: .annual, period: "2025", calendar: program.calendar)
    /// let report = try ReportBuilder(program: program).build(annual)
    /// print(report.tables.count)   // 10
    /// print(report[table: "persons_by_status"]!.rows.last!.key)   // total
    /// let byOld = try ReportBuilder(program: program).build(annual, placesAsOf: Day(year: 2024, month: 12, day: 10)!)
    /// print(byOld[table: "persons_by_status"]!.columns[1].id)   // district
    /// ```
    public func build(_ request: ReportRequest, template: ReportTemplate? = nil, placesAsOf: Day? = nil) throws -> Report {
        let template = try template ?? ReportTemplates.template(request.kind, of: program)
        guard let province = program.province else {
            throw ReportError(place: "tenant '\(program.name)'", reason: "has no province", fix: "reports need a province tenant")
        }
        let communes: [CommuneEntry]
        let areaName: String
        let provinceName = (try? Gazetteer.official2025())?.province(code: province)?.name ?? "Tỉnh \(province)"
        switch request.scope {
        case .province:
            communes = program.settings.communes
            areaName = provinceName
        case .commune(let code):
            guard let e = program.commune(code: code) else {
                throw ReportError(place: "commune \(code)", reason: "is not a commune of tenant '\(program.name)'", fix: "give a code from hoso program classify or the communes table")
            }
            communes = [e]
            areaName = "\(e.name), \(provinceName)"
        }
        let set = try program.indicators()
        let rules = try program.ruleBook()
        let needsClass = template.sections.contains(.classification)
        guard !needsClass || rules[template.ruleSet] != nil else {
            throw ReportError(place: "template \(template.kind.rawValue), field rule_set", reason: "'\(template.ruleSet)' is not a rule set of the tenant",
                              fix: "load the rule set or change the template")
        }
        let targets = try program.targetBook().targets
        let calendar = program.calendar
        let info = try program.info()
        var context = Context(request: request, province: province, communes: communes, template: template)
        if let placesAsOf, placesAsOf < PlaceHistory.reformDay {
            context.placesThen = PlacesThen(day: placesAsOf, history: try PlaceHistory.official(), communes: communes)
        }
        var named: Set<RecordID> = []
        let placement = try placementNote(context)
        let report = try program.read { q in
            var tables: [ReportTable] = []
            for section in template.sections {
                var t: ReportTable
                switch section {
                case .personsByStatus: t = try personsByStatus(q, context)
                case .statusChanges: t = try statusChanges(q, context)
                case .newPersons: t = try newPersons(q, context, named: &named)
                case .drugCases: t = try drugCases(q, context)
                case .hotspots: t = try hotspots(q, context)
                case .cultivation: t = try cultivation(q, context)
                case .tips: t = try tips(q, context)
                case .prevention: t = try prevention(q, context)
                case .classification:
                    // the template's rule set, or for a period it does not cover the rule set in force then
                    let applies = { (r: RuleSet) in r.effectiveFrom <= request.last && (r.effectiveUntil.map { request.last <= $0 } ?? true) }
                    if let rs = [rules[template.ruleSet]!].filter(applies).first ?? rules.ruleSets.filter(applies).first {
                        t = try classification(q, context, ruleSet: rs, indicators: set)
                        if rs.name != template.ruleSet { t.note += " Bộ tiêu chí \(template.ruleSet) chưa có hiệu lực cho kỳ này: dùng \(rs.name)." }
                    } else {
                        t = ReportTable(id: section.rawValue, title: "", note: "Không có bộ tiêu chí phân loại nào có hiệu lực cho kỳ \(request.range).", columns: [])
                    }
                case .targets: t = try targetTable(q, context, targets: targets, indicators: set, rules: rules)
                case .changes: t = try changes(q, context, previous: request.previous(calendar: calendar))
                }
                t.title = template.title(of: section)
                if let then = context.placesThen, let kept = Self.placementOfOtherTables(section, then.day) {
                    t.note += (t.note.isEmpty ? "" : " ") + kept
                }
                tables.append(t)
            }
            if let placement, !tables.isEmpty {
                tables[0].note += (tables[0].note.isEmpty ? "" : " ") + placement
            }
            let title = template.title.replacingOccurrences(of: "{period}", with: request.period).replacingOccurrences(of: "{area}", with: areaName)
            return Report(request: request, title: title, tenant: program.name, tenantLabel: info.displayName.isEmpty ? program.name : info.displayName, areaName: areaName,
                          template: template.kind.rawValue, tables: tables, trend: try trend(q, context), charts: template.charts)
        }
        // A report that names persons (the new persons' names and national IDs) is a read of
        // their personal fields: logged in the processing log before it is handed out.
        try program.logPersonalRead("report \(request.kind.rawValue) \(request.period) (\(areaName)): names and national IDs of new persons", personIDs: named)
        return report
    }

    /// The note of a table a report by the communes of `day` (before the reform) keeps by
    /// today's communes, saying so and why; `nil` for the tables built by the communes of then.
    static func placementOfOtherTables(_ section: ReportSection, _ day: Day) -> String? {
        let then = dayMonthYear(day)
        switch section {
        case .personsByStatus, .statusChanges, .newPersons, .hotspots, .tips, .cultivation, .prevention: return nil
        case .drugCases:
            return "Bảng không chia theo xã, phường (theo điều luật và giai đoạn), nên không đổi khi tính theo xã, phường ngày \(then)."
        case .classification:
            return "Bảng này tính theo xã, phường từ 01/7/2025, không theo xã, phường ngày \(then): đơn vị được phân loại là xã, phường hiện nay."
        case .targets:
            return "Bảng này tính theo xã, phường từ 01/7/2025, không theo xã, phường ngày \(then): chỉ tiêu được giao cho xã, phường hiện nay."
        case .changes:
            return "Bảng so sánh số liệu toàn địa bàn, không chia theo xã, phường, nên không đổi khi tính theo xã, phường ngày \(then)."
        }
    }

    /// How the figures of a period that begins before the 2025 reform (1/7/2025) were placed:
    /// by today's communes, with the files that named an old commune counted in its successor
    /// and those of split communes still awaiting an officer's assignment; `nil` for a period
    /// after the reform.
    func placementNote(_ c: Context) throws -> String? {
        if let then = c.placesThen {
            return "Các bảng người có hồ sơ, biến động, người mới phát hiện, tụ điểm, trồng cây, tin báo và phòng ngừa tính theo xã, phường, thị trấn ngày \(Self.dayMonthYear(then.day)) (trước sắp xếp đơn vị hành chính: "
                + "tên xã và huyện năm 2024; mỗi hồ sơ, vụ việc tính vào xã cũ đã ghi, hoặc xã cũ duy nhất mà xã hiện nay kế thừa; dòng ghi \"từ 01/7/2025\" là hồ sơ không xác định được xã cũ). "
                + "Dòng toàn tỉnh bằng báo cáo theo xã, phường hiện nay; các bảng khác tính theo xã, phường từ 01/7/2025 (ghi chú của từng bảng nói rõ)."
        }
        let reform = PlaceHistory.reformDay
        guard c.request.first < reform else { return nil }
        let named = try program.read { try $0.filesNamingOldCommunes(in: c.scopeArea) }
        let codes = Set(c.communes.map(\.ref.commune))
        let pending = named == 0 ? 0 : try program.placementReviews().filter {
            if case .person = $0.record { return codes.contains($0.placedIn.commune) } else { return false }
        }.count
        var note = "Kỳ báo cáo có ngày trước 01/7/2025: số liệu tính theo xã, phường sau sắp xếp đơn vị hành chính (từ 01/7/2025)"
        if named > 0 {
            note += "; \(named) hồ sơ ghi xã, phường cũ được tính vào xã, phường kế thừa"
            if pending > 0 { note += ", trong đó \(pending) hồ sơ của xã bị chia tạm tính vào xã kế thừa chính, chờ cán bộ xác định (hoso places review)" }
        }
        return note + ". Theo xã, phường cũ: BY PLACES AS OF '2025-06-30'."
    }

    struct Context {
        var request: ReportRequest
        var province: Int32
        var communes: [CommuneEntry]
        var template: ReportTemplate
        var isProvince: Bool { request.scope == .province }
        var range: DayRange { request.range }
        var cutoff: Day { request.last }
        /// Each commune's row (key: its code) and, for the province, the total row (key `total`).
        var areas: [(key: String, name: String, area: Area, total: Bool)] {
            var out = communes.map { (key: String($0.ref.commune), name: $0.name, area: Area.commune($0.ref), total: false) }
            if isProvince { out.append((key: "total", name: "Toàn tỉnh", area: .province(province), total: true)) }
            return out
        }
        var scopeArea: Area { isProvince ? .province(province) : .commune(communes[0].ref) }
        /// The communes of a day before the reform, for the tables built by them.
        var placesThen: PlacesThen?
    }

    /// The communes in force on a day before the 2025 reform, as the rows of a table: the old
    /// communes the report's communes took over (2024 codes, names and districts) and the 2025
    /// communes that took over several (their records that name none stay under them), in
    /// district then code order, plus any other place a figure names.
    struct PlacesThen {
        var day: Day
        var history: PlaceHistory
        var places: [PlaceAsOf]
        var names: [Int32: String]

        init(day: Day, history: PlaceHistory, communes: [CommuneEntry]) {
            self.day = day; self.history = history
            names = Dictionary(communes.map { ($0.ref.commune, $0.name) }, uniquingKeysWith: { a, _ in a })
            var places: Set<PlaceAsOf> = []
            for c in communes {
                let predecessors = history.predecessors(ofNewCommune: c.ref.commune)
                for p in predecessors {
                    if let old = history.before.commune(code: p.oldCode) {
                        places.insert(PlaceAsOf(commune: CommuneRef(province: old.provinceCode, district: old.districtCode ?? 0, commune: old.code), hierarchy: .before2025))
                    }
                }
                if predecessors.count != 1 { places.insert(PlaceAsOf(commune: c.ref, hierarchy: .since2025)) }
            }
            self.places = places.sorted()
        }

        /// The rows: every place of the list and those `extra` names.
        func rows(_ extra: some Sequence<PlaceAsOf>) -> [PlaceAsOf] {
            Set(places).union(extra).sorted()
        }

        /// A row's key: the old commune's code, or the 2025 commune's code and `-2025`.
        static func key(_ p: PlaceAsOf) -> String { p.hierarchy == .before2025 ? String(p.commune.commune) : "\(p.commune.commune)-2025" }

        /// Code, district (2024) and name of a place.
        func cells(_ p: PlaceAsOf) -> [ReportCell] {
            if p.hierarchy == .before2025 {
                let old = history.before.commune(code: p.commune.commune)
                return [.code(ReportBuilder.code(p.commune.commune)), .text(old?.districtName ?? ""), .text(old?.name ?? "")]
            }
            let name = names[p.commune.commune] ?? history.after.commune(code: p.commune.commune)?.name ?? ""
            return [.code(ReportBuilder.code(p.commune.commune)), .text(""), .text(name + " (từ 01/7/2025; hồ sơ không ghi xã cũ)")]
        }
    }

    /// The area columns of a table by the communes of a day before the reform.
    static func placeColumns() -> [ReportColumn] { [ReportColumn("code", "Mã"), ReportColumn("district", "Huyện (2024)"), ReportColumn("area", "Xã, phường, thị trấn")] }

    /// The total row's cells in a table by the communes of a day before the reform.
    static func placeTotalCells() -> [ReportCell] { [.code(""), .text(""), .text("Toàn tỉnh")] }

    /// `10/12/2024`.
    static func dayMonthYear(_ d: Day) -> String {
        let c = d.civil
        return (c.day < 10 ? "0" : "") + "\(c.day)/" + (c.month < 10 ? "0" : "") + "\(c.month)/\(c.year)"
    }

    static func code(_ c: Int32) -> String { c < 100_000 ? String(repeating: "0", count: max(0, 5 - String(c).count)) + String(c) : String(c) }

    static func areaColumns() -> [ReportColumn] { [ReportColumn("code", "Mã"), ReportColumn("area", "Xã, phường")] }
    static func areaCells(_ a: (key: String, name: String, area: Area, total: Bool)) -> [ReportCell] {
        [.code(a.total ? "" : code(Int32(a.key)!)), .text(a.name)]
    }

    func personsByStatus(_ q: borrowing ProgramSnapshot, _ c: Context) throws -> ReportTable {
        var t = ReportTable(id: ReportSection.personsByStatus.rawValue, title: "",
                            note: "Số người có hồ sơ quản lý theo tình trạng tại ngày \(c.cutoff) (chỉ số đếm theo ngày, person.status_flow).",
                            columns: Self.areaColumns() + Self.statuses.map { ReportColumn($0.code, $0.label) } + [ReportColumn("total", "Tổng")])
        if let then = c.placesThen {
            t.columns = Self.placeColumns() + t.columns.dropFirst(2)
            t.note = "Số người có hồ sơ quản lý theo tình trạng tại ngày \(c.cutoff), theo xã, phường, thị trấn ngày \(then.day) (chỉ số đếm theo ngày, person.commune_flow và person.named_flow)."
            let byPlace = try q.countPersonsByPlaces(on: c.cutoff, placesAsOf: then.day, in: c.scopeArea)
            for p in then.rows(byPlace.keys) {
                let cells = Self.statuses.map { byPlace[p]?[$0] ?? 0 }
                t.rows.append(ReportRow(key: PlacesThen.key(p), cells: then.cells(p) + cells.map { .int($0) } + [.int(cells.reduce(0, +))]))
            }
            if c.isProvince {
                let counts = try q.countPersonsByStatus(in: c.scopeArea, on: c.cutoff)
                let cells = Self.statuses.map { counts[$0] ?? 0 }
                t.rows.append(ReportRow(key: "total", cells: Self.placeTotalCells() + cells.map { .int($0) } + [.int(cells.reduce(0, +))], isTotal: true))
            }
            return t
        }
        for a in c.areas {
            let counts = try q.countPersonsByStatus(in: a.area, on: c.cutoff)
            let cells = Self.statuses.map { counts[$0] ?? 0 }
            t.rows.append(ReportRow(key: a.key, cells: Self.areaCells(a) + cells.map { .int($0) } + [.int(cells.reduce(0, +))], isTotal: a.total))
        }
        return t
    }

    func statusChanges(_ q: borrowing ProgramSnapshot, _ c: Context) throws -> ReportTable {
        var t = ReportTable(id: ReportSection.statusChanges.rawValue, title: "",
                            note: "Lượt vào, ra khỏi một tình trạng trong kỳ \(c.range) theo nguyên nhân. Dòng toàn tỉnh không tính chuyển giữa các xã trong tỉnh.",
                            columns: Self.areaColumns() + [ReportColumn("new", "Mới phát hiện"), ReportColumn("arrived", "Chuyển đến"),
                                                           ReportColumn("moved_away", "Chuyển đi"), ReportColumn("left", "Ra khỏi diện quản lý")])
        func cells(_ tally: StatusChangeTally) -> [ReportCell] {
            [tally.count(nil, .entry, .new), tally.count(nil, .entry, .arrived), tally.count(nil, .exit, .movedAway), tally.count(nil, .exit, .left)].map { .int($0) }
        }
        if let then = c.placesThen {
            t.columns = Self.placeColumns() + t.columns.dropFirst(2)
            t.note += " Theo xã, phường, thị trấn ngày \(then.day): mọi lượt chuyển đến, chuyển đi của một xã đều được tính (person.named_changes)."
            let byPlace = try q.countStatusChangesByPlaces(during: c.range, placesAsOf: then.day, in: c.scopeArea)
            for p in then.rows(byPlace.keys) {
                t.rows.append(ReportRow(key: PlacesThen.key(p), cells: then.cells(p) + cells(byPlace[p] ?? StatusChangeTally())))
            }
        }
        for a in c.areas where c.placesThen == nil || a.total {
            let tally = try q.countStatusChanges(in: a.area, during: c.range)
            t.rows.append(ReportRow(key: a.key, cells: (c.placesThen == nil ? Self.areaCells(a) : Self.placeTotalCells()) + cells(tally), isTotal: a.total))
        }
        return t
    }

    func newPersons(_ q: borrowing ProgramSnapshot, _ c: Context, named: inout Set<RecordID>) throws -> ReportTable {
        var t = ReportTable(id: ReportSection.newPersons.rawValue, title: "",
                            note: "Người lần đầu vào một tình trạng quản lý trong kỳ \(c.range) (mới phát hiện; không gồm chuyển đến).",
                            columns: [ReportColumn("person", "Mã hồ sơ"), ReportColumn("name", "Họ và tên"), ReportColumn("national_id", "Số định danh"),
                                      ReportColumn("commune", "Mã xã"), ReportColumn("commune_name", "Xã, phường"), ReportColumn("status", "Tình trạng"),
                                      ReportColumn("date", "Ngày")])
        var rows: [(StatusChange, Person?)] = []
        var changes: [StatusChange] = []
        try q.statusChanges(in: c.scopeArea, during: c.range) { ch in
            if ch.direction == .entry, ch.cause == .new { changes.append(ch) }
            return true
        }
        for ch in changes { rows.append((ch, try q.person(id: ch.personID))) }
        rows.sort { ($0.0.date, $0.0.personID, $0.0.status.rawValue) < ($1.0.date, $1.0.personID, $1.0.status.rawValue) }
        let names = Dictionary(c.communes.map { ($0.ref, $0.name) }, uniquingKeysWith: { a, _ in a })
        if let then = c.placesThen {
            // Each person under the commune in force then: the old commune the file named (while
            // in the commune it was placed in), else the only one its commune took over.
            t.columns = [t.columns[0], t.columns[1], t.columns[2], ReportColumn("commune", "Mã xã"), ReportColumn("district", "Huyện (2024)"),
                         ReportColumn("commune_name", "Xã, phường, thị trấn"), t.columns[5], t.columns[6]]
            t.note += " Xã của mỗi người: theo xã, phường, thị trấn ngày \(Self.dayMonthYear(then.day)) (tên xã và huyện năm 2024)."
        }
        for (ch, p) in rows {
            if let p, !p.fullName.isEmpty || p.nationalID != nil { named.insert(p.id) }
            let place: [ReportCell]
            if let then = c.placesThen {
                place = then.cells(then.history.place(on: then.day, current: ch.commune, named: p?.namedPlace, placedIn: p?.commune ?? ch.commune))
            } else {
                place = [.code(Self.code(ch.commune.commune)), .text(names[ch.commune] ?? "")]
            }
            t.rows.append(ReportRow(key: "\(ch.personID).\(ch.status.code).\(ch.date)",
                                    cells: [.code(String(ch.personID)), .text(p?.fullName ?? ""), .code(p?.nationalID ?? "")] + place
                                        + [.text(ch.status.label), .text(ch.date.description)]))
        }
        return t
    }

    func drugCases(_ q: borrowing ProgramSnapshot, _ c: Context) throws -> ReportTable {
        let stages = CaseEvent.Stage.allCases
        var t = ReportTable(id: ReportSection.drugCases.rawValue, title: "",
                            note: "Vụ án phát hiện trong kỳ \(c.range) theo điều của Bộ luật Hình sự và giai đoạn hiện tại; số đối tượng bị bắt; số vụ xét xử lưu động.",
                            columns: [ReportColumn("article", "Điều")] + stages.map { ReportColumn($0.code, $0.label) }
                                + [ReportColumn("cases", "Tổng số vụ"), ReportColumn("arrested", "Đối tượng bị bắt"), ReportColumn("mobile_trials", "Xét xử lưu động")])
        var byArticle: [Int: [Int]] = [:]   // stage counts…, cases, arrested, mobile
        for e in c.communes {
            try q.events(.drugCase, in: e.ref, during: c.range) { ev in
                let art = ev.offenceArticle ?? 0
                var v = byArticle[art] ?? [Int](repeating: 0, count: stages.count + 3)
                if let s = ev.stage, let i = stages.firstIndex(of: s) { v[i] += 1 }
                v[stages.count] += 1
                v[stages.count + 1] += ev.arrested
                if ev.mobileTrial { v[stages.count + 2] += 1 }
                byArticle[art] = v
                return true
            }
        }
        var total = [Int](repeating: 0, count: stages.count + 3)
        for art in byArticle.keys.sorted() {
            let v = byArticle[art]!
            for i in v.indices { total[i] += v[i] }
            t.rows.append(ReportRow(key: String(art), cells: [.text(art == 0 ? "(chưa xác định)" : "Điều \(art)")] + v.map { .int($0) }))
        }
        t.rows.append(ReportRow(key: "total", cells: [.text("Tổng")] + total.map { .int($0) }, isTotal: true))
        return t
    }

    func hotspots(_ q: borrowing ProgramSnapshot, _ c: Context) throws -> ReportTable {
        try lifecycleTable(q, c, .hotspot, section: .hotspots,
                           note: "Phát hiện, triệt xóa, tái hình thành trong kỳ; còn tồn tại và quá hạn triệt xóa tại ngày \(c.cutoff).",
                           columns: [("found", "Phát hiện"), ("cleared", "Triệt xóa"), ("cleared_in_time", "Triệt xóa đúng hạn"),
                                     ("reformed", "Tái hình thành"), ("existing", "Còn tồn tại"), ("overdue", "Quá hạn")],
                           fourth: \.reformed)
    }

    func cultivation(_ q: borrowing ProgramSnapshot, _ c: Context) throws -> ReportTable {
        var t = ReportTable(id: ReportSection.cultivation.rawValue, title: "", note: "Số vụ phát hiện, số cây và diện tích phá bỏ trong kỳ \(c.range).",
                            columns: Self.areaColumns() + [ReportColumn("reports", "Số vụ"), ReportColumn("plants", "Số cây"), ReportColumn("area_m2", "Diện tích (m²)")])
        if let then = c.placesThen {
            t.columns = Self.placeColumns() + t.columns.dropFirst(2)
            t.note += " Theo xã, phường, thị trấn ngày \(then.day)."
            let counts = try q.countEventsByPlaces(during: c.range, placesAsOf: then.day, in: c.scopeArea)
            let plants = try q.sumEventsByPlaces(.plants, kind: .cultivation, during: c.range, placesAsOf: then.day, in: c.scopeArea)
            let area = try q.sumEventsByPlaces(.areaM2, kind: .cultivation, during: c.range, placesAsOf: then.day, in: c.scopeArea)
            for p in then.rows(Set(counts.keys).union(plants.keys).union(area.keys)) {
                let cells = [counts[p]?[.cultivation] ?? 0, plants[p] ?? 0, area[p] ?? 0]
                t.rows.append(ReportRow(key: PlacesThen.key(p), cells: then.cells(p) + cells.map { .int($0) }))
            }
        }
        for a in c.areas where c.placesThen == nil || a.total {
            let n = try q.countEvents(in: a.area, during: c.range)[.cultivation] ?? 0
            let cells = [n, try q.sumEvents(.plants, kind: .cultivation, in: a.area, during: c.range),
                         try q.sumEvents(.areaM2, kind: .cultivation, in: a.area, during: c.range)]
            t.rows.append(ReportRow(key: a.key, cells: (c.placesThen == nil ? Self.areaCells(a) : Self.placeTotalCells()) + cells.map { .int($0) }, isTotal: a.total))
        }
        return t
    }

    func tips(_ q: borrowing ProgramSnapshot, _ c: Context) throws -> ReportTable {
        try lifecycleTable(q, c, .tip, section: .tips,
                           note: "Tiếp nhận và giải quyết trong kỳ (đúng hạn, quá hạn); đang giải quyết và quá hạn tại ngày \(c.cutoff).",
                           columns: [("received", "Tiếp nhận"), ("decided", "Đã giải quyết"), ("in_time", "Đúng hạn"),
                                     ("late", "Quá hạn khi giải quyết"), ("open", "Đang giải quyết"), ("overdue", "Quá hạn chưa giải quyết")],
                           fourth: \.resolvedLate)
    }

    /// A lifecycle section per area: opened, resolved, resolved in time, `fourth`, then open and
    /// overdue at the cut-off.
    private func lifecycleTable(_ q: borrowing ProgramSnapshot, _ c: Context, _ kind: CaseEvent.Kind, section: ReportSection,
                                note: String, columns: [(String, String)], fourth: KeyPath<LifecycleCounts, Int>) throws -> ReportTable {
        var t = ReportTable(id: section.rawValue, title: "", note: note,
                            columns: Self.areaColumns() + columns.map { ReportColumn($0.0, $0.1) })
        if let then = c.placesThen {
            // Each tip or hotspot under the old commune its event named, else as its commune's records.
            t.columns = Self.placeColumns() + t.columns.dropFirst(2)
            t.note += " Theo xã, phường, thị trấn ngày \(then.day): mỗi vụ việc tính vào xã cũ đã ghi, hoặc xã cũ duy nhất mà xã đang quản lý kế thừa."
            let byPlace = try q.lifecycleByPlaces(kind, during: c.range, on: c.cutoff, placesAsOf: then.day, in: c.scopeArea)
            for p in then.rows(byPlace.keys) {
                let f = byPlace[p] ?? PlacedLifecycle()
                let cells = [f.counts.opened, f.counts.resolved, f.counts.resolvedInTime, f.counts[keyPath: fourth], f.open, f.overdue]
                t.rows.append(ReportRow(key: PlacesThen.key(p), cells: then.cells(p) + cells.map { .int($0) }))
            }
        }
        for a in c.areas where c.placesThen == nil || a.total {
            let l = try q.lifecycle(kind, in: a.area, during: c.range)
            let cells = [l.opened, l.resolved, l.resolvedInTime, l[keyPath: fourth], try q.openCount(kind, in: a.area, on: c.cutoff),
                         try q.overdueCount(kind, in: a.area, on: c.cutoff)]
            t.rows.append(ReportRow(key: a.key, cells: (c.placesThen == nil ? Self.areaCells(a) : Self.placeTotalCells()) + cells.map { .int($0) }, isTotal: a.total))
        }
        return t
    }

    func prevention(_ q: borrowing ProgramSnapshot, _ c: Context) throws -> ReportTable {
        var t = ReportTable(id: ReportSection.prevention.rawValue, title: "", note: "Số hoạt động trong kỳ \(c.range); người tham gia, bản cam kết, mô hình (số lượng).",
                            columns: Self.areaColumns() + Self.preventionKinds.map { ReportColumn($0.code, $0.label) } + [ReportColumn("quantity", "Số lượng")])
        if let then = c.placesThen {
            t.columns = Self.placeColumns() + t.columns.dropFirst(2)
            t.note += " Theo xã, phường, thị trấn ngày \(then.day)."
            let counts = try q.countEventsByPlaces(during: c.range, placesAsOf: then.day, in: c.scopeArea)
            var quantity: [PlaceAsOf: Int] = [:]
            for k in Self.preventionKinds {
                for (p, n) in try q.sumEventsByPlaces(.quantity, kind: k, during: c.range, placesAsOf: then.day, in: c.scopeArea) { quantity[p, default: 0] += n }
            }
            for p in then.rows(Set(counts.keys).union(quantity.keys)) {
                t.rows.append(ReportRow(key: PlacesThen.key(p), cells: then.cells(p) + Self.preventionKinds.map { .int(counts[p]?[$0] ?? 0) } + [.int(quantity[p] ?? 0)]))
            }
        }
        for a in c.areas where c.placesThen == nil || a.total {
            let byKind = try q.countEvents(in: a.area, during: c.range)
            var quantity = 0
            for k in Self.preventionKinds { quantity += try q.sumEvents(.quantity, kind: k, in: a.area, during: c.range) }
            t.rows.append(ReportRow(key: a.key, cells: (c.placesThen == nil ? Self.areaCells(a) : Self.placeTotalCells()) + Self.preventionKinds.map { .int(byKind[$0] ?? 0) } + [.int(quantity)], isTotal: a.total))
        }
        return t
    }

    func classification(_ q: borrowing ProgramSnapshot, _ c: Context, ruleSet: RuleSet, indicators: IndicatorSet) throws -> ReportTable {
        var t = ReportTable(id: ReportSection.classification.rawValue, title: "",
                            note: "Phân loại theo bộ tiêu chí \(ruleSet.name) cho kỳ \(c.range); tiêu chí chưa đạt kèm giá trị.",
                            columns: Self.areaColumns() + [ReportColumn("class", "Phân loại"), ReportColumn("criteria_met", "Tiêu chí đạt"),
                                                           ReportColumn("criteria", "Số tiêu chí"), ReportColumn("unmet", "Tiêu chí chưa đạt")])
        // a commune's report classifies its commune only (an officer reads no other commune's figures)
        let all = c.isProvince ? try q.classifyAll(period: c.range, ruleSet: ruleSet, indicators: indicators)
                               : try c.communes.map { try q.classify($0, period: c.range, ruleSet: ruleSet, indicators: indicators) }
        var perClass: [String: Int] = [:]
        for cl in all where c.communes.contains(where: { $0.ref == cl.commune.ref }) {
            let mine = cl.criteria.filter { $0.classCode == cl.classCode }
            let shown = mine.isEmpty ? cl.criteria : mine
            let unmet = cl.criteria.filter { !$0.met && $0.classCode == (ruleSet.classes.first?.code ?? cl.classCode) }
            perClass[cl.classCode, default: 0] += 1
            t.rows.append(ReportRow(key: String(cl.commune.ref.commune), cells: [
                .code(Self.code(cl.commune.ref.commune)), .text(cl.commune.name), .text(cl.classCode),
                .int(shown.filter(\.met).count), .int(shown.count),
                .text(unmet.map { v in "\(v.label)" + (v.value.map { " (\(ProgramText.format(($0 * 1000).rounded() / 1000)))" } ?? "") }.joined(separator: "; ")),
            ]))
        }
        if c.isProvince {
            let summary = perClass.keys.sorted().map { "\($0): \(perClass[$0]!)" }.joined(separator: ", ")
            t.rows.append(ReportRow(key: "total", cells: [.code(""), .text("Toàn tỉnh"), .text(summary), .text(""), .text(""), .text("")], isTotal: true))
        }
        return t
    }

    func targetTable(_ q: borrowing ProgramSnapshot, _ c: Context, targets: [Target], indicators: IndicatorSet, rules: RuleBook) throws -> ReportTable {
        var t = ReportTable(id: ReportSection.targets.rawValue, title: "",
                            note: "Chỉ tiêu có kỳ giao trùng với kỳ báo cáo; giá trị đạt được tính trên dữ liệu hiện có.",
                            columns: [ReportColumn("target", "Chỉ tiêu"), ReportColumn("label", "Nội dung"), ReportColumn("period", "Kỳ"),
                                      ReportColumn("value", "Đạt được"), ReportColumn("goal", "Chỉ tiêu giao"), ReportColumn("progress", "Tỷ lệ hoàn thành"),
                                      ReportColumn("met", "Đạt"), ReportColumn("holding_back", "Xã chưa đạt")])
        let calendar = program.calendar
        var chosen = targets.filter { $0.period(in: calendar).overlaps(c.range) }
        if chosen.isEmpty { chosen = targets }
        // An officer's report of a commune: the province's progress counts other communes, which
        // the officer does not read; the row says whether the commune itself holds the target back.
        if !c.isProvince && !program.access.readsProvinceFigures {
            t.note += " Cán bộ xã chỉ xem phần của xã mình: tiến độ toàn tỉnh để trống; cột Xã chưa đạt cho biết xã này có chưa đạt hay không."
            for target in chosen {
                let back = try q.holdsBack(target, commune: c.communes[0], indicators: indicators, rules: rules)
                t.rows.append(ReportRow(key: target.name, cells: [.text(target.name), .text(target.label), .text(target.period(in: calendar).description),
                                                                  .decimal(nil), .decimal(target.threshold), .decimal(nil), .text(""), .int(back == true ? 1 : 0)]))
            }
            return t
        }
        for target in chosen {
            let p = try q.progress(of: target, indicators: indicators, rules: rules)
            let back = c.isProvince ? p.holdingBack.count : p.holdingBack.filter { $0.commune.ref == c.communes[0].ref }.count
            let share: Double? = p.value.flatMap { v in target.threshold == 0 ? nil : min(v / target.threshold, 9.99) }
            t.rows.append(ReportRow(key: target.name, cells: [.text(target.name), .text(target.label), .text(p.period.description),
                                                              .decimal(p.value), .decimal(target.threshold), .decimal(share),
                                                              .text(p.met ? "đạt" : "chưa đạt"), .int(back)]))
        }
        return t
    }

    /// The headline figures of a period, for the changes table.
    func summary(_ q: borrowing ProgramSnapshot, area: Area, communes: [CommuneEntry], range: DayRange) throws -> [(String, String, Int)] {
        guard let last = range.last else { return [] }
        let counts = try q.countPersonsByStatus(in: area, on: last)
        let onFile = Self.statuses.map { counts[$0] ?? 0 }.reduce(0, +)
        let tally = try q.countStatusChanges(in: area, during: range)
        let byKind = try q.countEvents(in: area, during: range)
        return [
            ("on_file", "Người có hồ sơ quản lý (cuối kỳ)", onFile),
            ("addict", Status.addict.label + " (cuối kỳ)", counts[.addict] ?? 0),
            ("illegal_user", Status.illegalUser.label + " (cuối kỳ)", counts[.illegalUser] ?? 0),
            ("new", "Mới phát hiện", tally.count(nil, .entry, .new)),
            ("left", "Ra khỏi diện quản lý", tally.count(nil, .exit, .left)),
            ("drug_cases", "Vụ án về ma túy", byKind[.drugCase] ?? 0),
            ("arrested", "Đối tượng bị bắt", try q.sumEvents(.arrested, kind: .drugCase, in: area, during: range)),
            ("hotspots_found", "Điểm, tụ điểm phát hiện", try q.lifecycle(.hotspot, in: area, during: range).opened),
            ("tips", "Tin báo tiếp nhận", try q.lifecycle(.tip, in: area, during: range).opened),
            ("plants", "Cây có chứa chất ma túy phá bỏ", try q.sumEvents(.plants, kind: .cultivation, in: area, during: range)),
        ]
    }

    func changes(_ q: borrowing ProgramSnapshot, _ c: Context, previous: ReportRequest) throws -> ReportTable {
        var t = ReportTable(id: ReportSection.changes.rawValue, title: "", note: "Kỳ này (\(c.range)) so với kỳ trước (\(previous.range)).",
                            columns: [ReportColumn("figure", "Chỉ số"), ReportColumn("this", "Kỳ này"), ReportColumn("previous", "Kỳ trước"),
                                      ReportColumn("change", "Tăng (+), giảm (−)")])
        let now = try summary(q, area: c.scopeArea, communes: c.communes, range: c.range)
        let before = try summary(q, area: c.scopeArea, communes: c.communes, range: previous.range)
        for (a, b) in zip(now, before) {
            t.rows.append(ReportRow(key: a.0, cells: [.text(a.1), .int(a.2), .int(b.2), .int(a.2 - b.2)]))
        }
        return t
    }

    /// Persons on file at each month's last day and drug cases in each month, over the report's
    /// months (a monthly report looks back over twelve).
    func trend(_ q: borrowing ProgramSnapshot, _ c: Context) throws -> [TrendPoint] {
        let calendar = program.calendar
        var (y, m) = calendar.monthLabel(containing: c.cutoff)
        var months: [(Int, Int)] = []
        let oldest = c.request.kind == .monthly ? c.cutoff.adding(months: -11) : c.request.first
        while true {
            months.append((y, m))
            let r = calendar.month(y, m)
            if r.start <= oldest || months.count >= 60 { break }
            (y, m) = m == 1 ? (y - 1, 12) : (y, m - 1)
        }
        var out: [TrendPoint] = []
        for (y, m) in months.reversed() {
            let r = calendar.month(y, m)
            let day = min(r.last!, c.cutoff)
            let counts = try q.countPersonsByStatus(in: c.scopeArea, on: day)
            let events = try q.countEvents(in: c.scopeArea, during: DayRange(from: r.start, through: day))
            out.append(TrendPoint(label: Period.month(year: y, month: m).description, values: [
                "on_file": Self.statuses.map { counts[$0] ?? 0 }.reduce(0, +), "addict": counts[.addict] ?? 0,
                "drug_cases": events[.drugCase] ?? 0,
            ]))
        }
        return out
    }
}
