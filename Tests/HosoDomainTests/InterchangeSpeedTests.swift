import Foundation
import Testing
import HosoDomain
import HosoStore

/// Parsing speed, printed (never asserted) when `HOSO_PRINT_SPEED=1`; meaningful in release:
/// `HOSO_PRINT_SPEED=1 swift test -c release -Xswiftc -enable-testing --filter InterchangeSpeed`.
/// `HOSO_SPEED_ROWS` sets the number of rows (default 500,000 events and 200,000 persons).
@Suite("InterchangeSpeed")
struct InterchangeSpeedTests {
    static let enabled = ProcessInfo.processInfo.environment["HOSO_PRINT_SPEED"] == "1"
    static let rows = Int(ProcessInfo.processInfo.environment["HOSO_SPEED_ROWS"] ?? "") ?? 500_000

    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    static func report(_ what: String, rows: Int, bytes: Int, _ time: Double) {
        let perSecond = Double(rows) / time
        print("interchange speed: \(what): \(rows) rows, \(bytes / 1_000_000) MB in \(String(format: "%.3f", time)) s = "
              + "\(Int(perSecond)) rows/s, \(String(format: "%.0f", Double(bytes) / time / 1e6)) MB/s")
    }

    @Test(.enabled(if: enabled)) func parseSpeed() throws {
        let dir = try InterchangeFixtures.directory()
        let data = try SyntheticProvince(provinceCode: 20, persons: Self.rows * 2 / 5, events: Self.rows, seed: 7)
        for format in InterchangeFormat.allCases {
            let events = dir + "events.\(format.rawValue)"
            let persons = dir + "persons.\(format.rawValue)"
            let written = try Self.seconds {
                try CaseEventWriter.export(data.events(), to: events, format: format)
            }
            try PersonWriter.export(data.persons(), to: persons, format: format)
            let eventBytes = try FileManager.default.attributesOfItem(atPath: events)[.size] as! Int
            var personBytes = try FileManager.default.attributesOfItem(atPath: persons)[.size] as! Int
            if format == .csv { personBytes += try FileManager.default.attributesOfItem(atPath: dir + "person_events.csv")[.size] as! Int }

            Self.report("write events.\(format.rawValue) (incl. generating)", rows: data.eventCount, bytes: eventBytes, written)
            var count = 0
            let eventTime = try Self.seconds {
                for row in try ImportReader.caseEvents(at: events, format: format) { if case .record = row { count += 1 } }
            }
            #expect(count == data.eventCount)
            Self.report("read events.\(format.rawValue)", rows: count, bytes: eventBytes, eventTime)
            count = 0
            var personEvents = 0
            let personTime = try Self.seconds {
                for row in try ImportReader.persons(at: persons, format: format) {
                    if case let .record(p, _) = row { count += 1; personEvents += p.events.count }
                }
            }
            #expect(count == data.personCount)
            Self.report("read persons.\(format.rawValue) (\(personEvents) person events)", rows: count, bytes: personBytes, personTime)
        }
    }
}
