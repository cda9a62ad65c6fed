import HosoStore

/// Derives a person's status history, and the cause of every entry into and exit from a
/// status, from the events in the file and the tenant's term rules.
///
/// Rules (DOMAIN.md): a management decision makes an illegal user for the rules' term, and a
/// new decision during it extends the term (no new entry); a decision on the day the term ends
/// continues it (``StatusChange/Cause/continued``). An addiction determination "addicted" makes
/// an addict and ends illegal-user management early; rehab start, completion (→ post-rehab for 1
/// year, 2 after an adult's compulsory rehab; minor or adult is judged on the day of the rehab
/// decision, or the start when no decision is on file, never reset by a move) and
/// self-termination of a voluntary rehab (→ addict); methadone start and exit (completed →
/// post-rehab, otherwise → addict); relapse → addict. Absconding from compulsory rehab stops its
/// term until the return (its end moves by the days away); an absence without notice does not
/// count toward a post-rehab term (its end moves by the days absent); while away the end is not
/// known and the stretch is open. A move within the tenant carries the status, its remaining
/// term and any pause to the new commune (an exit ``StatusChange/Cause/movedAway`` and an entry
/// ``StatusChange/Cause/arrived``); a move out of the tenant ends management here; imprisonment,
/// release (→ released prisoner for the rules' period), high risk set and cleared, education
/// measures (end illegal-user management), death. A term that runs out ends the status (→
/// none). Re-entering the status already held continues the stretch (with the new term).
/// Voided events (by a correction) are ignored.
///
/// A self-termination recorded during a *compulsory* rehab changes nothing (the law has no such
/// exit: it is absconding) and is reported in ``StatusDerivation/refusals``.
///
/// ```swift
/// let person = Person(id: 1, fullName: "Nguyễn Văn An", commune: CommuneRef(province: 20, commune: 6253), fileOpened: Day(year: 2025, month: 3, day: 10)!)
/// let events = [PersonEvent(date: person.fileOpened, kind: .managementDecision)]
/// let history = StatusMachine.history(events: events, registeredIn: person.commune,
///                                     birthDate: person.birthDate, rules: TermRuleBook())
/// print(history.count)   // 1
/// ```
public enum StatusMachine {
    /// The status intervals the events give, in time order; `.none` stretches are left out.
    public static func history(events: [PersonEvent], registeredIn commune: CommuneRef, birthDate: Day?,
                               rules: TermRuleBook) -> [StatusInterval] {
        derive(events: events, registeredIn: commune, birthDate: birthDate, rules: rules).intervals
    }

    /// The status intervals, the status changes (two per closed interval, one per open one,
    /// in time order) and the events the rules refuse.
    ///
    /// ```swift
    /// let events = [PersonEvent(date: Day(year: 2025, month: 1, day: 1)!, kind: .rehabStart, program: .compulsory, sequence: 1),
    ///               PersonEvent(date: Day(year: 2025, month: 2, day: 1)!, kind: .rehabSelfTermination, sequence: 2)]
    /// let derived = StatusMachine.derive(events: events, registeredIn: CommuneRef(province: 20, commune: 6253), birthDate: nil, rules: TermRuleBook())
    /// print(derived.intervals.map(\.status), derived.refusals.map(\.sequence))   // [compulsory_rehab] [2]
    /// ```
    public static func derive(events: [PersonEvent], registeredIn commune: CommuneRef, birthDate: Day?,
                              rules: TermRuleBook) -> StatusDerivation {
        var machine = Machine(place: commune, birthDate: birthDate)
        let voided = Set(events.compactMap { $0.kind == .correction ? $0.voids : nil })
        let ordered = events.filter { $0.kind != .correction && !voided.contains($0.sequence) }
            .sorted { ($0.date, $0.sequence) < ($1.date, $1.sequence) }
        for e in ordered {
            if machine.status == .deceased { break }
            machine.expire(before: e.date)
            machine.apply(e, rules.rules(on: e.date))
        }
        machine.finish()
        return machine.result()
    }
}

/// What ``StatusMachine/derive(events:registeredIn:birthDate:rules:)`` gives.
public struct StatusDerivation: Sendable, Hashable {
    /// An event the rules do not accept as recorded, with why and what to record instead.
    public struct Refusal: Sendable, Hashable, CustomStringConvertible {
        /// The event's sequence number in the file.
        public var sequence: Int
        /// Its kind.
        public var kind: PersonEvent.Kind
        /// Its date.
        public var date: Day
        /// Why, in words a clerk can act on.
        public var reason: String

        public var description: String { "event \(sequence) (\(kind.code), \(date)): \(reason)" }
    }

    /// The status intervals, in time order.
    public var intervals: [StatusInterval]
    /// The entries and exits, in time order (an exit before an entry on the same day).
    public var changes: [StatusChange]
    /// Events the rules refuse (they change nothing in the history).
    public var refusals: [Refusal]
}

