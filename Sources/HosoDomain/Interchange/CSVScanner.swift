/// One field of the current CSV record: bytes `start..<end` of the input buffer; `escaped` when
/// the field was quoted and contains doubled quotes that must be undone.
struct FieldSpan {
    var start: Int
    var end: Int
    var escaped: Bool
    var quoted: Bool
}

/// An RFC 4180 / Excel record scanner over a ``ByteInput``: comma separators, fields optionally
/// quoted with `"` (a quote inside doubled), CRLF or LF line ends, line ends allowed inside
/// quoted fields, a UTF-8 byte order mark skipped. A quote inside an unquoted field is kept as
/// text, as Excel does. Records with no content (empty lines, lines of commas only) are skipped.
///
/// Field spans and the raw record stay valid until the next call of ``next()``.
final class CSVScanner {
    let input: ByteInput
    // Used by one reader at a time, never accessed overlappingly (``withField(_:_:)`` copies
    // before calling out): dynamic exclusivity checks on these hot properties are switched off.
    @exclusivity(unchecked) private(set) var fields: [FieldSpan] = []
    /// The raw record: buffer bytes `recordStart..<recordEnd`, without the line end.
    @exclusivity(unchecked) private(set) var recordStart = 0
    @exclusivity(unchecked) private(set) var recordEnd = 0
    /// 1-based line number of the record's first line.
    @exclusivity(unchecked) private(set) var recordLine = 0
    @exclusivity(unchecked) private var nextLine = 1
    /// A quoted field runs to the end of the file.
    @exclusivity(unchecked) private(set) var unterminated = false
    /// Index of a field with text after its closing quote.
    @exclusivity(unchecked) private(set) var strayTextField: Int?
    /// The record would be longer than ``maxRowBytes`` (a quote is probably not closed): only
    /// its first line was taken, and reading resumes on the next line.
    @exclusivity(unchecked) private(set) var oversized = false
    @exclusivity(unchecked) private var discardingLine = false
    /// The longest row read; a longer one is rejected rather than buffered (so a stray quote
    /// early in a large file does not pull the rest of the file into memory).
    static let maxRowBytes = 8 << 20
    private var scratch: [UInt8] = []

    private static let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")

    init(path: String) throws(InterchangeError) {
        input = try ByteInput(path: path)
        try input.skipByteOrderMark()
    }

    var path: String { input.path }

    /// Advances to the next record with content; `false` at the end of the file.
    func next() throws(InterchangeError) -> Bool {
        while true {
            if input.start >= input.end {
                if input.eof { return false }
                try input.fill()
                continue
            }
            if discardingLine {
                discardingLine = !input.discardLine()
                continue
            }
            guard scan() else {
                if input.end - input.start >= Self.maxRowBytes { takeFirstLine(); return true }
                try input.fill()
                continue
            }
            if isBlank { continue }
            return true
        }
    }

    /// Takes the first line of an oversized record as the record.
    private func takeFirstLine() {
        let p = input.base, start = input.start, end = input.end
        var j = start
        while j < end && p[j] != Self.lf { j += 1 }
        fields.removeAll(keepingCapacity: true)
        unterminated = false
        strayTextField = nil
        oversized = true
        recordStart = start
        recordEnd = j < end && j > start && p[j - 1] == Self.cr ? j - 1 : j
        recordLine = nextLine
        nextLine += 1
        if j < end { input.start = j + 1 } else { input.start = end; discardingLine = true }
    }

    private var isBlank: Bool {
        if unterminated || strayTextField != nil || oversized { return false }
        for f in fields where f.quoted || f.end > f.start { return false }
        return true
    }

