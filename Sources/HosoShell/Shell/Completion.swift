import HosoDomain

/// Tab completion candidates: keywords, table and column names, dot-commands, and, inside an
/// open quote, commune names (typed with or without diacritics).
///
/// ```swift
/// let c = Completion(communes: directory)
/// c.candidates(line: "SELECT * FROM pe", cursor: 16).matches          // ["persons"]
/// c.candidates(line: "… WHERE commune_name = 'cong s", cursor: 30).matches // ["Công Sơn"]
/// ```
public struct Completion: Sendable {
    /// The tenant's communes (nil when no tenant is in use).
    public var communes: CommuneDirectory?
    /// Creates a completer.
    public init(communes: CommuneDirectory?) { self.communes = communes }

    /// Characters that end the word libedit replaces.
    public static let wordBreaks = " \t\n,()=<>;'"

    /// Where the text being completed starts (after an open quote, or after a break character).
    public static func wordStart(line: [Character], cursor: Int) -> (start: Int, inQuote: Bool) {
        var quoteStart: Int? = nil
        for i in 0..<min(cursor, line.count) where line[i] == "'" { quoteStart = quoteStart == nil ? i : nil }
        if let q = quoteStart { return (q + 1, true) }
        return (lastWordStart(line: line, cursor: cursor), false)
    }

    static func lastWordStart(line: [Character], cursor: Int) -> Int {
        var i = min(cursor, line.count)
        while i > 0, !wordBreaks.contains(line[i - 1]) { i -= 1 }
        return i
    }

    /// Replacements for the word before `cursor` (libedit replaces the text after the last space
    /// or quote). Inside an open quote they are commune names matched on everything typed since
    /// the quote, without diacritics too: `'cong` → `Công Sơn`; `'thien h` → `Hòa` (the words
    /// already typed stay, and match either way).
    public func candidates(line: String, cursor: Int) -> (matches: [String], inQuote: Bool) {
        let chars = Array(line)
        let (start, inQuote) = Completion.wordStart(line: chars, cursor: cursor)
        let word = String(chars[start..<min(cursor, chars.count)])
        if inQuote {
            guard let communes else { return ([], true) }
            let typedWords = word.split(separator: " ", omittingEmptySubsequences: false).count - 1
            let names = communes.starting(with: word).compactMap { entry -> String? in
                let words = CommuneDirectory.displayBareName(entry.name).split(separator: " ")
                return words.count > typedWords ? words[typedWords...].joined(separator: " ") : nil
            }
            return (Array(Set(names)).sorted(), true)
        }
        let before = String(chars[..<start]).trimmingCharacters(in: .whitespaces)
        if before.isEmpty && word.hasPrefix(".") {
            return (ShellSession.dotCommandNames.filter { $0.hasPrefix(word.lowercased()) }.sorted(), false)
        }
        let lower = word.lowercased()
        var pool = Parser.keywords + TableSchema.Name.allCases.map(\.rawValue)
        pool += Set(TableSchema.all.flatMap { $0.columns.map(\.name) }).sorted()
        let upper = word.first.map { $0.isUppercase } ?? true
        let matches = pool.filter { $0.lowercased().hasPrefix(lower) }.map { w in
            Parser.keywords.contains(w) ? (upper ? w : w.lowercased()) : w
        }
        return (Array(Set(matches)).sorted(), false)
    }
}

extension CommuneDirectory {
    /// A name without its type prefix ("Xã Công Sơn" → "Công Sơn").
    static func displayBareName(_ name: String) -> String {
        for p in ["Xã ", "Phường ", "Thị trấn ", "Đặc khu "] where name.hasPrefix(p) { return String(name.dropFirst(p.count)) }
        return name
    }
}
