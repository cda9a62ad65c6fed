import Foundation

/// What sealing costs, measured in the same run (`--sealed`): a second Hoso store loaded with
/// the same data and not sealed, and each question asked of both tenants in interleaved passes
/// (not sealed, sealed, not sealed, …), their answers compared.
struct SealingCost {
    /// One question's figures: operations per second, not sealed and sealed.
    struct Line: Codable {
        var question: String
        var unit: String
        var clear: Double
        var sealed: Double
        /// The sealed tenant's speed as a share of the unsealed one's (1 = no cost).
        var kept: Double
    }
    var lines: [Line] = []
    var disagreements: [Disagreement] = []
    var compared = 0

    /// Asks `question` of both tenants: a warm-up each, then `rounds` interleaved pairs of
    /// passes of `budget / rounds` seconds, each pass from the first parameter.
    mutating func measure<P, A: Equatable>(_ question: String, unit: String, parameters: [P], budget: Double, rounds: Int = 3,
                                            describe: (P) -> String, clear: (P) throws -> A, sealed: (P) throws -> A) throws {
        _ = try timedPass(parameters, budget: budget * 0.25, clear)
        _ = try timedPass(parameters, budget: budget * 0.25, sealed)
        var clearOps = 0, sealedOps = 0, clearSeconds = 0.0, sealedSeconds = 0.0
        var found: [Disagreement] = []
        for _ in 0..<rounds {
            let a = try timedPass(parameters, budget: budget / Double(rounds), clear)
            let b = try timedPass(parameters, budget: budget / Double(rounds), sealed)
            clearOps += a.operations; clearSeconds += a.seconds; sealedOps += b.operations; sealedSeconds += b.seconds
            let n = min(a.operations, b.operations)
            compared += n
            for i in 0..<n where a.answers[i] != b.answers[i] {
                found.append(Disagreement(question: question + " (sealed against not sealed)", parameters: describe(parameters[i]),
                                          hoso: "\(b.answers[i])", sqlite: "not sealed: \(a.answers[i])"))
            }
        }
        let clearRate = Double(clearOps) / max(clearSeconds, 1e-9), sealedRate = Double(sealedOps) / max(sealedSeconds, 1e-9)
        lines.append(Line(question: question, unit: unit, clear: clearRate, sealed: sealedRate, kept: sealedRate / clearRate))
        disagreements += found
        progress("sealing's cost, \(question): not sealed \(grouped(Int(clearRate)))/s, sealed \(grouped(Int(sealedRate)))/s, "
                 + "\(found.count) of \(compared) answers disagree so far")
    }

    /// The section as Markdown.
    func render() -> String {
        markdownTable(["question", "not sealed", "sealed", "sealed keeps"], lines.map { l in
            [l.question, grouped(Int(l.clear.rounded())) + " " + l.unit, grouped(Int(l.sealed.rounded())) + " " + l.unit,
             String(format: "%.0f %%", l.kept * 100)]
        })
    }
}
