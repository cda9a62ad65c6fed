import HosoStore

/// A case event of a commune: a tip, a drug case, a hotspot, cultivation found, or a commune
/// activity (propaganda, commitments, prevention models, trainings), on a day, optionally
/// involving persons (DOMAIN.md, "Case events").
///
/// ```swift
/// var e = CaseEvent(id: 9, kind: .drugCase, commune: congSon, date: day)
/// e.offenceArticle = 249; e.stage = .prosecuted; e.arrested = 2
/// try program.addEvent(e)
/// print(try program.eventCount())   // 1
/// ```
public struct CaseEvent: StoredRecord, Hashable {
    /// Kinds of case event.
    public enum Kind: Int, CodedEnum {
        case tip = 1, drugCase, hotspot, cultivation, propaganda, commitment, preventionModel, training

        /// What a kind is called in messages.
        public static let codeName = "event kind"

        /// The code used in queries and files.
        public var code: String {
            switch self {
            case .tip: "tip"
            case .drugCase: "drug_case"
            case .hotspot: "hotspot"
            case .cultivation: "cultivation"
            case .propaganda: "propaganda"
            case .commitment: "commitment"
            case .preventionModel: "prevention_model"
            case .training: "training"
            }
        }

        /// The Vietnamese name of the kind.
        public var label: String {
            switch self {
            case .tip: "tin báo, tố giác về tội phạm ma túy"
            case .drugCase: "vụ án về ma túy"
            case .hotspot: "điểm, tụ điểm phức tạp về ma túy"
            case .cultivation: "trồng cây có chứa chất ma túy"
            case .propaganda: "tuyên truyền phòng, chống ma túy"
            case .commitment: "ký cam kết không vi phạm về ma túy"
            case .preventionModel: "mô hình phòng, chống ma túy"
            case .training: "tập huấn"
            }
        }
    }

    /// Stage a drug case has reached.
    public enum Stage: Int, CodedEnum {
        case detected = 1, investigated, prosecuted, tried

        /// What a stage is called in messages.
        public static let codeName = "stage"

        /// The code used in queries and files.
        ///
        /// ```swift
        /// print(CaseEvent.Stage.tried.code)   // tried
        /// ```
        public var code: String {
            switch self {
            case .detected: "detected"
            case .investigated: "investigated"
            case .prosecuted: "prosecuted"
            case .tried: "tried"
            }
        }

        /// The Vietnamese name of the stage.
        public var label: String {
            switch self {
            case .detected: "phát hiện"
            case .investigated: "khởi tố, điều tra"
            case .prosecuted: "truy tố"
            case .tried: "xét xử"
            }
        }
    }

    /// Decision on a tip or report.
    public enum TipOutcome: Int, CodedEnum {
        case pending = 1, prosecute, notProsecute, suspend

        /// What a decision is called in messages.
        public static let codeName = "tip outcome"

        /// The code used in queries and files.
        ///
        /// ```swift
        /// print(CaseEvent.TipOutcome.notProsecute.code)   // not_prosecute
        /// ```
        public var code: String {
            switch self {
            case .pending: "pending"
            case .prosecute: "prosecute"
            case .notProsecute: "not_prosecute"
            case .suspend: "suspend"
            }
        }

        /// The Vietnamese name of the decision.
        public var label: String {
            switch self {
            case .pending: "đang giải quyết"
            case .prosecute: "khởi tố"
            case .notProsecute: "không khởi tố"
            case .suspend: "tạm đình chỉ giải quyết"
            }
        }
    }

    /// Amounts a dated sum index keeps per commune, kind and day; their codes are the column
    /// names of the amounts (`arrested`, `area_m2`, `plants`, `quantity`).
    public enum Measure: Int, CodedEnum {
        case arrested = 1, areaM2, plants, quantity

        /// What a measure is called in messages.
        public static let codeName = "measure"

