import Foundation
import Testing
@testable import HosoDomain
import HosoStore

func temporaryStore(_ clock: ManualClock, name: String = #function) throws -> Store {
    let path = NSTemporaryDirectory() + "hoso-domain-\(name.filter { $0.isLetter })-\(UUID().uuidString)"
    return try Store(directory: path, options: .init(today: { clock.day }))
}

/// Random persons, person events, moves, updates, deletes and case events applied to a
/// province tenant and to a plain array model; every count, list and as-of answer is checked
/// against a day-by-day brute force over the model's histories.
@Suite struct ProgramModelTests {
    static let start = d("2023-01-01")

    struct World {
        var persons: [RecordID: Person] = [:]
        var events: [RecordID: CaseEvent] = [:]
    }

    func randomEvent(_ rng: inout SplitMix64, after day: Day, communes: [CommuneRef], sequences: [Int]) -> PersonEvent {
        let date = day.adding(days: Int.random(in: 0..<120, using: &rng))
        let kinds: [PersonEvent.Kind] = [.managementDecision, .managementDecision, .addictionDetermination, .rehabStart, .rehabCompletion,
                                         .rehabSelfTermination, .methadoneStart, .methadoneExit, .relapse, .moveOut, .moveOut, .moveIn,
                                         .imprisonment, .release, .highRiskSet, .highRiskCleared, .educationMeasure, .testResult,
                                         .psychosisEpisode, .correction, .death]
        let kind = kinds[Int.random(in: 0..<kinds.count, using: &rng)]
        var e = PersonEvent(date: date, kind: kind)
        switch kind {
        case .addictionDetermination: e.outcome = Bool.random(using: &rng) ? .addicted : .notAddicted
        case .rehabStart:
            e.program = PersonEvent.Program.allCases.randomElement(using: &rng)
            if Bool.random(using: &rng) { e.termMonths = Int.random(in: 6...24, using: &rng) }
        case .methadoneExit: e.outcome = [.completed, .voluntaryExit, .forcedExit].randomElement(using: &rng)
        case .moveOut: e.commune = Int.random(in: 0..<5, using: &rng) == 0 ? nil : communes.randomElement(using: &rng)
        case .moveIn:
            e.commune = communes.randomElement(using: &rng)
            if Bool.random(using: &rng) { e.carriedStatus = .illegalUser; e.carriedTermEnd = date.adding(days: Int.random(in: 30..<300, using: &rng)) }
        case .correction: e.voids = sequences.randomElement(using: &rng)
        default: break
        }
        return e
    }

    func randomPerson(id: RecordID, _ rng: inout SplitMix64, communes: [CommuneRef]) -> (Person, [PersonEvent]) {
        let opened = Self.start.adding(days: Int.random(in: 0..<900, using: &rng))
        var p = Person(id: id, fullName: "Người Thử \(id)", commune: communes.randomElement(using: &rng)!, fileOpened: opened)
        p.birthDate = opened.adding(years: -Int.random(in: 14...60, using: &rng))
        p.nationalID = Bool.random(using: &rng) ? String(format: "%012d", Int.random(in: 0..<400, using: &rng)) : nil
        var events: [PersonEvent] = [PersonEvent(date: opened, kind: [.managementDecision, .addictionDetermination, .release, .highRiskSet, .methadoneStart].randomElement(using: &rng)!, outcome: .addicted)]
        var day = opened
        for _ in 0..<Int.random(in: 0..<4, using: &rng) {
            let e = randomEvent(&rng, after: day, communes: communes, sequences: Array(1...events.count))
            if e.kind == .correction || e.kind == .death { continue }
            events.append(e); day = e.date
        }
        return (p, events)
    }

