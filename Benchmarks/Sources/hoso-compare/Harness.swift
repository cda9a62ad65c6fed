/// Two systems answered a question differently.
struct Disagreement: Error, CustomStringConvertible, Codable {
    var question: String
    var parameters: String
    var hoso: String
    var sqlite: String
    var description: String { "\(question) [\(parameters)]: Hoso answered \(hoso), SQLite answered \(sqlite)" }
}

/// A timed pass over a list of parameters.
struct Pass<Answer> {
    var answers: [Answer]
    var seconds: Double
    var operations: Int { answers.count }
    var perSecond: Double { seconds > 0 ? Double(answers.count) / seconds : 0 }
    var microsecondsEach: Double { answers.isEmpty ? 0 : seconds / Double(answers.count) * 1e6 }
}

/// Runs `body` over `parameters` in order until they run out or `budget` seconds pass (checked
/// every 16 calls); a `nil` budget runs them all.
func timedPass<P, A>(_ parameters: [P], budget: Double?, _ body: (P) throws -> A) rethrows -> Pass<A> {
    var answers: [A] = []
    answers.reserveCapacity(parameters.count)
    let t0 = now()
    var deadline = budget.map { t0 + $0 } ?? .infinity
    for p in parameters {
        answers.append(try body(p))
        if answers.count & 15 == 0, now() > deadline { deadline = -1; break }
    }
    return Pass(answers: answers, seconds: now() - t0)
}

/// Asks both systems the same questions: a short untimed warm-up each, then a timed pass each
/// over the same parameter list, and a check that every answer both gave agrees.
struct QuestionRun<P, A: Equatable> {
    var hoso: Pass<A>
    var sqlite: Pass<A>
    var compared: Int
    var disagreements: [Disagreement]

    init(_ question: String, parameters: [P], budget: Double?, describe: (P) -> String,
         hoso: (P) throws -> A, sqlite: (P) throws -> A) throws {
        if let budget {
            _ = try timedPass(parameters, budget: budget * 0.25, hoso)
            _ = try timedPass(parameters, budget: budget * 0.25, sqlite)
        }
        self.hoso = try timedPass(parameters, budget: budget, hoso)
        self.sqlite = try timedPass(parameters, budget: budget, sqlite)
        compared = min(self.hoso.operations, self.sqlite.operations)
        var found: [Disagreement] = []
        for i in 0..<compared where self.hoso.answers[i] != self.sqlite.answers[i] {
            found.append(Disagreement(question: question, parameters: describe(parameters[i]),
                                      hoso: "\(self.hoso.answers[i])", sqlite: "\(self.sqlite.answers[i])"))
        }
        disagreements = found
        progress("\(question): \(compared) answers compared, \(found.count) disagree; "
                 + "Hoso \(self.hoso.operations) in \(fmt(self.hoso.seconds))s, SQLite \(self.sqlite.operations) in \(fmt(self.sqlite.seconds))s")
    }
}

func fmt(_ x: Double) -> String { String(format: "%.2f", x) }

import Foundation
