import HosoStore

typealias Bytes = UnsafeBufferPointer<UInt8>

/// Why one field of a row cannot be read.
struct FieldFailure: Error {
    var field: String
    var reason: String
}

/// A set of names matched on bytes, for reading CSV headers and JSON keys without making
/// strings: each name is found by its length and first eight bytes, then the rest compared.
/// (Values of code columns are read by ``FieldText/code(_:_:_:)`` from their ``CodedEnum``.)
struct CodeTable<T: Sendable>: Sendable {
    let values: [T]
    let names: [String]
    let what: String
    private let lengths: [Int]
    private let prefixes: [UInt64]
    private let bytes: [UInt8]
    private let offsets: [Int]

    init(_ what: String, _ pairs: [(String, T)]) {
        self.what = what
        values = pairs.map(\.1)
        names = pairs.map(\.0)
        var lengths: [Int] = [], prefixes: [UInt64] = [], bytes: [UInt8] = [], offsets: [Int] = []
        for (name, _) in pairs {
            let code = Array(name.utf8)
            lengths.append(code.count)
            prefixes.append(code.withUnsafeBufferPointer { Self.prefix($0) })
            offsets.append(bytes.count)
            bytes += code
        }
        self.lengths = lengths; self.prefixes = prefixes; self.bytes = bytes; self.offsets = offsets
    }

    @inline(__always)
    private static func prefix(_ b: Bytes) -> UInt64 {
        var v: UInt64 = 0
        for i in 0..<min(8, b.count) { v |= UInt64(b[i]) << UInt64(8 * i) }
        return v
    }

    @inline(__always)
    func lookup(_ b: Bytes) -> T? {
        let p = Self.prefix(b)
        let n = b.count
        for i in 0..<lengths.count where lengths[i] == n && prefixes[i] == p {
            if n <= 8 { return values[i] }
            let same = bytes.withUnsafeBufferPointer { all in
                memoryEqual(Bytes(rebasing: all[(offsets[i] + 8)..<(offsets[i] + n)]), Bytes(rebasing: b[8...]))
            }
            if same { return values[i] }
        }
        return nil
    }

    /// `'x' is not a known …; use one of: a, b, c`.
    func failure(_ field: String, _ b: Bytes) -> FieldFailure {
        FieldFailure(field: field, reason: "'\(FieldText.shown(b))' is not a known \(what); use one of: " + names.joined(separator: ", "))
    }
}

@inline(__always)
func memoryEqual(_ a: Bytes, _ b: Bytes) -> Bool {
    guard a.count == b.count else { return false }
    var i = 0
    while i < a.count { if a[i] != b[i] { return false }; i += 1 }
    return true
}

/// Reading typed values from the bytes of one field. Empty bytes mean "absent" and are
/// handled by the callers.
enum FieldText {
    /// The text of `b` for an error message: invalid UTF-8 repaired, long text cut.
    static func shown(_ b: Bytes) -> String {
        let s = String(decoding: b, as: UTF8.self)
        return s.count > 60 ? String(s.prefix(57)) + "…" : s
    }

    @inline(__always)
    static func text(_ field: String, _ b: Bytes) throws(FieldFailure) -> String {
        // Fast path for ASCII (numbers, codes, most villages); validation otherwise.
        var ascii = true
        for byte in b where byte >= 0x80 { ascii = false; break }
        if ascii { return String(decoding: b, as: UTF8.self) }
        guard let s = String(validating: b, as: UTF8.self) else {
            throw FieldFailure(field: field, reason: "'\(shown(b))' is not valid UTF-8 text; save the file as UTF-8")
        }
        return s
    }

    @inline(__always)
    static func optionalText(_ field: String, _ b: Bytes) throws(FieldFailure) -> String? {
        b.isEmpty ? nil : try text(field, b)
    }

