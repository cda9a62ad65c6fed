/// An error in a statement, pointing at the token where it was found.
///
/// ``render(source:)`` prints the line, column, the source line and a caret under the token:
///
/// ```swift
/// do {
///     _ = try Parser.parse("SELECT * persons")
/// } catch {
///     print(error.render(source: "SELECT * persons"))   // error at line 1, column 10: expected FROM after the column list…
/// }
/// ```
public struct QueryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, and what was expected.
    public var message: String
    /// Where (nil for errors not tied to a token, such as a failing store).
    public var location: SourceLocation?
    /// How many characters to underline.
    public var length: Int

    /// An error at `token`.
    public init(_ message: String, at token: Token) {
        self.message = message; location = token.location; length = max(1, token.length)
    }
    /// An error at a location.
    public init(_ message: String, location: SourceLocation?, length: Int = 1) {
        self.message = message; self.location = location; self.length = max(1, length)
    }

    public var description: String {
        guard let location else { return "error: \(message)" }
        return "error at \(location): \(message)"
    }

    /// The message with the source line and a caret under the token. `firstLine` is the line
    /// of a script on which `source` starts (line numbers are then the script's).
    public func render(source: String, firstLine: Int = 1) -> String {
        guard let location else { return description }
        var shown = self
        shown.location?.line += firstLine - 1
        let description = shown.description
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        guard location.line - 1 < lines.count else { return description }
        let line = String(lines[location.line - 1]).replacingOccurrences(of: "\t", with: " ")
        let available = max(1, min(length, line.count - (location.column - 1)))
        return description + "\n  " + line + "\n  " + String(repeating: " ", count: location.column - 1)
            + String(repeating: "^", count: available)
    }
}