    @Test(arguments: [UInt64(11), 12])
    func randomProgramMatchesTheModel(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let clock = ManualClock(d("2024-06-01"))
        let store = try temporaryStore(clock)
        let program = try ProgramTenant.create(in: store, name: "lang-son", provinceCode: 20)
        let communes = Array(program.settings.communes.prefix(6).map(\.ref))
        var world = World()
        var nextEventID: RecordID = 1
        for step in 0..<1200 {
            let op = Int.random(in: 0..<100, using: &rng)
            let id = RecordID.random(in: 1...150, using: &rng)
            let context = "seed \(seed) step \(step)"
            do {
                if op < 25 {
                    let (p, events) = randomPerson(id: id, &rng, communes: communes)
                    let duplicate = p.nationalID.flatMap { n in world.persons.values.first { $0.nationalID == n && $0.id != id } }
                    do {
                        let stored = try program.addPerson(p, events: events)
                        #expect(world.persons[id] == nil && duplicate == nil, "\(context)")
                        world.persons[id] = stored
                    } catch ProgramError.duplicateNationalID(let n, let existing, let new) {
                        #expect(n == p.nationalID && existing == duplicate?.id && new == id, "\(context)")
                    } catch HosoError.recordAlreadyExists {
                        #expect(world.persons[id] != nil, "\(context)")
                    }
                } else if op < 60, let person = world.persons[id] {
                    let last = person.events.map(\.date).max() ?? person.fileOpened
                    let e = randomEvent(&rng, after: last.adding(days: -30), communes: communes, sequences: person.events.map(\.sequence))
                    do {
                        world.persons[id] = try program.record(e, for: id)
                    } catch let error as HosoError {
                        // Only validation errors are expected: events after death, corrections of nothing.
                        switch error {
                        case .invalidDate, .invalidField: break
                        default: Issue.record("\(context): \(error)")
                        }
                    }
                } else if op < 65, var person = world.persons[id] {
                    person.fullName = "Đổi Tên \(step)"
                    person.village = "Thôn \(step % 7)"
                    world.persons[id] = try program.updatePerson(person)
                } else if op < 68 {
                    let deleted = try program.deletePerson(id: id)
                    #expect(deleted == (world.persons[id] != nil), "\(context)")
                    world.persons[id] = nil
                } else if op < 90 {
                    var e = CaseEvent(id: nextEventID, kind: CaseEvent.Kind.allCases.randomElement(using: &rng)!,
                                      commune: communes.randomElement(using: &rng)!, date: Self.start.adding(days: Int.random(in: 0..<1200, using: &rng)))
                    e.arrested = Int.random(in: 0..<3, using: &rng)
                    e.plants = e.kind == .cultivation ? Int.random(in: 1..<500, using: &rng) : 0
                    e.personIDs = world.persons.keys.shuffled(using: &rng).prefix(Int.random(in: 0..<3, using: &rng)).sorted()
                    try program.addEvent(e)
                    world.events[e.id] = try program.prepare(e)
                    nextEventID += 1
                } else if op < 93, let victim = world.events.keys.randomElement(using: &rng) {
                    #expect(try program.deleteEvent(id: victim))
                    world.events[victim] = nil
                } else if op < 96 {
                    clock.day = clock.day.adding(days: Int.random(in: 1..<90, using: &rng))
                } else {
                    // Bad input changes nothing.
                    var p = Person(id: 999, fullName: "Sai Dữ Liệu", commune: CommuneRef(province: 20, commune: 999_999), fileOpened: d("2024-01-01"))
                    #expect(throws: ProgramError.unknownCommune(code: 999_999, field: "commune", record: "person 999")) { try program.addPerson(p) }
                    p.commune = communes[0]; p.nationalID = "12345"
                    #expect(throws: HosoError.self) { try program.addPerson(p) }
                    #expect(try program.person(id: 999) == nil)
                }
            } catch {
                Issue.record("\(context): unexpected \(error)")
            }
            if step % 200 == 199 { try check(program, world, clock: clock, &rng, context: "seed \(seed) step \(step)") }
        }
        // Reopen and check again.
        let reopened = try ProgramTenant.open(in: store, name: "lang-son")
        try check(reopened, world, clock: clock, &rng, context: "seed \(seed) after reopen")
    }

    /// The status in `area` of a person on `day`, computed from its history alone.
    func status(_ p: Person, _ area: Area, _ day: Day) -> Status? {
        guard let i = p.history.first(where: { $0.contains(day) }), i.commune.path.starts(with: area.path) else { return nil }
        return i.status
    }

