/// An enumeration whose cases have codes: the text written in CSV and NDJSON files, typed in
/// queries and shown in results (`addict`, `drug_case`, `not_prosecute`). A conforming type
/// writes each case's code once, in ``code``; the reverse lookup (``init(code:)``), the list of
/// codes, parse errors with "did you mean", column help and completion derive from it.
///
/// ```swift
/// print(Status(code: "addict") == .addict)   // true
/// print(Status.codes.prefix(3))   // ["none", "illegal_user", "addict"]
/// do {
///     _ = try CaseEvent.Kind.parse("drugcase")
/// } catch {
///     print(error)   // unknown event kind 'drugcase' — did you mean 'drug_case'? (known: …
/// }
/// ```
public protocol CodedEnum: CaseIterable, Hashable, Sendable, CustomStringConvertible where AllCases == [Self] {
    /// What a value is called in messages: `status`, `event kind`.
    ///
    /// ```swift
    /// print(CaseEvent.Kind.codeName)   // event kind
    /// ```
    static var codeName: String { get }

    /// The case's code: lowercase ASCII, words joined by `_`, unique within the type.
    ///
    /// ```swift
    /// print(Status.illegalUser.code)   // illegal_user
    /// ```
    var code: String { get }

    /// A name for people (in Vietnamese where the program's documents have one).
    ///
    /// ```swift
    /// print(Status.addict.label)   // người nghiện
    /// ```
    var label: String { get }
}

extension CodedEnum {
    /// The case whose ``code`` is `code` exactly, or nil.
    ///
    /// ```swift
    /// print(PersonEvent.Outcome(code: "not_addicted") == .notAddicted)   // true
    /// print(PersonEvent.Outcome(code: "Not_Addicted") == nil)   // true
    /// ```
    public init?(code: String) {
        guard let match = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = match
    }

    /// Every code, in case order.
    ///
    /// ```swift
    /// print(Person.Sex.codes)   // ["unknown", "male", "female"]
    /// ```
    public static var codes: [String] { allCases.map(\.code) }

    /// The codes of the type with its name and labels, for help and completion.
    ///
    /// ```swift
    /// print(Status.codeList.codes.count)   // 11
    /// ```
    public static var codeList: CodeList { CodeList(Self.self) }

    /// The case whose code is `text`, ignoring case; otherwise a
    /// ``CodeError`` naming the type, the closest code and every code.
    ///
    /// ```swift
    /// print(try Status.parse("Addict") == .addict)   // true
    /// ```
    public static func parse(_ text: String) throws(CodeError) -> Self {
        if let exact = Self(code: text) { return exact }
        if let match = Self(code: text.lowercased()) { return match }
        throw CodeError(codeList, text: text)
    }

    /// The code itself.
    public var description: String { code }

    /// The code, for types without labels of their own.
    public var label: String { code }
}

extension CodedEnum where Self: RawRepresentable, RawValue == String {
    /// The raw value: the code of an enumeration whose raw values are its codes.
    ///
    /// ```swift
    /// print(InterchangeFormat.ndjson.code)   // ndjson
    /// ```
    public var code: String { rawValue }
}

/// The codes of one ``CodedEnum`` without its type: what a column holding them offers in
/// help, completion and errors.
///
/// ```swift
/// let list = Status.codeList
/// print(list.help)   // none, illegal_user, addict, …
/// print(list.code(matching: "ADDICT") ?? "")   // addict
/// print(list.completions(of: "ill"))   // ["illegal_user"]
/// ```
public struct CodeList: Sendable, Hashable {
    /// What a value is called in messages (``CodedEnum/codeName``).
    public let name: String
    /// Every code, in case order.
    public let codes: [String]
    /// The label of each code, in the same order.
    public let labels: [String]

    /// The codes of `type`.
    ///
    /// ```swift
    /// let list = CodeList(CaseEvent.Kind.self)
    /// print(list.name)   // event kind
    /// ```
    public init<E: CodedEnum>(_ type: E.Type) {
        name = E.codeName
        codes = E.allCases.map(\.code)
        labels = E.allCases.map(\.label)
    }

    /// The codes joined for a help text: `tip, drug_case, hotspot`.
    ///
    /// ```swift
    /// print(CaseEvent.TipOutcome.codeList.help)   // pending, prosecute, not_prosecute, suspend
    /// ```
    public var help: String { codes.joined(separator: ", ") }

    /// The code `text` names, ignoring case, or nil.
    ///
    /// ```swift
    /// print(Status.codeList.code(matching: "Addict") ?? "")   // addict
    /// ```
    public func code(matching text: String) -> String? {
        let folded = text.lowercased()
        return codes.first { $0 == folded }
    }

    /// The codes that start with `prefix` (ignoring case), for completion.
    ///
    /// ```swift
    /// print(CaseEvent.Kind.codeList.completions(of: "p"))   // ["propaganda", "prevention_model"]
    /// ```
    public func completions(of prefix: String) -> [String] {
        let folded = prefix.lowercased()
        return codes.filter { $0.hasPrefix(folded) }
    }

    /// The code closest to `text`, when close enough to suggest ("did you mean").
    ///
    /// ```swift
    /// print(Status.codeList.suggestion(for: "adict") ?? "")   // addict
    /// ```
    public func suggestion(for text: String) -> String? { Suggestions.closest(text, in: codes) }
}

/// A text that is not a code of a ``CodedEnum``: which type, what was given, the closest code
/// and every code.
///
/// ```swift
/// do {
///     _ = try Status.parse("adict")
/// } catch {
///     print(error)   // unknown status 'adict' — did you mean 'addict'? (known: none, illegal_user, addict, …
/// }
/// ```
public struct CodeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What a value is called (``CodedEnum/codeName``).
    public let name: String
    /// The text given.
    public let text: String
    /// The closest code, if one is close enough.
    public let suggestion: String?
    /// Every code.
    public let codes: [String]

    /// The error for `text`, which is not one of `list`'s codes.
    ///
    /// ```swift
    /// let error = CodeError(Status.codeList, text: "adict")
    /// print(error.suggestion ?? "")   // addict
    /// ```
    public init(_ list: CodeList, text: String) {
        name = list.name; self.text = text; suggestion = list.suggestion(for: text); codes = list.codes
    }

    /// `unknown NAME 'TEXT' — did you mean 'CODE'? (known: …)`.
    ///
    /// ```swift
    /// print(CodeError(Status.codeList, text: "adict"))   // unknown status 'adict' — did you mean 'addict'? …
    /// ```
    public var description: String {
        "unknown \(name) '\(text)'" + (suggestion.map { " — did you mean '\($0)'?" } ?? "") + " (known: \(codes.joined(separator: ", ")))"
    }
}