    /// Digits only, no sign; `nil` when not a number or too large.
    @inline(__always)
    static func unsigned(_ b: Bytes) -> UInt64? {
        guard !b.isEmpty, b.count <= 20 else { return nil }
        var v: UInt64 = 0
        for byte in b {
            let d = byte &- 48
            guard d < 10 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(d))
            guard !o1, !o2 else { return nil }
            v = s
        }
        return v
    }

    @inline(__always)
    static func id(_ field: String, _ b: Bytes) throws(FieldFailure) -> RecordID {
        guard let v = unsigned(b) else {
            throw FieldFailure(field: field, reason: "'\(shown(b))' is not a record id: write a whole number without sign, spaces or separators")
        }
        return v
    }

    @inline(__always)
    static func int(_ field: String, _ b: Bytes, range: ClosedRange<Int> = Int(Int32.min)...Int(Int32.max)) throws(FieldFailure) -> Int {
        var digits = b
        var negative = false
        if let first = b.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            digits = Bytes(rebasing: b.dropFirst())
        }
        guard let magnitude = unsigned(digits), magnitude <= UInt64(Int.max) else {
            throw FieldFailure(field: field, reason: "'\(shown(b))' is not a whole number")
        }
        let v = negative ? -Int(magnitude) : Int(magnitude)
        guard range.contains(v) else {
            throw FieldFailure(field: field, reason: "\(v) is out of range \(range.lowerBound)…\(range.upperBound)")
        }
        return v
    }

    @inline(__always)
    static func optionalInt(_ field: String, _ b: Bytes) throws(FieldFailure) -> Int? {
        b.isEmpty ? nil : try int(field, b)
    }

    @inline(__always)
    static func communeCode(_ field: String, _ b: Bytes) throws(FieldFailure) -> Int32 {
        guard let v = unsigned(b), v <= UInt64(Int32.max) else {
            throw FieldFailure(field: field, reason: "'\(shown(b))' is not a commune code: write the official code as a whole number")
        }
        return Int32(v)
    }

    @inline(__always)
    static func bool(_ field: String, _ b: Bytes) throws(FieldFailure) -> Bool {
        if b.count == 1 {
            if b[0] == UInt8(ascii: "1") { return true }
            if b[0] == UInt8(ascii: "0") { return false }
        } else if b.isEmpty {
            return false
        } else if bytesEqual(b, "true") {
            return true
        } else if bytesEqual(b, "false") {
            return false
        } else {
            let lower = String(decoding: b, as: UTF8.self).lowercased()
            if lower == "true" { return true }
            if lower == "false" { return false }
        }
        throw FieldFailure(field: field, reason: "'\(shown(b))' is not a yes/no value: write 1 or 0 (or true or false)")
    }

    /// `YYYY-MM-DD`, or `D/M/YYYY` with one or two digits for day and month.
    @inline(__always)
    static func day(_ field: String, _ b: Bytes) throws(FieldFailure) -> Day {
        @inline(__always) func digit(_ i: Int) -> Int? {
            let d = b[i] &- 48
            return d < 10 ? Int(d) : nil
        }
        var parsed: Day?
        if b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
           let y0 = digit(0), let y1 = digit(1), let y2 = digit(2), let y3 = digit(3),
           let m0 = digit(5), let m1 = digit(6), let d0 = digit(8), let d1 = digit(9) {
            parsed = Day(year: y0 * 1000 + y1 * 100 + y2 * 10 + y3, month: m0 * 10 + m1, day: d0 * 10 + d1)
        } else if b.count >= 8, b.count <= 10 {
            // D/M/YYYY … DD/MM/YYYY
            var parts = (0, 0, 0), part = 0, digits = 0, ok = true
            for i in 0..<b.count {
                if b[i] == UInt8(ascii: "/") {
                    if part == 0 { guard (1...2).contains(digits) else { ok = false; break } ; parts.0 = parts.2 }
                    else if part == 1 { guard (1...2).contains(digits) else { ok = false; break } ; parts.1 = parts.2 }
                    else { ok = false; break }
                    parts.2 = 0; part += 1; digits = 0
                } else if let d = digit(i) {
                    parts.2 = parts.2 * 10 + d; digits += 1
                } else { ok = false; break }
            }
            if ok, part == 2, digits == 4 { parsed = Day(year: parts.2, month: parts.1, day: parts.0) }
        }
        if let parsed { return parsed }
        let text = String(decoding: b, as: UTF8.self)
        var reason = "it is not a date"
        do { _ = try Day.parse(text) } catch { reason = error.reason }
        throw FieldFailure(field: field, reason: "'\(shown(b))' is not a valid date: \(reason); write YYYY-MM-DD (or DD/MM/YYYY)")
    }

    @inline(__always)
    static func optionalDay(_ field: String, _ b: Bytes) throws(FieldFailure) -> Day? {
        b.isEmpty ? nil : try day(field, b)
    }

    @inline(__always)
    static func nationalID(_ field: String, _ b: Bytes) throws(FieldFailure) -> String {
        guard b.count == 12, b.allSatisfy({ $0 &- 48 < 10 }) else {
            throw FieldFailure(field: field, reason: "'\(shown(b))' is not a national ID: it must be exactly 12 digits (\(b.count) characters given)")
        }
        return String(decoding: b, as: UTF8.self)
    }

    /// The case of `type` whose code the bytes spell, compared without making a string;
    /// otherwise `'x' is not a known NAME; use one of: …` from the enumeration's codes.
    @inline(__always)
    static func code<E: CodedEnum>(_ type: E.Type, _ field: String, _ b: Bytes) throws(FieldFailure) -> E {
        for value in E.allCases {
            let code = value.code
            guard code.utf8.count == b.count else { continue }
            if code.utf8.withContiguousStorageIfAvailable({ memoryEqual($0, b) }) ?? code.utf8.elementsEqual(b) { return value }
        }
        throw FieldFailure(field: field, reason: "'\(shown(b))' is not a known \(E.codeName); use one of: " + E.codes.joined(separator: ", "))
    }

    /// Splits `b` at `;` and calls `body` with each part (nothing for empty `b`).
    @inline(__always)
    static func splitList(_ b: Bytes, _ body: (Bytes) throws(FieldFailure) -> Void) throws(FieldFailure) {
        guard !b.isEmpty, let base = b.baseAddress else { return }
        var start = 0
        for i in 0...b.count where i == b.count || b[i] == UInt8(ascii: ";") {
            try body(Bytes(start: base + start, count: i - start))
            start = i + 1
        }
    }
}
