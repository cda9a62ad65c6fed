import Foundation
import HosoDomain
import Testing
@testable import HosoShell

/// A small seeded generator (SplitMix64), so that a failing case can be run again from its seed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// `LIKE` matching: the same answers as a brute-force matcher, in bounded time.
@Suite struct LikeTests {
    /// SQL LIKE by dynamic programming over characters: `%` any run, `_` one character, every
    /// other character itself (compared as `Character`s, as the engine does).
    static func bruteForce(_ text: [Character], _ pattern: [Character]) -> Bool {
        let n = text.count, m = pattern.count
        // matches[i][j]: text[i...] matches pattern[j...]
        var matches = Array(repeating: Array(repeating: false, count: m + 1), count: n + 1)
        matches[n][m] = true
        for i in stride(from: n, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                if pattern[j] == "%" {
                    matches[i][j] = matches[i][j + 1] || (i < n && matches[i + 1][j])
                } else {
                    matches[i][j] = i < n && (pattern[j] == "_" || pattern[j] == text[i]) && matches[i + 1][j + 1]
                }
            }
        }
        return matches[0][0]
    }

    @Test func randomPatternsAgreeWithBruteForce() {
        let seed: UInt64 = 20_251_124
        var rng = SplitMix64(seed: seed)
        // Letters with and without marks (precomposed and combining: equal as characters), and the
        // wildcards, which in a text are plain characters.
        let textAlphabet: [Character] = ["a", "b", "ă", "é", "e\u{301}", "%", "_", " "]
        let patternAlphabet: [Character] = ["a", "b", "ă", "é", "e\u{301}", " ", "%", "%", "%", "_", "_"]
        var failures: [String] = []
        for k in 0..<20_000 {
            let text = (0..<Int.random(in: 0...12, using: &rng)).map { _ in textAlphabet.randomElement(using: &rng)! }
            let pattern = (0..<Int.random(in: 0...10, using: &rng)).map { _ in patternAlphabet.randomElement(using: &rng)! }
            let expected = Self.bruteForce(text, pattern)
            let got = LikePattern(folded: String(pattern)).matches(folded: String(text))
            if got != expected && failures.count < 10 {
                failures.append("case \(k): text '\(String(text))' pattern '\(String(pattern))': brute force \(expected), LikePattern \(got)")
            }
        }
        #expect(failures.isEmpty, "seed \(seed):\n\(failures.joined(separator: "\n"))")
    }

    @Test func foldedNamesAgreeWithBruteForceThroughTheShell() throws {
        let f = try Fixture.get()
        let seed: UInt64 = 7_770_001
        var rng = SplitMix64(seed: seed)
        let names = f.persons.map(\.fullName)
        // Patterns cut from names as written (with their marks and capitals), with wildcards put in.
        var patterns = ["nguyen%", "%THỊ%", "%Văn_A%", "_", "%", "", "%đ%", "%D%"]
        for _ in 0..<40 {
            var p = Array(names.randomElement(using: &rng)!)
            let start = Int.random(in: 0...p.count / 2, using: &rng)
            p = Array(p[start..<Int.random(in: start...p.count, using: &rng)])
            for _ in 0..<Int.random(in: 0...3, using: &rng) where !p.isEmpty {
                p[Int.random(in: 0..<p.count, using: &rng)] = Bool.random(using: &rng) ? "%" : "_"
            }
            patterns.append((Bool.random(using: &rng) ? "%" : "") + String(p) + (Bool.random(using: &rng) ? "%" : ""))
        }
        for pattern in patterns {
            let folded = Array(Gazetteer.fold(pattern))
            let expected = names.filter { Self.bruteForce(Array(Gazetteer.fold($0)), folded) }.count
            let rows = try f.rows("SELECT COUNT(*) FROM persons WHERE full_name LIKE '\(pattern.replacingOccurrences(of: "'", with: "''"))'")
            #expect(rows == [[.int(Int64(expected))]], "seed \(seed), pattern '\(pattern)'")
        }
    }

    @Test func tenThousandCharacterPatternsFinish() throws {
        let f = try Fixture.get()
        let names = f.persons.map { Gazetteer.fold($0.fullName) }
        let longA = String(repeating: "a", count: 10_000)
        let cases: [(pattern: String, expected: (String) -> Bool)] = [
            // The pattern that took minutes: 5,000 × "%a".
            (String(repeating: "%a", count: 5_000), { t in t.hasSuffix("a") && t.filter { $0 == "a" }.count >= 5_000 }),
            (String(repeating: "%", count: 9_999) + "a", { $0.hasSuffix("a") }),
            (String(repeating: "_", count: 10_000), { $0.count == 10_000 }),
            (String(repeating: "%_________", count: 1_000), { $0.count >= 9_000 }),
            ("%" + String(repeating: "a", count: 9_998) + "%", { $0.contains(String(repeating: "a", count: 9_998)) }),
        ]
        for (pattern, expected) in cases {
            #expect(pattern.count == 10_000)
            let like = LikePattern(folded: pattern)
            let texts = names + [longA, String(repeating: "a", count: 9_999) + "b", "", "a"]
            let wrong = texts.filter { like.matches(folded: $0) != expected($0) }
            #expect(wrong.isEmpty, "pattern of \(pattern.prefix(12))…: wrong for \(wrong.prefix(3).map { String($0.prefix(20)) })")
        }
    }

    @Test func longPatternsAreAnsweredUpToTheLimitAndRefusedPastIt() throws {
        let f = try Fixture.get()
        let limit = LikePattern.maxLength
        let endsInA = f.persons.filter { Gazetteer.fold($0.fullName).hasSuffix("a") }.count
        #expect(try f.rows("SELECT COUNT(*) FROM persons WHERE full_name LIKE '\(String(repeating: "%", count: limit - 1))a'") == [[.int(Int64(endsInA))]])
        #expect(try f.rows("SELECT COUNT(*) FROM persons WHERE full_name LIKE '\(String(repeating: "%a", count: limit / 2))'") == [[.int(0)]])
        let sql = "SELECT COUNT(*) FROM persons WHERE full_name LIKE '\(String(repeating: "%a", count: 5_000))'"
        let session = try f.session()
        var errors = ""
        session.errors = { errors += $0 }
        session.output = { _ in }
        #expect(!session.run(sql))
        #expect(errors.hasPrefix("error at line 1, column 51: the LIKE pattern is 10000 characters long; at most 1000 are allowed\n"))
        #expect(errors.contains("\n" + String(repeating: " ", count: 52) + String(repeating: "^", count: 10_002)))
    }
}
