import HosoDomain

/// What the virtual tables and SQL functions of one connection see while a statement runs: the
/// tenant, the statement's `AS OF` day, and the snapshot the statement reads (lent for the
/// duration of ``SQLEngine/run(_:)``, never kept past it).
public final class SQLScope {
    /// The tenant.
    public let context: QueryContext
    /// The day `persons.status`, `commune` and `minor` are about (the statement's `AS OF`, default today).
    public internal(set) var asOf: Day
    /// The snapshot of the running statement; nil between statements.
    var snapshot: UnsafePointer<ProgramSnapshot>?
    /// The accesses the virtual tables used in the last statement, for EXPLAIN: `table: access`.
    var used: [String] = []

    init(context: QueryContext) { self.context = context; asOf = context.today }

    /// Notes that a personal field of `p` was read (the processing log).
    func read(_ p: Person) { context.personalReads.insert(p.id) }

    /// Whether the statement is about the tenant's current day (current-value indexes apply).
    public var isToday: Bool { asOf == context.today }

    /// A day as SQL text.
    static func text(_ d: Day?) -> Value { d.map { .text($0.description) } ?? .null }

    /// A strict ISO day `YYYY-MM-DD` (the form the tables show), nil otherwise.
    static func isoDay(_ s: String) -> Day? {
        let b = Array(s.utf8)
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return nil }
        func n(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r { guard b[i] >= 48 && b[i] <= 57 else { return nil }; v = v * 10 + Int(b[i] - 48) }
            return v
        }
        guard let y = n(0..<4), let m = n(5..<7), let d = n(8..<10) else { return nil }
        return Day(year: y, month: m, day: d)
    }
}