/// The derivation's state while it walks the events.
private struct Machine {
    /// How a stretch started or ended.
    struct Edge {
        var cause: StatusChange.Cause
        var event: PersonEvent.Kind?
        var sequence: Int?
        var other: CommuneRef?
        static let term = Edge(cause: .left, event: nil, sequence: nil, other: nil)
        static func by(_ e: PersonEvent, _ cause: StatusChange.Cause, other: CommuneRef? = nil) -> Edge {
            Edge(cause: cause, event: e.kind, sequence: e.sequence, other: other)
        }
    }

    var intervals: [StatusInterval] = []
    var entries: [Edge] = []
    var exits: [Edge?] = []
    var refusals: [StatusDerivation.Refusal] = []

    var status = Status.none
    var since = Day(rawValue: 0)
    var termEnd: Day? = nil
    var place: CommuneRef
    var entry = Edge.term
    let birthDate: Day?
    /// The day the term's clock stopped (absconding, absence), while it is stopped.
    var pausedSince: Day? = nil
    /// The latest rehab decision not yet followed by a start.
    var pendingRehabDecision: Day? = nil
    /// The day the current rehab was decided: age is judged on it.
    var rehabDecidedOn: Day? = nil

    init(place: CommuneRef, birthDate: Day?) { self.place = place; self.birthDate = birthDate }

    func isMinor(on day: Day) -> Bool { birthDate.map { $0.age(on: day) < 18 } ?? false }

    mutating func append(end: Day?, endsByTerm: Bool, exit: Edge?) {
        intervals.append(StatusInterval(status: status, commune: place, start: since, end: end, endsByTerm: endsByTerm))
        entries.append(entry); exits.append(exit)
    }

    /// Ends the current stretch on `day` with `exit` (a stretch of no days leaves nothing).
    mutating func close(at day: Day, _ exit: Edge) {
        guard status != .none else { return }
        if day > since { append(end: day, endsByTerm: false, exit: exit) }
    }

    /// Starts `new` on `day`, ending the current stretch; re-entering the status held keeps the
    /// stretch with the new term.
    mutating func enter(_ new: Status, at day: Day, until end: Day?, by e: PersonEvent) {
        if new == status && new != .none { termEnd = end; return }
        close(at: day, .by(e, .left))
        status = new; since = day; termEnd = end; pausedSince = nil
        entry = .by(e, .new)
    }

    /// Ends the stretch whose term ran out before or on `day` (not while its clock is stopped).
    mutating func expire(before day: Day) {
        guard pausedSince == nil, let end = termEnd, end <= day, status != .none else { return }
        append(end: end, endsByTerm: true, exit: .term)
        status = .none; termEnd = nil
    }

    mutating func pause(at day: Day) { if pausedSince == nil { pausedSince = day } }

    mutating func resume(at day: Day) {
        guard let stopped = pausedSince else { return }
        pausedSince = nil
        if let end = termEnd { termEnd = end.adding(days: Int(day.rawValue - stopped.rawValue)) }
    }

