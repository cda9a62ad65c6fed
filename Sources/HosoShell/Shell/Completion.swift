import HosoDomain

/// Tab completion candidates: keywords, table and column names, dot-commands, and, inside an
/// open quote, the codes of a code column (`status = 'add` → `addict`, from its
/// ``HosoDomain/CodedEnum``) or else commune names (typed with or without diacritics).
///
/// ```swift
/// let c = Completion(communes: context.communes)
/// print(c.candidates(line: "SELECT * FROM pe", cursor: 16).matches)   // ["period", "permanent_commune", "permanent_village", "person_count", "person_drugs", "person_events", "person_id", "person_ids", "persons"]
/// let line = "SELECT * FROM persons WHERE commune_name = 'cong s"
/// print(c.candidates(line: line, cursor: line.count).matches)   // ["Sơn"]
/// let kinds = "SELECT * FROM events WHERE kind IN ('tip', 'dr"
/// print(c.candidates(line: kinds, cursor: kinds.count).matches)   // ["drug_case"]
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

    /// The codes of the column a quote at `quote` is compared with: `column = '…`, `column <> '…`,
    /// or a value of `column [NOT] IN ('…', '…`.
    static func codes(before quote: Int, in line: [Character]) -> CodeList? {
        var i = quote - 1
        func skipSpaces() { while i >= 0, line[i].isWhitespace { i -= 1 } }
        func word() -> String {
            var start = i
            while start >= 0, line[start].isLetter || line[start].isNumber || line[start] == "_" { start -= 1 }
            defer { i = start }
            return String(line[(start + 1)..<(i + 1)]).lowercased()
        }
        skipSpaces()
        guard i >= 0 else { return nil }
        if line[i] == "," || line[i] == "(" {
            // Back over the earlier values of the list to its parenthesis, then IN [NOT].
            var quoted = false
            while i >= 0, quoted || line[i] != "(" {
                if line[i] == "'" { quoted.toggle() }
                i -= 1
            }
            guard i >= 0 else { return nil }
            i -= 1
            skipSpaces()
            guard word() == "in" else { return nil }
            skipSpaces()
            let saved = i
            if word() != "not" { i = saved }
            skipSpaces()
        } else if "=<>!".contains(line[i]) {
            while i >= 0, "=<>!".contains(line[i]) { i -= 1 }
            skipSpaces()
        } else {
            return nil
        }
        let column = word()
        return TableSchema.all.lazy.compactMap { $0.column(named: column)?.codes }.first
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
            if let codes = Completion.codes(before: start - 1, in: chars) { return (codes.completions(of: word), true) }
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
        var pool = Parser.keywords + SQLTables.all.map(\.name)
        pool += Set(SQLTables.all.flatMap(\.columnNames)).sorted()
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
