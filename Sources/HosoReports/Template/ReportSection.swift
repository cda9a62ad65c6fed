/// The sections a report template can list, each one table of figures.
public enum ReportSection: String, Sendable, Codable, CaseIterable, Hashable {
    /// Persons on file by status at the cut-off: every commune (zeros included) and the province total.
    case personsByStatus = "persons_by_status"
    /// Entries into and exits from a status in the period by cause: new, arrived, left, moved away.
    case statusChanges = "status_changes"
    /// Persons newly on file in the period (new entries), with their national IDs: for a commune's own report.
    case newPersons = "new_persons"
    /// Drug cases by offence article and stage, arrests, mobile trials.
    case drugCases = "drug_cases"
    /// Hotspots found, cleared, re-formed, open and overdue at the cut-off.
    case hotspots
    /// Cultivation found and destroyed: reports, plants, area.
    case cultivation
    /// Tips received, decided (in time, late), open and overdue at the cut-off.
    case tips
    /// Prevention activities: propaganda, commitments, prevention models, training.
    case prevention
    /// Each commune's class under the template's rule set, with its criteria.
    case classification
    /// Progress on each of the tenant's targets.
    case targets
    /// The province (or commune) figures against the previous period's.
    case changes

    /// The default title of the section.
    public var title: String {
        switch self {
        case .personsByStatus: "Người có hồ sơ quản lý theo tình trạng tại ngày chốt số liệu"
        case .statusChanges: "Biến động trong kỳ: mới phát hiện, chuyển đến, chuyển đi, ra khỏi diện quản lý"
        case .newPersons: "Người mới phát hiện trong kỳ"
        case .drugCases: "Vụ án về ma túy theo điều luật và giai đoạn; số đối tượng bị bắt; xét xử lưu động"
        case .hotspots: "Điểm, tụ điểm phức tạp về ma túy"
        case .cultivation: "Phát hiện, phá bỏ cây có chứa chất ma túy"
        case .tips: "Tin báo, tố giác về tội phạm ma túy"
        case .prevention: "Hoạt động phòng ngừa"
        case .classification: "Phân loại xã, phường theo tiêu chí"
        case .targets: "Tiến độ thực hiện chỉ tiêu"
        case .changes: "So sánh với kỳ trước"
        }
    }
}