    mutating func apply(_ e: PersonEvent, _ r: TermRules) {
        switch e.kind {
        case .managementDecision:
            let end = e.date.adding(months: e.termMonths ?? r.illegalUseMonths)
            if status == .illegalUser { termEnd = end } else { enter(.illegalUser, at: e.date, until: end, by: e) }
        case .addictionDetermination:
            if e.outcome != .notAddicted { enter(.addict, at: e.date, until: nil, by: e) }
        case .rehabDecision:
            pendingRehabDecision = e.date
        case .rehabStart:
            let program = e.program ?? .voluntaryAtHome
            rehabDecidedOn = pendingRehabDecision ?? e.date
            pendingRehabDecision = nil
            enter(program == .compulsory ? .compulsoryRehab : .voluntaryRehab, at: e.date,
                  until: e.termMonths.map { e.date.adding(months: $0) }, by: e)
        case .rehabCompletion:
            guard status == .voluntaryRehab || status == .compulsoryRehab else { break }
            let months = status == .compulsoryRehab
                ? (isMinor(on: rehabDecidedOn ?? since) ? r.postRehabCompulsoryMinorMonths : r.postRehabCompulsoryAdultMonths)
                : r.postRehabVoluntaryMonths
            enter(.postRehab, at: e.date, until: e.date.adding(months: months), by: e)
        case .rehabSelfTermination:
            if status == .voluntaryRehab { enter(.addict, at: e.date, until: nil, by: e) }
            else if status == .compulsoryRehab {
                refusals.append(.init(sequence: e.sequence, kind: e.kind, date: e.date,
                                      reason: "is a self-termination of a compulsory rehab, which the law does not have (leaving is absconding): "
                                        + "record the person leaving the facility as rehab_absconding and the return as rehab_return"))
            }
        case .rehabAbsconding:
            if status == .compulsoryRehab { pause(at: e.date) }
        case .rehabReturn:
            if status == .compulsoryRehab { resume(at: e.date) }
        case .absenceWithoutNotice:
            if status == .postRehab { pause(at: e.date) }
        case .absenceReturn:
            if status == .postRehab { resume(at: e.date) }
        case .methadoneStart:
            enter(.methadone, at: e.date, until: nil, by: e)
        case .methadoneExit:
            guard status == .methadone else { break }
            if e.outcome == .completed { enter(.postRehab, at: e.date, until: e.date.adding(months: r.postRehabMethadoneMonths), by: e) }
            else { enter(.addict, at: e.date, until: nil, by: e) }
        case .relapse:
            enter(.addict, at: e.date, until: nil, by: e)
        case .moveOut:
            if let destination = e.commune {
                guard destination != place else { break }
                let (held, end, stopped) = (status, termEnd, pausedSince)
                // A stretch of no days in the old commune leaves nothing there: the status
                // starts in the new commune as it started (by its own cause), not by arrival.
                let carried = e.date > since ? Edge.by(e, .arrived, other: place) : entry
                close(at: e.date, .by(e, .movedAway, other: destination))
                place = destination
                if held != .none {
                    status = held; since = e.date; termEnd = end; pausedSince = stopped
                    entry = carried
                }
            } else {
                close(at: e.date, .by(e, .movedAway))
                status = .none; termEnd = nil; pausedSince = nil
            }
        case .moveIn:
            if let arrival = e.commune {
                close(at: e.date, .by(e, .movedAway))
                status = .none; termEnd = nil; pausedSince = nil
                place = arrival
            }
            if let carried = e.carriedStatus, carried != .none {
                close(at: e.date, .by(e, .movedAway))
                status = carried; since = e.date; termEnd = e.carriedTermEnd; pausedSince = nil
                entry = .by(e, .arrived)
            }
        case .death:
            enter(.deceased, at: e.date, until: nil, by: e)
        case .imprisonment:
            enter(.imprisoned, at: e.date, until: nil, by: e)
        case .release:
            enter(.releasedPrisoner, at: e.date, until: e.date.adding(months: r.releasedPrisonerMonths), by: e)
        case .highRiskSet:
            if status == .none { enter(.highRisk, at: e.date, until: nil, by: e) }
        case .highRiskCleared:
            if status == .highRisk { enter(.none, at: e.date, until: nil, by: e) }
        case .educationMeasure:
            if status == .illegalUser { enter(.none, at: e.date, until: nil, by: e) }
        case .testResult, .psychosisEpisode, .correction:
            break
        }
    }

    /// Closes the derivation: the last stretch ends by its term, or stays open (no term, or its
    /// clock stopped).
    mutating func finish() {
        guard status != .none else { return }
        if pausedSince == nil, let end = termEnd {
            if end > since { append(end: end, endsByTerm: true, exit: .term) }
        } else {
            append(end: nil, endsByTerm: false, exit: nil)
        }
    }

    func result() -> StatusDerivation {
        var entries = self.entries, exits = self.exits
        // A term that ran out and restarted the same day in the same status and commune goes on.
        for k in intervals.indices.dropFirst() {
            let a = intervals[k - 1], b = intervals[k]
            if a.end == b.start, a.status == b.status, a.commune == b.commune,
               let x = exits[k - 1], x.cause == .left, x.event == nil, entries[k].cause == .new {
                entries[k].cause = .continued
                exits[k - 1] = Edge(cause: .continued, event: entries[k].event, sequence: entries[k].sequence, other: nil)
            }
        }
        var changes: [StatusChange] = []
        changes.reserveCapacity(intervals.count * 2)
        for (k, i) in intervals.enumerated() {
            let n = entries[k]
            changes.append(StatusChange(date: i.start, commune: i.commune, status: i.status, direction: .entry, cause: n.cause,
                                        event: n.event, eventSequence: n.sequence, otherCommune: n.other))
            if let end = i.end, let x = exits[k] {
                changes.append(StatusChange(date: end, commune: i.commune, status: i.status, direction: .exit, cause: x.cause,
                                            event: x.event, eventSequence: x.sequence, otherCommune: x.other))
            }
        }
        // Exits are appended when a stretch closes, which can be after a later entry's day only
        // for a term end in the future; keep the list in (day, exit before entry) order.
        let ordered = changes.enumerated().sorted {
            ($0.element.date, $0.element.direction == .exit ? 0 : 1, $0.offset) < ($1.element.date, $1.element.direction == .exit ? 0 : 1, $1.offset)
        }.map(\.element)
        return StatusDerivation(intervals: intervals, changes: ordered, refusals: refusals)
    }
}
