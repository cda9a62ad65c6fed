/// A `LIKE` pattern, folded (case and diacritics, see ``HosoDomain/Gazetteer/fold(_:)``) and
/// compiled once, when the statement is bound: `%` matches any run of characters, `_` exactly
/// one character, every other character itself (characters compare as Swift `Character`s, so
/// canonically equivalent spellings are equal).
///
/// Matching is the greedy wildcard match that backtracks only to the last `%`. A run of `%` is
/// one `%`, and a text with fewer characters than the pattern has fixed ones (not `%`) is
/// refused at once, so the work for one text is at most about (its length) × (the longest run
/// between two `%`), however long the pattern.
///
/// ```swift
/// let p = LikePattern(folded: Gazetteer.fold("Nguyễn%Hoa"))
/// print(p.matches(folded: Gazetteer.fold("Nguyễn Thị Hoa")))   // true
/// ```
public struct LikePattern: Sendable, Hashable, CustomStringConvertible {
    /// The longest pattern a statement may give, in characters as written.
    public static let maxLength = 1_000

    enum Piece: Sendable, Hashable {
        /// `%`: any run of characters (a run of `%` is one).
        case any
        /// `_`: one character.
        case one
        /// A character that matches itself.
        case character(Character)
    }

    /// The folded pattern.
    public let text: String
    let pieces: [Piece]
    /// Pieces that are not `%`: the fewest characters of a matching text.
    let fixed: Int

    /// A pattern from folded text.
    public init(folded text: String) {
        self.text = text
        var pieces: [Piece] = []
        var fixed = 0
        for c in text {
            switch c {
            case "%": if pieces.last != .any { pieces.append(.any) }
            case "_": pieces.append(.one); fixed += 1
            default: pieces.append(.character(c)); fixed += 1
            }
        }
        self.pieces = pieces
        self.fixed = fixed
    }

    public static func == (a: LikePattern, b: LikePattern) -> Bool { a.text == b.text }
    public func hash(into hasher: inout Hasher) { hasher.combine(text) }
    public var description: String { text }

    /// Whether folded text matches.
    public func matches(folded text: String) -> Bool {
        // A character is at least one byte: a text of fewer bytes than the fixed pieces cannot match.
        if text.utf8.count < fixed { return false }
        return matches(Array(text))
    }

    /// Whether the characters of a folded text match.
    func matches(_ t: [Character]) -> Bool {
        let p = pieces
        let n = t.count, m = p.count
        if n < fixed { return false }
        var i = 0, j = 0
        // The last `%` seen, and the text position its run currently ends at.
        var star = -1, mark = 0
        while i < n {
            if j < m {
                switch p[j] {
                case .any:
                    star = j; mark = i; j += 1
                    continue
                case .one:
                    i += 1; j += 1
                    continue
                case .character(let c):
                    if c == t[i] { i += 1; j += 1; continue }
                }
            }
            // A mismatch, or the pattern ended before the text: the last `%` takes one more character.
            guard star >= 0 else { return false }
            mark += 1
            i = mark
            j = star + 1
        }
        if j < m, p[j] == .any { j += 1 }
        return j == m
    }
}
