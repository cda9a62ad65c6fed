/// A JSON scalar: `null`, or the bytes of a string (unescaped), number or `true`/`false`.
enum JSONScalar {
    case null
    case text(Bytes, isString: Bool)
}

/// A pull reader over the bytes of one NDJSON line (RFC 8259 syntax). Unescaped strings are
/// decoded into a scratch buffer that stays valid until the next string is read.
struct JSONCursor {
    let p: UnsafePointer<UInt8>
    let end: Int
    var i = 0
    private let scratch: UnsafeMutablePointer<UInt8>

    /// `scratch` must hold `line.count` bytes (an unescaped string is never longer than its source).
    init(_ line: Bytes, scratch: UnsafeMutablePointer<UInt8>) {
        p = line.baseAddress ?? UnsafePointer(scratch)
        end = line.count
        self.scratch = scratch
    }

    static func syntax(_ what: String, at i: Int) -> FieldFailure {
        FieldFailure(field: "", reason: "is not valid JSON: \(what) at column \(i + 1)")
    }

    @inline(__always)
    mutating func skipSpace() {
        while i < end {
            let b = p[i]
            guard b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D else { return }
            i += 1
        }
    }

    @inline(__always)
    mutating func peek() -> UInt8? {
        skipSpace()
        return i < end ? p[i] : nil
    }

    @inline(__always)
    mutating func expect(_ byte: UInt8) throws(FieldFailure) {
        skipSpace()
        guard i < end, p[i] == byte else {
            throw Self.syntax(i < end ? "expected '\(Character(UnicodeScalar(byte)))'" : "the line ends early", at: i)
        }
        i += 1
    }

    /// After a member or element: `true` when another follows (a comma was read), `false` at `close`.
    @inline(__always)
    mutating func more(_ close: UInt8) throws(FieldFailure) -> Bool {
        skipSpace()
        guard i < end else { throw Self.syntax("the line ends early", at: i) }
        if p[i] == UInt8(ascii: ",") { i += 1; return true }
        if p[i] == close { i += 1; return false }
        throw Self.syntax("expected ',' or '\(Character(UnicodeScalar(close)))'", at: i)
    }

    /// Starts an object or array: `true` when it has members (the opening byte was consumed).
    @inline(__always)
    mutating func open(_ open: UInt8, _ close: UInt8) throws(FieldFailure) -> Bool {
        try expect(open)
        skipSpace()
        if i < end && p[i] == close { i += 1; return false }
        return true
    }

    /// Whether only white space remains.
    mutating func atEnd() -> Bool { skipSpace(); return i >= end }