        /// The code: the name of the amount's column and field.
        ///
        /// ```swift
        /// print(CaseEvent.Measure(code: "area_m2") == .areaM2)   // true
        /// ```
        public var code: String {
            switch self {
            case .arrested: "arrested"
            case .areaM2: "area_m2"
            case .plants: "plants"
            case .quantity: "quantity"
            }
        }

        /// The Vietnamese name of the measure.
        public var label: String {
            switch self {
            case .arrested: "số đối tượng bị bắt"
            case .areaM2: "diện tích phát hiện, phá bỏ (m²)"
            case .plants: "số cây phát hiện, phá bỏ"
            case .quantity: "số lượng (hộ, bản cam kết, mô hình, người)"
            }
        }
    }

    /// The record id.
    public var id: RecordID
    /// What kind of event.
    public var kind: Kind
    /// The commune it happened in (the 2025 successor, for an event imported from old data).
    public var commune: CommuneRef
    /// The pre-2025 commune the event named when it was imported from old data, with how
    /// ``commune`` was chosen; `nil` for an event naming a 2025 commune.
    ///
    /// ```swift
    /// var e = CaseEvent(id: 1, kind: .tip, commune: congSon, date: day)
    /// e.namedPlace = NamedPlace(commune: CommuneRef(province: 20, district: 178, commune: 6178), placedBy: .whole)
    /// print(e.namedPlace?.placedBy.code ?? "")   // whole
    /// ```
    public var namedPlace: NamedPlace?
    /// The day it happened (received, for tips; found, for hotspots and cultivation).
    public var date: Day
    /// Persons involved.
    public var personIDs: [RecordID] = []
    /// Criminal Code article of a drug case (247–259).
    public var offenceArticle: Int?
    /// Stage of a drug case.
    public var stage: Stage?
    /// Persons arrested.
    public var arrested: Int = 0
    /// Cultivation area found and destroyed, m².
    public var areaM2: Int = 0
    /// Plants found and destroyed.
    public var plants: Int = 0
    /// Households reached, commitments signed, models running, people trained.
    public var quantity: Int = 0
    /// Decision on a tip.
    public var tipOutcome: TipOutcome?
    /// The day a tip was decided or a hotspot cleared.
    public var resolvedDate: Day?
    /// A mobile trial (xét xử lưu động).
    public var mobileTrial: Bool = false
    /// Free text.
    public var note: String?
    /// Extensions of a tip's decision deadline (0: the rules' 20 days; 1: 2 months, a complex
    /// case; 2: 2 + 2 months, extended again). Tips only.
    public var extensions: Int = 0
    /// For a hotspot: the id of the cleared hotspot it re-forms (tái hình thành), if any.
    public var reforms: RecordID?
    /// The last day on time: a tip's decision deadline, a hotspot's clearing deadline; derived
    /// by ``ProgramTenant/prepare(_:)-(CaseEvent)`` from the tenant's ``TermRules`` and
    /// ``extensions`` (nil for other kinds). See ``TermRuleBook/deadline(of:)``.
    public var deadline: Day?

    /// Creates an event.
    public init(id: RecordID, kind: Kind, commune: CommuneRef, date: Day) {
        self.id = id; self.kind = kind; self.commune = commune; self.date = date
    }

    /// The amount of `measure`.
    public func amount(_ measure: Measure) -> Int {
        switch measure {
        case .arrested: arrested
        case .areaM2: areaM2
        case .plants: plants
        case .quantity: quantity
        }
    }

    // Indexes and their keys: ProgramIndexes.swift.

    // MARK: Encoding

    /// What the change log keeps of a deleted case event: everything but its free-text note.
    ///
    /// ```swift
    /// let kept = data.event(1).redactedForDeletion()
    /// print(kept.note == nil)   // true
    /// ```
    public func redactedForDeletion() -> CaseEvent { var e = self; e.note = nil; return e }

