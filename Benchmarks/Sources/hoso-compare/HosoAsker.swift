import HosoDomain
import HosoShell
import HosoStore

/// The compared questions, asked of Hoso through the program tenant API.
struct HosoAsker {
    let program: ProgramTenant

    /// Point get: the full record decoded.
    func person(id: RecordID) throws -> PersonSummary? {
        try program.person(id: id).map(PersonSummary.init)
    }

    /// Point get: the same fields read from a lazy view of the stored bytes.
    func personView(id: RecordID) throws -> PersonSummary? {
        try program.personView(id: id).map(PersonSummary.init)
    }

    func personView(nationalID: String) throws -> PersonSummary? {
        try program.personView(nationalID: nationalID).map(PersonSummary.init)
    }

    func person(nationalID: String) throws -> PersonSummary? {
        try program.person(nationalID: nationalID).map(PersonSummary.init)
    }

    func currentCount(_ status: Status, _ commune: CommuneRef) throws -> Int {
        try program.currentCount(status, in: .commune(commune))
    }

    func eventsByKind(_ commune: CommuneRef, _ range: DayRange) throws -> KindCounts {
        var out = KindCounts()
        for (kind, n) in try program.countEvents(in: .commune(commune), during: range) { out.counts[kind.rawValue] = n }
        return out
    }

    func personsOn(_ status: Status, _ commune: CommuneRef, _ day: Day) throws -> Int {
        try program.countPersons(status, in: .commune(commune), on: day)
    }

    func entries(_ status: Status, _ commune: CommuneRef, _ range: DayRange) throws -> Int {
        try program.countFlow(status, .start, in: .commune(commune), during: range)
    }

    /// The filter of the scan questions: occupation X, born before Y.
    static func filter(occupation: String, bornBefore cutoff: Day) -> PersonFilter {
        PersonFilter([.occupation([occupation]), .birthDate(.less, cutoff)])
    }

    /// Full scan through the public query API: the filter decided on the stored bytes, the files
    /// that pass decoded (``PersonSource/matching(_:)``).
    func scanMatching(occupation: String, bornBefore cutoff: Day) throws -> Int {
        var n = 0
        try program.persons(from: .matching(Self.filter(occupation: occupation, bornBefore: cutoff))) { p in
            if p.occupation == occupation, let b = p.birthDate, b < cutoff { n += 1 }
            return true
        }
        return n
    }

    /// Full scan through the public query API, counted on the stored bytes (every core).
    func countMatching(occupation: String, bornBefore cutoff: Day) throws -> Int {
        try program.countPersons(matching: Self.filter(occupation: occupation, bornBefore: cutoff))
    }

    /// The same question as a statement of the shell, planned and run by HosoShell, with the
    /// persons whose personal fields it compared (occupation and birth date: every file) taken
    /// for the processing log as the shell takes them after a statement. Writing the log entry
    /// (a commit) is not part of it.
    func scanShell(occupation: String, bornBefore cutoff: Day, context: QueryContext) throws -> Int {
        let sql = "SELECT COUNT(*) FROM persons WHERE occupation = '\(occupation)' AND birth_date < '\(cutoff)'"
        guard case .select(let s) = try Parser.parse(sql) else { return -1 }
        let rows = try Executor(context: context).run(try Planner(context: context).plan(s)).rows
        guard context.personalReads.take().count == (try program.personCount()) else { return -2 }   // every file compared
        guard case .int(let n)? = rows.first?.first else { return -1 }
        return Int(n)
    }

    /// Full scan decoding every person record.
    func scanDecoded(occupation: String, bornBefore cutoff: Day) throws -> Int {
        var n = 0
        try program.tenant.read { txn in
            try txn.scan(Person.self) { p in
                if p.occupation == occupation, let b = p.birthDate, b < cutoff { n += 1 }
                return true
            }
        }
        return n
    }

    /// Full scan over the stored bytes, reading only the two fields the filter needs (fields
    /// are written in number order: birth date is 2, occupation 9).
    func scanBytes(occupation: String, bornBefore cutoff: Day) throws -> Int {
        let target = Array(occupation.utf8)
        let limit = Int64(cutoff.rawValue)
        var n = 0
        try program.tenant.read { txn in
            try txn.scanBytes(Person.self) { _, bytes in
                var reader = try RecordReader(bytes, recordType: "person")
                var birth: Int64? = nil
                var matches = false
                while let f = try reader.next() {
                    if f.number == 2 { birth = try f.int64() }
                    if f.number == 9 { matches = try f.bytes().elementsEqual(target) }
                    if f.number >= 9 { break }
                }
                if matches, let birth, birth < limit { n += 1 }
                return true
            }
        }
        return n
    }

    func history(id: RecordID) throws -> [IntervalFacts] {
        guard let p = try program.person(id: id) else { return [] }
        return p.history.map {
            IntervalFacts(status: $0.status.rawValue, commune: $0.commune.commune, start: $0.start.rawValue,
                          end: $0.end.map { Int64($0.rawValue) } ?? SQLiteSchema.openEnd, endsByTerm: $0.endsByTerm)
        }
    }
}
