import HosoDomain
import HosoStore

/// The parameters both systems are asked with: random (seeded) for timing, or every
/// combination for `--verify-only`.
struct Parameters {
    let personCount: Int
    let verifyAll: Bool
    var historyIDs: [RecordID] = []
    var personIDs: [RecordID] = []
    var nationalIDs: [String] = []
    var communeStatus: [(CommuneRef, Status)] = []
    var communeMonths: [(CommuneRef, DayRange)] = []
    var statusCommuneDays: [(Status, CommuneRef, Day)] = []
    var statusCommuneQuarters: [(Status, CommuneRef, DayRange)] = []
    var scanFilters: [(String, Day)] = []

    init(data: SyntheticProvince, exhaustive: Bool, seed: UInt64) {
        personCount = data.personCount
        verifyAll = exhaustive
        var rng = SplitMix64(seed: seed ^ 0x51DE_5EED)
        let n = RecordID(data.personCount)
        let communes = data.communes.map(\.ref)
        let statuses = Status.allCases
        let managed = statuses.filter { $0 != .none }
        let years = data.firstDay.year...data.lastDay.year
        let months = years.flatMap { y in (1...12).map { Period.month(year: y, month: $0).range() } }
        let quarters = years.flatMap { y in (1...4).map { Period.quarter(year: y, quarter: $0).range() } }
        var occupations: [String] = []
        for id in 1...min(n, 500) {
            if let o = data.person(id).occupation, !occupations.contains(o) { occupations.append(o) }
        }
        occupations.sort()
        let cutoffs = [1980, 1990, 2000].map { Day(year: $0, month: 1, day: 1)! }

        if exhaustive {
            historyIDs = Array(1...n)
            personIDs = Array(1...n + 5)
            nationalIDs = (1...n).compactMap { data.person($0).nationalID } + ["099999999999"]
            communeStatus = communes.flatMap { c in statuses.map { (c, $0) } }
            communeMonths = communes.flatMap { c in months.map { (c, $0) } }
            let days = years.flatMap { y in (1...12).flatMap { m in [1, 15].map { Day(year: y, month: m, day: $0)! } } }
            statusCommuneDays = managed.flatMap { s in communes.flatMap { c in days.map { (s, c, $0) } } }
            statusCommuneQuarters = managed.flatMap { s in communes.flatMap { c in quarters.map { (s, c, $0) } } }
            scanFilters = occupations.flatMap { o in cutoffs.map { (o, $0) } }
            return
        }
        func pick<T>(_ list: [T]) -> T { list[Int.random(in: 0..<list.count, using: &rng)] }
        func anyDay() -> Day { Day(rawValue: Int32.random(in: data.firstDay.rawValue...data.lastDay.rawValue, using: &rng)) }
        historyIDs = (0..<2_000).map { _ in RecordID.random(in: 1...n, using: &rng) }
        personIDs = (0..<400_000).map { _ in RecordID.random(in: 1...n, using: &rng) }
        nationalIDs = (0..<100_000).compactMap { _ in data.person(RecordID.random(in: 1...n, using: &rng)).nationalID }
        communeStatus = (0..<200_000).map { _ in (pick(communes), pick(statuses)) }
        communeMonths = (0..<100_000).map { _ in (pick(communes), pick(months)) }
        statusCommuneDays = (0..<100_000).map { _ in (pick(managed), pick(communes), anyDay()) }
        statusCommuneQuarters = (0..<100_000).map { _ in (pick(managed), pick(communes), pick(quarters)) }
        scanFilters = (0..<3).map { _ in (pick(occupations), pick(cutoffs)) }
    }
}