    /// The note of an event is sealed under the key of its commune in a sealed tenant.
    public var sealingScope: String? { String(commune.commune) }

    public func encode(to w: inout RecordWriter) {
        w.write(1, kind.rawValue)
        w.writeMessage(2) { commune.write(to: &$0) }
        w.write(3, Int64(date.rawValue))
        w.write(4, packed: personIDs.map { Int64(bitPattern: $0) })
        w.write(5, offenceArticle.map(Int64.init))
        w.write(6, stage.map { Int64($0.rawValue) })
        w.write(7, arrested); w.write(8, areaM2); w.write(9, plants); w.write(10, quantity)
        w.write(11, tipOutcome.map { Int64($0.rawValue) })
        w.write(12, resolvedDate.map { Int64($0.rawValue) })
        w.write(13, mobileTrial)
        w.write(14, note)
        if extensions != 0 { w.write(15, extensions) }
        w.write(16, reforms.map { Int64(bitPattern: $0) })
        w.write(17, deadline.map { Int64($0.rawValue) })
        if let namedPlace { w.writeMessage(18) { namedPlace.write(to: &$0) } }
    }

    // MARK: Lifecycle (tips, hotspots)

    /// Whether the tip is undecided, or the hotspot not cleared, on `day` (found or received on
    /// or before it).
    ///
    /// ```swift
    /// var hotspot = CaseEvent(id: 1, kind: .hotspot, commune: congSon, date: Day(year: 2025, month: 1, day: 10)!)
    /// hotspot.resolvedDate = Day(year: 2025, month: 2, day: 1)!
    /// print(hotspot.isOpen(on: Day(year: 2025, month: 1, day: 31)!), hotspot.isOpen(on: Day(year: 2025, month: 2, day: 1)!))   // true false
    /// ```
    public func isOpen(on day: Day) -> Bool { date <= day && (resolvedDate.map { day < $0 } ?? true) }

    /// Whether it is open on `day` past its ``deadline``.
    public func isOverdue(on day: Day) -> Bool { deadline.map { day > $0 && isOpen(on: day) } ?? false }

    /// Whether it was decided (cleared) by its ``deadline``; nil while open or without a deadline.
    public var resolvedInTime: Bool? {
        guard let r = resolvedDate, let d = deadline else { return nil }
        return r <= d
    }

    public init(id: RecordID, reader r: inout RecordReader) throws(HosoError) {
        self.init(id: id, kind: .tip, commune: CommuneRef(province: 0, commune: 0), date: Day(rawValue: 0))
        var kindRaw = 0
        while let f = try r.next() {
            switch f.number {
            case 1: kindRaw = try f.int()
            case 2: var m = try f.message(); commune = try CommuneRef.read(&m)
            case 3: date = Day(rawValue: Int32(truncatingIfNeeded: try f.int64()))
            case 4: personIDs = try f.packedInt64().map { UInt64(bitPattern: $0) }
            case 5: offenceArticle = try f.int()
            case 6: stage = Stage(rawValue: try f.int())
            case 7: arrested = try f.int()
            case 8: areaM2 = try f.int()
            case 9: plants = try f.int()
            case 10: quantity = try f.int()
            case 11: tipOutcome = TipOutcome(rawValue: try f.int())
            case 12: resolvedDate = Day(rawValue: Int32(truncatingIfNeeded: try f.int64()))
            case 13: mobileTrial = try f.bool()
            case 14: note = try f.string()
            case 15: extensions = try f.int()
            case 16: reforms = UInt64(bitPattern: try f.int64())
            case 17: deadline = Day(rawValue: Int32(truncatingIfNeeded: try f.int64()))
            case 18: var m = try f.message(); namedPlace = try NamedPlace.read(&m)
            default: break
            }
        }
        guard let k = Kind(rawValue: kindRaw) else {
            throw HosoError.corruptRecord(type: "event", id: id, reason: "unknown event kind \(kindRaw)")
        }
        kind = k
    }
}
