import HosoStore

/// Derives a person's status history from the events in the file and the tenant's term rules.
///
/// Rules (DOMAIN.md): a management decision makes an illegal user for the rules' term, and a
/// new decision during it restarts the term; an addiction determination "addicted" makes an
/// addict and ends illegal-user management early; rehab start, completion (→ post-rehab for 1
/// year, 2 after an adult's compulsory rehab) and self-termination (→ addict); methadone start
/// and exit (completed → post-rehab, otherwise → addict); relapse → addict; a move within the
/// tenant carries the status and its remaining term to the new commune; a move out of the tenant
/// ends management here; imprisonment, release (→ released prisoner for the rules' period),
/// high risk set and cleared, education measures (end illegal-user management), death. A term
/// that runs out ends the status (→ none). Re-entering the status already held continues the
/// stretch (with the new term). Voided events (by a correction) are ignored.
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
        let voided = Set(events.compactMap { $0.kind == .correction ? $0.voids : nil })
        let ordered = events.filter { $0.kind != .correction && !voided.contains($0.sequence) }
            .sorted { ($0.date, $0.sequence) < ($1.date, $1.sequence) }

        var out: [StatusInterval] = []
        var status = Status.none
        var since = Day(rawValue: 0)
        var termEnd: Day? = nil
        var place = commune
        var program: PersonEvent.Program? = nil

        func close(at day: Day) {
            guard status != .none else { return }
            if day > since { out.append(StatusInterval(status: status, commune: place, start: since, end: day)) }
        }
        func enter(_ new: Status, at day: Day, until end: Day?) {
            // Re-entering the status already held (a relapse of an addict, a rehab restarted)
            // continues the same stretch with the new term: no new entry is recorded.
            if new == status && new != .none { termEnd = end; return }
            close(at: day)
            status = new; since = day; termEnd = end
        }
        func expire(before day: Day) {
            if let end = termEnd, end <= day, status != .none {
                out.append(StatusInterval(status: status, commune: place, start: since, end: end, endsByTerm: true))
                status = .none; termEnd = nil
            }
        }
        func isMinor(on day: Day) -> Bool { birthDate.map { $0.age(on: day) < 18 } ?? false }

        for e in ordered {
            if status == .deceased { break }
            expire(before: e.date)
            let r = rules.rules(on: e.date)
            switch e.kind {
            case .managementDecision:
                let end = e.date.adding(months: e.termMonths ?? r.illegalUseMonths)
                if status == .illegalUser { termEnd = end } else { enter(.illegalUser, at: e.date, until: end) }
            case .addictionDetermination:
                if e.outcome != .notAddicted { enter(.addict, at: e.date, until: nil) }
            case .rehabStart:
                program = e.program ?? .voluntaryAtHome
                enter(program == .compulsory ? .compulsoryRehab : .voluntaryRehab, at: e.date,
                      until: e.termMonths.map { e.date.adding(months: $0) })
            case .rehabCompletion:
                guard status == .voluntaryRehab || status == .compulsoryRehab else { break }
                let months = status == .compulsoryRehab
                    ? (isMinor(on: since) ? r.postRehabCompulsoryMinorMonths : r.postRehabCompulsoryAdultMonths)
                    : r.postRehabVoluntaryMonths
                enter(.postRehab, at: e.date, until: e.date.adding(months: months))
            case .rehabSelfTermination:
                if status == .voluntaryRehab { enter(.addict, at: e.date, until: nil) }
            case .methadoneStart:
                enter(.methadone, at: e.date, until: nil)
            case .methadoneExit:
                guard status == .methadone else { break }
                if e.outcome == .completed { enter(.postRehab, at: e.date, until: e.date.adding(months: r.postRehabMethadoneMonths)) }
                else { enter(.addict, at: e.date, until: nil) }
            case .relapse:
                enter(.addict, at: e.date, until: nil)
            case .moveOut:
                if let destination = e.commune {
                    if destination != place {
                        let carried = (status, termEnd)
                        close(at: e.date)
                        place = destination
                        if carried.0 != .none { status = carried.0; since = e.date; termEnd = carried.1 }
                    }
                } else {
                    enter(.none, at: e.date, until: nil)
                }
            case .moveIn:
                if let arrival = e.commune {
                    close(at: e.date)
                    status = .none
                    place = arrival
                }
                if let carried = e.carriedStatus, carried != .none {
                    enter(carried, at: e.date, until: e.carriedTermEnd)
                }
            case .death:
                enter(.deceased, at: e.date, until: nil)
            case .imprisonment:
                enter(.imprisoned, at: e.date, until: nil)
            case .release:
                enter(.releasedPrisoner, at: e.date, until: e.date.adding(months: r.releasedPrisonerMonths))
            case .highRiskSet:
                if status == .none { enter(.highRisk, at: e.date, until: nil) }
            case .highRiskCleared:
                if status == .highRisk { enter(.none, at: e.date, until: nil) }
            case .educationMeasure:
                if status == .illegalUser { enter(.none, at: e.date, until: nil) }
            case .testResult, .rehabDecision, .psychosisEpisode, .correction:
                break
            }
        }
        if status != .none {
            if let end = termEnd, end > since {
                out.append(StatusInterval(status: status, commune: place, start: since, end: end, endsByTerm: true))
            } else if termEnd == nil {
                out.append(StatusInterval(status: status, commune: place, start: since, end: nil))
            }
        }
        return out
    }
}
