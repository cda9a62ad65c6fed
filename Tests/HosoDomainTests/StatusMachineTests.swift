import Testing
@testable import HosoDomain
import HosoStore

func d(_ text: String) -> Day { try! Day.parse(text) }

@Suite struct StatusMachineTests {
    let c1 = CommuneRef(province: 20, commune: 6253)
    let c2 = CommuneRef(province: 20, commune: 6280)
    let book = TermRuleBook()

    func history(_ events: [PersonEvent], birth: Day? = d("1990-01-01"), rules: TermRuleBook? = nil) -> [StatusInterval] {
        var numbered = events
        for i in numbered.indices where numbered[i].sequence == 0 { numbered[i].sequence = i + 1 }
        return StatusMachine.history(events: numbered, registeredIn: c1, birthDate: birth, rules: rules ?? book)
    }

    @Test func managementDecisionRunsOneYearAndARenewalRestartsIt() {
        #expect(history([PersonEvent(date: d("2025-03-10"), kind: .managementDecision)]) ==
                [StatusInterval(status: .illegalUser, commune: c1, start: d("2025-03-10"), end: d("2026-03-10"), endsByTerm: true)])
        #expect(history([PersonEvent(date: d("2025-03-10"), kind: .managementDecision),
                         PersonEvent(date: d("2025-09-01"), kind: .managementDecision)]) ==
                [StatusInterval(status: .illegalUser, commune: c1, start: d("2025-03-10"), end: d("2026-09-01"), endsByTerm: true)])
        // A decision after the term ran out is a new stretch.
        #expect(history([PersonEvent(date: d("2024-01-15"), kind: .managementDecision),
                         PersonEvent(date: d("2025-06-01"), kind: .managementDecision)]).map(\.start) == [d("2024-01-15"), d("2025-06-01")])
    }

    @Test func addictionEndsIllegalUseEarlyAndRehabLeadsToPostRehab() {
        let h = history([
            PersonEvent(date: d("2025-03-10"), kind: .managementDecision),
            PersonEvent(date: d("2025-05-01"), kind: .addictionDetermination, outcome: .addicted),
            PersonEvent(date: d("2025-06-01"), kind: .rehabStart, program: .compulsory, termMonths: 12),
            PersonEvent(date: d("2026-05-20"), kind: .rehabCompletion),
        ])
        #expect(h == [
            StatusInterval(status: .illegalUser, commune: c1, start: d("2025-03-10"), end: d("2025-05-01")),
            StatusInterval(status: .addict, commune: c1, start: d("2025-05-01"), end: d("2025-06-01")),
            StatusInterval(status: .compulsoryRehab, commune: c1, start: d("2025-06-01"), end: d("2026-05-20")),
            // An adult after compulsory rehab: 2 years.
            StatusInterval(status: .postRehab, commune: c1, start: d("2026-05-20"), end: d("2028-05-20"), endsByTerm: true),
        ])
    }

    @Test func minorsAfterCompulsoryRehabAndVoluntaryRehabGetOneYear() {
        let minor = history([PersonEvent(date: d("2025-01-01"), kind: .rehabStart, program: .compulsory),
                             PersonEvent(date: d("2025-09-01"), kind: .rehabCompletion)], birth: d("2009-06-01"))
        #expect(minor.last == StatusInterval(status: .postRehab, commune: c1, start: d("2025-09-01"), end: d("2026-09-01"), endsByTerm: true))
        let voluntary = history([PersonEvent(date: d("2025-01-01"), kind: .rehabStart, program: .voluntaryAtHome),
                                 PersonEvent(date: d("2025-07-01"), kind: .rehabCompletion)])
        #expect(voluntary.last?.end == d("2026-07-01"))
        let selfTerminated = history([PersonEvent(date: d("2025-01-01"), kind: .rehabStart, program: .voluntaryAtFacility),
                                      PersonEvent(date: d("2025-02-01"), kind: .rehabSelfTermination)])
        #expect(selfTerminated.map(\.status) == [.voluntaryRehab, .addict] && selfTerminated.last?.end == nil)
    }

    @Test func methadoneExits() {
        let completed = history([PersonEvent(date: d("2024-01-01"), kind: .methadoneStart),
                                 PersonEvent(date: d("2025-03-01"), kind: .methadoneExit, outcome: .completed)])
        #expect(completed.last == StatusInterval(status: .postRehab, commune: c1, start: d("2025-03-01"), end: d("2026-03-01"), endsByTerm: true))
        let forced = history([PersonEvent(date: d("2024-01-01"), kind: .methadoneStart),
                              PersonEvent(date: d("2025-03-01"), kind: .methadoneExit, outcome: .forcedExit)])
        #expect(forced.map(\.status) == [.methadone, .addict])
    }

    @Test func aMoveCarriesTheRemainingTerm() {
        let h = history([PersonEvent(date: d("2025-01-10"), kind: .managementDecision),
                         PersonEvent(date: d("2025-06-01"), kind: .moveOut, commune: c2)])
        #expect(h == [
            StatusInterval(status: .illegalUser, commune: c1, start: d("2025-01-10"), end: d("2025-06-01")),
            StatusInterval(status: .illegalUser, commune: c2, start: d("2025-06-01"), end: d("2026-01-10"), endsByTerm: true),
        ])
        let left = history([PersonEvent(date: d("2025-01-10"), kind: .managementDecision),
                            PersonEvent(date: d("2025-06-01"), kind: .moveOut)])
        #expect(left == [StatusInterval(status: .illegalUser, commune: c1, start: d("2025-01-10"), end: d("2025-06-01"))])
        let arrived = history([PersonEvent(date: d("2025-02-01"), kind: .moveIn, commune: c2, carriedStatus: .illegalUser, carriedTermEnd: d("2025-08-01"))])
        #expect(arrived == [StatusInterval(status: .illegalUser, commune: c2, start: d("2025-02-01"), end: d("2025-08-01"), endsByTerm: true)])
    }

    @Test func prisonReleaseDeathAndHighRisk() {
        let h = history([PersonEvent(date: d("2023-01-01"), kind: .highRiskSet),
                         PersonEvent(date: d("2023-05-01"), kind: .imprisonment),
                         PersonEvent(date: d("2024-05-01"), kind: .release),
                         PersonEvent(date: d("2025-08-01"), kind: .death),
                         PersonEvent(date: d("2025-09-01"), kind: .managementDecision)])
        #expect(h == [
            StatusInterval(status: .highRisk, commune: c1, start: d("2023-01-01"), end: d("2023-05-01")),
            StatusInterval(status: .imprisoned, commune: c1, start: d("2023-05-01"), end: d("2024-05-01")),
            StatusInterval(status: .releasedPrisoner, commune: c1, start: d("2024-05-01"), end: d("2025-05-01"), endsByTerm: true),
            StatusInterval(status: .deceased, commune: c1, start: d("2025-08-01"), end: nil),
        ])
    }

    @Test func aCorrectionVoidsAnEventWithoutErasingIt() {
        let h = history([PersonEvent(date: d("2025-03-10"), kind: .managementDecision, sequence: 1),
                         PersonEvent(date: d("2025-04-01"), kind: .addictionDetermination, outcome: .addicted, sequence: 2),
                         PersonEvent(date: d("2025-04-05"), kind: .correction, voids: 2, sequence: 3)])
        #expect(h == [StatusInterval(status: .illegalUser, commune: c1, start: d("2025-03-10"), end: d("2026-03-10"), endsByTerm: true)])
    }

    @Test func rulesApplyFromTheirEffectiveDate() {
        var shorter = TermRules(effectiveFrom: d("2026-01-01"))
        shorter.illegalUseMonths = 6
        let rules = TermRuleBook([.national2021, shorter])
        #expect(history([PersonEvent(date: d("2025-12-01"), kind: .managementDecision)], rules: rules).last?.end == d("2026-12-01"))
        #expect(history([PersonEvent(date: d("2026-02-01"), kind: .managementDecision)], rules: rules).last?.end == d("2026-08-01"))
    }
}
