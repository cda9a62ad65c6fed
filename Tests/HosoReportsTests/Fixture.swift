import Foundation
import HosoDomain
import HosoReports

/// A synthetic province in a store of its own, like `hoso demo` builds it (Lạng Sơn's calendar:
/// the year from 10 December, months from day 10).
struct Fixture: Sendable {
    let store: Store
    let program: ProgramTenant
    let data: SyntheticProvince
    let root: String

    static let langSon = try! ReportingCalendar(yearStartMonth: 12, yearStartDay: 10, monthStartDay: 10)

    /// `realistic`: the demo's own data (3,000 files, 9,000 events); otherwise a small benchmark-style province.
    static func make(_ name: String, realistic: Bool = true, persons: Int = 400, events: Int = 2_000, seed: UInt64 = 2025,
                     today: Day = Day(year: 2026, month: 1, day: 15)!) throws -> Fixture {
        let root = NSTemporaryDirectory() + "hoso-reports-\(name)-\(UUID().uuidString)"
        let store = try Store(directory: root, options: Store.Options(today: { today }))
        let data = realistic ? try SyntheticProvince.realistic(provinceCode: 20, seed: seed)
                             : try SyntheticProvince(provinceCode: 20, persons: persons, events: events, seed: seed)
        let program = try ProgramTenant.create(in: store, info: TenantInfo(name: "demo", displayName: "Lạng Sơn (demo data)"),
                                               settings: data.settings(calendar: langSon))
        try program.load(persons: data.persons(), events: data.events())
        if realistic { try program.recordInputs(data.officerInputs()) }
        return Fixture(store: store, program: try ProgramTenant.open(in: store, name: "demo"), data: data, root: root)
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }

    /// A scratch folder of the fixture's.
    func folder(_ name: String) throws -> String {
        let p = root + "-" + name
        try FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: true)
        return p
    }
}

/// The demo fixture, built once for the suites that only read it.
enum Demo {
    static let shared: Fixture = { try! Fixture.make("demo") }()
}

/// Runs a program, returning its exit status and output (stdout and stderr together).
func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> (Int32, String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = arguments
    if let environment { p.environment = environment }
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = pipe
    try p.run()
    let out = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: out, as: UTF8.self))
}

/// The path of a command on PATH, if there is one.
func which(_ name: String) -> String? {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
        let p = "\(dir)/\(name)"
        if FileManager.default.isExecutableFile(atPath: p) { return p }
    }
    return nil
}