    /// Scans one record from `input.start`; `false` when more bytes are needed first.
    private func scan() -> Bool {
        let p = input.base
        let end = input.end
        let eof = input.eof
        let start = input.start
        var fields: [FieldSpan] = []
        swap(&fields, &self.fields)
        defer { swap(&fields, &self.fields) }
        fields.removeAll(keepingCapacity: true)
        unterminated = false
        strayTextField = nil
        oversized = false
        var newlines = 0
        var i = start
        var consumed = 0
        fieldLoop: while true {
            if i < end && p[i] == Self.quote {
                let fieldStart = i + 1
                var j = fieldStart
                var escaped = false
                var closed = false
                while true {
                    if j >= end {
                        guard eof else { return false }
                        break   // unterminated
                    }
                    let b = p[j]
                    if b == Self.quote {
                        if j + 1 >= end {
                            guard eof else { return false }
                            closed = true; break
                        }
                        if p[j + 1] == Self.quote { escaped = true; j += 2; continue }
                        closed = true; break
                    }
                    if b == Self.lf { newlines += 1 }
                    j += 1
                }
                if !closed {
                    unterminated = true
                    fields.append(FieldSpan(start: fieldStart, end: end, escaped: escaped, quoted: true))
                    recordEnd = end; consumed = end
                    break fieldLoop
                }
                fields.append(FieldSpan(start: fieldStart, end: j, escaped: escaped, quoted: true))
                i = j + 1
                // After the closing quote: a comma, a line end or the end of the file.
                if i >= end {
                    guard eof else { return false }
                    recordEnd = end; consumed = end
                    break fieldLoop
                }
                let b = p[i]
                if b == Self.comma { i += 1; continue fieldLoop }
                if b == Self.lf { recordEnd = i; consumed = i + 1; break fieldLoop }
                if b == Self.cr {
                    if i + 1 >= end {
                        guard eof else { return false }
                        recordEnd = i; consumed = end
                        break fieldLoop
                    }
                    if p[i + 1] == Self.lf { recordEnd = i; consumed = i + 2; break fieldLoop }
                }
                // Stray text after the closing quote: keep scanning to the field's end.
                if strayTextField == nil { strayTextField = fields.count - 1 }
                while i < end && p[i] != Self.comma && p[i] != Self.lf { i += 1 }
                if i >= end {
                    guard eof else { return false }
                    recordEnd = end; consumed = end
                    break fieldLoop
                }
                if p[i] == Self.comma { i += 1; continue fieldLoop }
                recordEnd = i > start && p[i - 1] == Self.cr ? i - 1 : i
                consumed = i + 1
                break fieldLoop
            } else {
                var j = i
                while j < end {
                    let b = p[j]
                    if b == Self.comma || b == Self.lf { break }
                    j += 1
                }
                if j >= end {
                    guard eof else { return false }
                    let fieldEnd = j > i && p[j - 1] == Self.cr ? j - 1 : j
                    fields.append(FieldSpan(start: i, end: fieldEnd, escaped: false, quoted: false))
                    recordEnd = fieldEnd; consumed = end
                    break fieldLoop
                }
                if p[j] == Self.comma {
                    fields.append(FieldSpan(start: i, end: j, escaped: false, quoted: false))
                    i = j + 1
                    continue fieldLoop
                }
                let fieldEnd = j > i && p[j - 1] == Self.cr ? j - 1 : j
                fields.append(FieldSpan(start: i, end: fieldEnd, escaped: false, quoted: false))
                recordEnd = fieldEnd; consumed = j + 1
                break fieldLoop
            }
        }
        recordStart = start
        recordLine = nextLine
        nextLine += 1 + newlines
        input.start = consumed
        return true
    }

    /// The raw text of the current record.
    var raw: [UInt8] { input.bytes(recordStart, recordEnd) }

    /// Calls `body` with the bytes of field `k` of the current record, quotes undone.
    @inline(__always)
    func withField<R>(_ k: Int, _ body: (Bytes) throws(FieldFailure) -> R) throws(FieldFailure) -> R {
        let f = fields[k]
        if !f.escaped {
            return try body(Bytes(start: input.base + f.start, count: f.end - f.start))
        }
        scratch.removeAll(keepingCapacity: true)
        var i = f.start
        while i < f.end {
            let b = input.base[i]
            scratch.append(b)
            i += b == Self.quote && i + 1 < f.end && input.base[i + 1] == Self.quote ? 2 : 1
        }
        let copy = scratch
        return try copy.withUnsafeBufferPointer { (b) throws(FieldFailure) -> R in try body(b) }
    }

    /// The text of field `k` (for headers), invalid UTF-8 repaired.
    func fieldText(_ k: Int) -> String {
        (try? withField(k) { String(decoding: $0, as: UTF8.self) }) ?? ""
    }
}
