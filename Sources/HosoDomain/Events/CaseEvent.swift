import HosoStore

/// A case event of a commune: a tip, a drug case, a hotspot, cultivation found, or a commune
/// activity (propaganda, commitments, prevention models, trainings), on a day, optionally
/// involving persons (DOMAIN.md, "Case events").
///
/// ```swift
/// var e = CaseEvent(id: 9, kind: .drugCase, commune: congSon, date: day)
/// e.offenceArticle = 249; e.stage = .prosecuted; e.arrested = 2; e.personIDs = [41, 42]
/// try program.addEvent(e)
/// ```
public struct CaseEvent: StoredRecord, Hashable {
    /// Kinds of case event.
    public enum Kind: Int, CaseIterable, Sendable, Hashable, CustomStringConvertible {
        case tip = 1, drugCase, hotspot, cultivation, propaganda, commitment, preventionModel, training
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
        /// The kind with that code.
        public init?(code: String) {
            guard let k = Kind.allCases.first(where: { $0.code == code }) else { return nil }
            self = k
        }
        public var description: String { code }
    }

    /// Stage a drug case has reached.
    public enum Stage: Int, CaseIterable, Sendable, Hashable {
        case detected = 1, investigated, prosecuted, tried
    }

    /// Decision on a tip or report.
    public enum TipOutcome: Int, CaseIterable, Sendable, Hashable {
        case pending = 1, prosecute, notProsecute, suspend
    }

    /// Amounts a dated sum index keeps per commune, kind and day.
    public enum Measure: Int, CaseIterable, Sendable, Hashable {
        case arrested = 1, areaM2, plants, quantity
    }

    /// The record id.
    public var id: RecordID
    /// What kind of event.
    public var kind: Kind
    /// The commune it happened in.
    public var commune: CommuneRef
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
            default: break
            }
        }
        guard let k = Kind(rawValue: kindRaw) else {
            throw HosoError.corruptRecord(type: "event", id: id, reason: "unknown event kind \(kindRaw)")
        }
        kind = k
    }
}
