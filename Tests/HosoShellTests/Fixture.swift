import Foundation
import HosoDomain
@testable import HosoShell
import HosoStore

/// A generated Lạng Sơn tenant (fixed seed) built once per test run, with the same data
/// prepared in memory for brute-force answers.
final class Fixture: @unchecked Sendable {
    let store: Store
    let program: ProgramTenant
    let context: QueryContext
    let persons: [Person]
    let events: [CaseEvent]
    let today = Day(year: 2026, month: 3, day: 15)!

    static let shared: Result<Fixture, any Error> = Result { try Fixture() }
    static func get() throws -> Fixture { try shared.get() }

    private init() throws {
        let dir = NSTemporaryDirectory() + "hoso-shell-tests-\(UUID().uuidString)"
        let clock = ManualClock(today)
        store = try Store(directory: dir, options: .init(today: { clock.day }))
        let data = try SyntheticProvince(provinceCode: 20, persons: 3_000, events: 15_000, seed: 4242)
        let calendar = try ReportingCalendar(yearStartMonth: 12, yearStartDay: 10, monthStartDay: 10)
        let program = try ProgramTenant.create(in: store, info: TenantInfo(name: "demo", displayName: "Lạng Sơn test"),
                                               settings: data.settings(calendar: calendar))
        try program.load(persons: data.persons(), events: data.events())
        self.program = program
        persons = try data.persons().map { try program.prepare($0) }
        events = try data.events().map { try program.prepare($0) }
        context = try QueryContext(program: program)
    }

    /// A fresh session on the tenant.
    func session() throws -> ShellSession { try ShellSession(store: store, tenant: "demo") }

    /// Runs a statement through the engine.
    func rows(_ sql: String) throws -> [[Value]] { try session().query(sql).rows }

    /// Plans a statement.
    func plan(_ sql: String) throws -> Plan {
        guard case .select(let s) = try Parser.parse(sql) else { throw QueryError("not a select", location: nil) }
        return try Planner(context: context).plan(s)
    }

    func name(_ code: Int32) -> String { context.communes.name(of: code) }
}

func d(_ s: String) -> Day { try! Day.parse(s) }

/// Rows as a multiset (order-insensitive comparison).
func bag(_ rows: [[Value]]) -> [String: Int] {
    var out: [String: Int] = [:]
    for r in rows { out[r.map(\.text).joined(separator: "|"), default: 0] += 1 }
    return out
}