    func check(_ program: ProgramTenant, _ world: World, clock: ManualClock, _ rng: inout SplitMix64, context: String) throws {
        // Stored records are exactly the model's.
        for (id, p) in world.persons { #expect(try program.person(id: id) == p, "\(context): person \(id)") }
        #expect(try program.tenant.read { try $0.recordCount(Person.self) } == world.persons.count, "\(context)")
        let communes = Array(program.settings.communes.prefix(6).map(\.ref))
        let areas: [Area] = [.province(20)] + communes.prefix(3).map { .commune($0) }
        let people = Array(world.persons.values)
        for _ in 0..<12 {
            let day = Self.start.adding(days: Int.random(in: -20..<1500, using: &rng))
            let area = areas.randomElement(using: &rng)!
            let byStatus = try program.countPersonsByStatus(in: area, on: day)
            for s in Status.allCases where s != .none {
                let expected = people.filter { status($0, area, day) == s }
                #expect(byStatus[s, default: 0] == expected.count, "\(context): \(s) in \(area) on \(day)")
                #expect(try program.persons(s, in: area, on: day) == expected.map(\.id).sorted(), "\(context): list \(s) in \(area) on \(day)")
            }
            // Entries and exits during a period, day by day.
            let range = DayRange(day, day.adding(days: Int.random(in: 1..<200, using: &rng)))
            for s in [Status.illegalUser, .addict, .postRehab, .compulsoryRehab] {
                var entered = 0, left = 0
                for p in people {
                    var previous = status(p, area, range.start.adding(days: -1))
                    var d = range.start
                    while d < range.end {
                        let now = status(p, area, d)
                        if now == s && previous != s { entered += 1 }
                        if previous == s && now != s { left += 1 }
                        previous = now; d = d.adding(days: 1)
                    }
                }
                #expect(try program.countFlow(s, .start, in: area, during: range) == entered, "\(context): entered \(s) \(area) \(range)")
                #expect(try program.countFlow(s, .end, in: area, during: range) == left, "\(context): left \(s) \(area) \(range)")
                let startedHere = people.filter { p in p.history.contains { $0.status == s && $0.commune.path.starts(with: area.path) && range.contains($0.start) } }
                #expect(try program.persons(s, .start, in: area, during: range) == startedHere.map(\.id).sorted(), "\(context)")
            }
        }
        // Current counts and lists as of the tenant's day (advanced by the last write).
        let today = try program.tenant.read { try $0.today() }
        for area in areas {
            let current = try program.currentCounts(in: area)
            for s in Status.allCases {
                let expected = people.filter { $0.commune(on: today).path.starts(with: area.path) && $0.status(on: today) == s }
                #expect(current[s, default: 0] == expected.count, "\(context): current \(s) in \(area) (today \(today))")
                #expect(try program.currentCount(s, in: area) == expected.count)
                var listed: [RecordID] = []
                try program.currentPersons(in: area, status: s) { listed.append($0.id); return true }
                #expect(listed.sorted() == expected.map(\.id).sorted(), "\(context): current list \(s) \(area)")
            }
        }
        for p in people where p.nationalID != nil {
            #expect(try program.person(nationalID: p.nationalID!)?.id == p.id, "\(context)")
        }
        // Case events: counts by kind, sums, lists.
        let events = Array(world.events.values)
        for _ in 0..<10 {
            let from = Self.start.adding(days: Int.random(in: 0..<1200, using: &rng))
            let range = DayRange(from, from.adding(days: Int.random(in: 1..<400, using: &rng)))
            let area = areas.randomElement(using: &rng)!
            var expected: [CaseEvent.Kind: Int] = [:]
            for e in events where e.commune.path.starts(with: area.path) && range.contains(e.date) { expected[e.kind, default: 0] += 1 }
            #expect(try program.countEvents(in: area, during: range) == expected, "\(context): events \(area) \(range)")
            let plants = events.filter { $0.kind == .cultivation && $0.commune.path.starts(with: area.path) && range.contains($0.date) }.reduce(0) { $0 + $1.plants }
            #expect(try program.sumEvents(.plants, kind: .cultivation, in: area, during: range) == plants)
            let commune = communes.randomElement(using: &rng)!
            let kind = CaseEvent.Kind.allCases.randomElement(using: &rng)!
            let listed = try program.events(kind, in: commune, during: range).map(\.id)
            let brute = events.filter { $0.kind == kind && $0.commune == commune && range.contains($0.date) }.sorted { ($0.date, $0.id) < ($1.date, $1.id) }.map(\.id)
            #expect(listed == brute, "\(context): event list")
        }
        for p in people.prefix(20) {
            #expect(try program.events(involving: p.id).map(\.id) == events.filter { $0.personIDs.contains(p.id) }.map(\.id).sorted())
        }
    }
}