    /// Reads a string, unescaped.
    mutating func string() throws(FieldFailure) -> Bytes {
        skipSpace()
        guard i < end, p[i] == UInt8(ascii: "\"") else { throw Self.syntax("expected a string", at: i) }
        i += 1
        let start = i
        while i < end {
            let b = p[i]
            if b == UInt8(ascii: "\"") { i += 1; return Bytes(start: p + start, count: i - 1 - start) }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw Self.syntax("a control character inside a string", at: i) }
            i += 1
        }
        // Escapes: decode into the scratch buffer.
        var n = 0
        scratch.update(from: p + start, count: i - start)
        n = i - start
        while i < end {
            let b = p[i]
            if b == UInt8(ascii: "\"") { i += 1; return Bytes(start: scratch, count: n) }
            if b < 0x20 { throw Self.syntax("a control character inside a string", at: i) }
            if b != UInt8(ascii: "\\") { scratch[n] = b; n += 1; i += 1; continue }
            guard i + 1 < end else { break }
            let e = p[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch[n] = e; n += 1
            case UInt8(ascii: "b"): scratch[n] = 0x08; n += 1
            case UInt8(ascii: "f"): scratch[n] = 0x0C; n += 1
            case UInt8(ascii: "n"): scratch[n] = 0x0A; n += 1
            case UInt8(ascii: "r"): scratch[n] = 0x0D; n += 1
            case UInt8(ascii: "t"): scratch[n] = 0x09; n += 1
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    guard i + 1 < end, p[i] == UInt8(ascii: "\\"), p[i + 1] == UInt8(ascii: "u") else {
                        throw Self.syntax("a lone UTF-16 surrogate", at: i)
                    }
                    i += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw Self.syntax("a lone UTF-16 surrogate", at: i) }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(scalar) {
                    throw Self.syntax("a lone UTF-16 surrogate", at: i)
                }
                for byte in UTF8.encode(Unicode.Scalar(scalar)!)! { scratch[n] = byte; n += 1 }
            default: throw Self.syntax("an unknown escape '\\\(Character(UnicodeScalar(e)))'", at: i - 2)
            }
        }
        throw Self.syntax("a string is not closed", at: i)
    }

    private mutating func hex4() throws(FieldFailure) -> UInt32 {
        guard i + 4 <= end else { throw Self.syntax("a short \\u escape", at: i) }
        var v: UInt32 = 0
        for k in 0..<4 {
            let b = p[i + k]
            let d: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = b - 48
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = b - 87
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = b - 55
            default: throw Self.syntax("a bad \\u escape", at: i + k)
            }
            v = v << 4 | UInt32(d)
        }
        i += 4
        return v
    }

    /// Reads a scalar: a string, a number, `true`, `false` or `null`.
    mutating func scalar() throws(FieldFailure) -> JSONScalar {
        skipSpace()
        guard i < end else { throw Self.syntax("the line ends early", at: i) }
        let b = p[i]
        if b == UInt8(ascii: "\"") { return .text(try string(), isString: true) }
        if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") {
            throw Self.syntax(b == UInt8(ascii: "{") ? "an object where a single value belongs" : "an array where a single value belongs", at: i)
        }
        let start = i
        while i < end {
            let c = p[i]
            let isToken = (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z"))
                || c == UInt8(ascii: "-") || c == UInt8(ascii: "+") || c == UInt8(ascii: ".") || c == UInt8(ascii: "E")
            guard isToken else { break }
            i += 1
        }
        let token = Bytes(start: p + start, count: i - start)
        guard !token.isEmpty else { throw Self.syntax("expected a value", at: start) }
        if bytesEqual(token, "null") { return .null }
        let first = token[0]
        let isNumber = first == UInt8(ascii: "-") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9"))
        let isLiteral = bytesEqual(token, "true") || bytesEqual(token, "false")
        guard isNumber || isLiteral else { throw Self.syntax("'\(FieldText.shown(token))' is not a JSON value", at: start) }
        if isNumber && !Self.isNumber(token) {
            throw Self.syntax("'\(FieldText.shown(token))' is not a JSON number (RFC 8259: no leading zeros, no '+', "
                              + "digits on both sides of '.', digits after 'e')", at: start)
        }
        return .text(token, isString: false)
    }

    /// Whether `b` is a number of RFC 8259: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    @inline(__always)
    static func isNumber(_ b: Bytes) -> Bool {
        var i = 0
        let n = b.count
        @inline(__always) func isDigit(_ k: Int) -> Bool { k < n && b[k] &- UInt8(ascii: "0") < 10 }
        @inline(__always) func digits() -> Bool {
            guard isDigit(i) else { return false }
            while isDigit(i) { i += 1 }
            return true
        }
        if i < n && b[i] == UInt8(ascii: "-") { i += 1 }
        guard isDigit(i) else { return false }
        if b[i] == UInt8(ascii: "0") { i += 1 } else { _ = digits() }
        if i < n && b[i] == UInt8(ascii: ".") {
            i += 1
            guard digits() else { return false }
        }
        if i < n && (b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E")) {
            i += 1
            if i < n && (b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-")) { i += 1 }
            guard digits() else { return false }
        }
        return i == n
    }

    /// Reads a `null` if one comes next.
    mutating func isNull() -> Bool {
        skipSpace()
        if i + 4 <= end, p[i] == UInt8(ascii: "n"), p[i + 1] == UInt8(ascii: "u"), p[i + 2] == UInt8(ascii: "l"), p[i + 3] == UInt8(ascii: "l") {
            i += 4
            return true
        }
        return false
    }
}

/// Whether `b` holds exactly the bytes of `s`.
@inline(__always)
func bytesEqual(_ b: Bytes, _ s: StaticString) -> Bool {
    memoryEqual(b, Bytes(start: s.utf8Start, count: s.utf8CodeUnitCount))
}
