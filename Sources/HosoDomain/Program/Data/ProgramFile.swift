import Foundation
import HosoStore

/// An error in a program data file (indicators, rule sets, targets, populations, officer
/// inputs): the file, the line, the field and what to do.
public struct ProgramFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file (a path, or the name of a bundled resource).
    public var file: String
    /// The 1-based line, when the error is on one.
    public var line: Int?
    /// The field (`key` of a `key = value` line), when the error is about one.
    public var field: String?
    /// What is wrong and what to do.
    public var reason: String

    /// Creates an error.
    public init(file: String, line: Int?, field: String?, reason: String) {
        self.file = file; self.line = line; self.field = field; self.reason = reason
    }

    public var description: String {
        var s = file
        if let line { s += ":\(line)" }
        s += ": "
        if let field { s += "field '\(field)': " }
        return s + reason
    }
}

/// One `[kind name]` block of a program data file with its `key = value` lines.
///
/// The format is line-oriented and meant to be edited by hand: `#` starts a comment, a line
/// `[kind name]` starts a block, every other non-blank line is `key = value`. Keys are unique in
/// a block.
public struct ProgramStanza: Sendable, Hashable {
    /// The block kind (`indicator`, `ruleset`, `class`, `criterion`, `target`…).
    public var kind: String
    /// The block's name.
    public var name: String
    /// The line of the `[kind name]` header.
    public var line: Int
    /// The fields in file order, each with its line.
    public var fields: [(key: String, value: String, line: Int)]

    /// Creates a block.
    public init(kind: String, name: String, line: Int = 0, fields: [(key: String, value: String, line: Int)] = []) {
        self.kind = kind; self.name = name; self.line = line; self.fields = fields
    }

    public static func == (a: ProgramStanza, b: ProgramStanza) -> Bool {
        a.kind == b.kind && a.name == b.name && a.fields.map { [$0.key, $0.value] } == b.fields.map { [$0.key, $0.value] }
    }

    public func hash(into h: inout Hasher) { h.combine(kind); h.combine(name); for f in fields { h.combine(f.key); h.combine(f.value) } }
}

/// Reads a block's fields, remembering which were used so that an unknown key is an error.
struct StanzaReader {
    let stanza: ProgramStanza
    let file: String
    private var used: Set<String> = []

    init(_ stanza: ProgramStanza, file: String) { self.stanza = stanza; self.file = file }

    func error(_ key: String?, _ reason: String) -> ProgramFileError {
        let line = key.flatMap { k in stanza.fields.first { $0.key == k }?.line } ?? stanza.line
        return ProgramFileError(file: file, line: line, field: key, reason: reason)
    }

    mutating func optional(_ key: String) -> String? {
        used.insert(key)
        return stanza.fields.first { $0.key == key }?.value
    }

    mutating func required(_ key: String) throws(ProgramFileError) -> String {
        guard let v = optional(key), !v.isEmpty else {
            throw ProgramFileError(file: file, line: stanza.line, field: key,
                                   reason: "is missing in [\(stanza.kind) \(stanza.name)]; add a line '\(key) = …'")
        }
        return v
    }

    mutating func int(_ key: String) throws(ProgramFileError) -> Int? {
        guard let v = optional(key) else { return nil }
        guard let n = Int(v.replacingOccurrences(of: "_", with: "")) else { throw error(key, "'\(v)' is not a whole number") }
        return n
    }

    mutating func number(_ key: String) throws(ProgramFileError) -> Double? {
        guard let v = optional(key) else { return nil }
        guard let n = ProgramText.number(v) else { throw error(key, "'\(v)' is not a number (write 16, 0.5 or 0.5%)") }
        return n
    }

    mutating func bool(_ key: String) throws(ProgramFileError) -> Bool? {
        guard let v = optional(key) else { return nil }
        switch v.lowercased() {
        case "yes", "true": return true
        case "no", "false": return false
        default: throw error(key, "'\(v)' is not yes or no")
        }
    }

    mutating func day(_ key: String) throws(ProgramFileError) -> Day? {
        guard let v = optional(key) else { return nil }
        do { return try Day.parse(v) } catch { throw self.error(key, "'\(v)' is not a date (YYYY-MM-DD): \(error)") }
    }

    mutating func choice<T>(_ key: String, _ options: [(String, T)]) throws(ProgramFileError) -> T? {
        guard let v = optional(key) else { return nil }
        guard let hit = options.first(where: { $0.0 == v }) else {
            throw error(key, "'\(v)' is not one of: \(options.map(\.0).joined(separator: ", "))")
        }
        return hit.1
    }

