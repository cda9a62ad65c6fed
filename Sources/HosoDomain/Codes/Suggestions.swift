/// "Did you mean": the candidate closest to a misspelt word, by edit distance.
///
/// ```swift
/// print(Suggestions.closest("stauts", in: ["status", "commune"]) ?? "")   // status
/// print(Suggestions.closest("xyz", in: ["status", "commune"]) == nil)   // true
/// ```
public enum Suggestions {
    /// The closest of `candidates` to `word` (compared in lowercase), when at most
    /// max(2, a third of its length) edits away; otherwise the first candidate that starts
    /// with it, if any.
    ///
    /// ```swift
    /// print(Suggestions.closest("drugcase", in: CaseEvent.Kind.codes) ?? "")   // drug_case
    /// ```
    public static func closest(_ word: String, in candidates: [String]) -> String? {
        let w = word.lowercased()
        let best = candidates.map { ($0, editDistance($0, w)) }.min { $0.1 < $1.1 }
        guard let best, best.1 <= max(2, w.count / 3) else { return candidates.first { $0.hasPrefix(w) && !w.isEmpty } }
        return best.0
    }

    /// Levenshtein distance in characters.
    ///
    /// ```swift
    /// print(Suggestions.editDistance("adict", "addict"))   // 1
    /// ```
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count)
        for i in 1...x.count {
            var row = [i] + Array(repeating: 0, count: y.count)
            for j in 1...y.count {
                row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            previous = row
        }
        return previous[y.count]
    }
}