    func list(_ value: String) -> [String] {
        value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Fails on a key that nothing read.
    func finish() throws(ProgramFileError) {
        if let extra = stanza.fields.first(where: { !used.contains($0.key) }) {
            throw ProgramFileError(file: file, line: extra.line, field: extra.key,
                                   reason: "is not a field of [\(stanza.kind) …]; known: \(used.sorted().joined(separator: ", "))")
        }
    }
}

/// Parsing and writing the block format, and numbers written with `%` or `_`.
public enum ProgramText {
    /// Parses `text` into blocks; `file` names the file in errors.
    public static func parse(_ text: String, file: String) throws(ProgramFileError) -> [ProgramStanza] {
        var out: [ProgramStanza] = []
        var current: ProgramStanza?
        var n = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            n += 1
            var line = String(raw)
            if line.hasSuffix("\r") { line.removeLast() }
            if n == 1, line.hasPrefix("\u{FEFF}") { line.removeFirst() }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            if trimmed.hasPrefix("[") {
                guard trimmed.hasSuffix("]") else {
                    throw ProgramFileError(file: file, line: n, field: nil, reason: "a block header must end with ']': write [kind name]")
                }
                let inner = trimmed.dropFirst().dropLast().split(separator: " ", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard inner.count == 2, !inner[0].isEmpty, !inner[1].isEmpty else {
                    throw ProgramFileError(file: file, line: n, field: nil, reason: "a block header is [kind name], e.g. [indicator new_addicts]")
                }
                if let c = current { out.append(c) }
                current = ProgramStanza(kind: inner[0], name: inner[1], line: n)
                continue
            }
            guard let eq = trimmed.firstIndex(of: "=") else {
                throw ProgramFileError(file: file, line: n, field: nil, reason: "expected 'key = value' or a block header [kind name], found '\(trimmed)'")
            }
            let key = trimmed[..<eq].trimmingCharacters(in: .whitespaces)
            var value = trimmed[trimmed.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if let hash = value.range(of: " #") { value = value[..<hash.lowerBound].trimmingCharacters(in: .whitespaces) }
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) else {
                throw ProgramFileError(file: file, line: n, field: key, reason: "a key is letters, digits, '_' and '.'")
            }
            guard current != nil else {
                throw ProgramFileError(file: file, line: n, field: key, reason: "is outside a block; start one with [kind name]")
            }
            if current!.fields.contains(where: { $0.key == key }) {
                throw ProgramFileError(file: file, line: n, field: key, reason: "is given twice in [\(current!.kind) \(current!.name)]")
            }
            current!.fields.append((key, value, n))
        }
        if let c = current { out.append(c) }
        return out
    }

    /// Writes blocks in the format ``parse(_:file:)`` reads.
    public static func write(_ stanzas: [ProgramStanza], header: String? = nil) -> String {
        var s = header.map { $0.split(separator: "\n").map { "# " + $0 }.joined(separator: "\n") + "\n" } ?? ""
        for st in stanzas {
            s += "\n[\(st.kind) \(st.name)]\n"
            for f in st.fields { s += "\(f.key) = \(f.value)\n" }
        }
        return s
    }

    /// `16`, `1_000`, `0.5`, `0.5%` (= 0.005).
    public static func number(_ text: String) -> Double? {
        var t = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "")
        var scale = 1.0
        if t.hasSuffix("%") { t.removeLast(); scale = 0.01 }
        guard let v = Double(t.trimmingCharacters(in: .whitespaces)), v.isFinite else { return nil }
        return v * scale
    }

    /// A number as the files write it (no trailing `.0`).
    public static func format(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int(v)) }
        return String(v)
    }

    /// The text of a bundled resource `Resources/<name>`.
    static func bundled(_ name: String) throws(ProgramFileError) -> String {
        let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
        guard let url = Bundle.module.url(forResource: parts[0], withExtension: parts.count > 1 ? parts[1] : nil, subdirectory: "Resources"),
              let data = try? Data(contentsOf: url) else {
            throw ProgramFileError(file: name, line: nil, field: nil, reason: "the bundled resource is missing or unreadable")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Reads a file, naming it in the error.
    public static func read(path: String) throws(ProgramFileError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ProgramFileError(file: path, line: nil, field: nil, reason: "cannot be read (does it exist, and may this user read it?)")
        }
        guard let s = String(data: data, encoding: .utf8) else {
            throw ProgramFileError(file: path, line: nil, field: nil, reason: "is not valid UTF-8; save it as UTF-8")
        }
        return s
    }
}
