/// Where a paged query stopped: pass it back to continue after the last result. Its string
/// form is safe to hand to a client and back; it carries a format version and the exact query
/// it belongs to (the record type and index, and the key range asked), so a token of another
/// query, or of another range of the same index, is refused.
///
/// ```swift
/// var ids: [RecordID] = []
/// var next: Continuation? = nil
/// repeat {
///     next = try tenant.read { txn in
///         try txn.ids(in: Note.byAuthor, .prefix(["ana"]), after: next, limit: 1) { _, id in ids.append(id); return true }
///     }
///     if let token = next { next = Continuation(token.description) }   // its text travels to a client and back
/// } while next != nil
/// print(ids)   // [1, 2]
/// ```
public struct Continuation: Sendable, Hashable, LosslessStringConvertible {
    static let formatVersion: UInt8 = 2
    /// The query the token belongs to, as ``Query/bytes``.
    let query: [UInt8]
    let key: [UInt8]
    let id: RecordID

    /// The identity of a paged query: what it reads (`TYPE.INDEX`, or `TYPE.records`) and the
    /// exact key range, encoded.
    struct Query {
        let scope: String
        let range: KeyRange
        let bytes: [UInt8]

        init(scope: String, range: KeyRange) {
            self.scope = scope; self.range = range
            var w = RecordWriter(formatVersion: 1)
            w.write(1, scope)
            switch range {
            case .all: w.write(2, 1)
            case .prefix(let t): w.write(2, 2); w.write(3, bytes: t.encoded)
            case .between(let a, let b): w.write(2, 3); w.write(3, bytes: a.encoded); w.write(4, bytes: b.encoded)
            case .exactly(let t): w.write(2, 4); w.write(3, bytes: t.encoded)
            }
            bytes = w.bytes
        }

        /// The query a token's bytes name, for error messages.
        static func describe(_ bytes: [UInt8]) -> String {
            bytes.withUnsafeBytes { raw in
                guard var r = try? RecordReader(raw, recordType: "continuation") else { return "an unknown query" }
                var scope = "?", kind = 0
                var a: [UInt8] = [], b: [UInt8] = []
                while let f = try? r.next() {
                    switch f.number {
                    case 1: scope = (try? f.string()) ?? "?"
                    case 2: kind = (try? f.int()) ?? 0
                    case 3: a = (try? f.bytes()).map(Array.init) ?? []
                    case 4: b = (try? f.bytes()).map(Array.init) ?? []
                    default: break
                    }
                }
                func t(_ x: [UInt8]) -> String { (try? Tuple.decode(x).description) ?? "?" }
                switch kind {
                case 1: return "\(scope) over all keys"
                case 2: return "\(scope) under prefix \(t(a))"
                case 3: return "\(scope) from \(t(a)) before \(t(b))"
                case 4: return "\(scope) at exactly \(t(a))"
                default: return scope
                }
            }
        }
    }

    init(_ query: Query, key: [UInt8], id: RecordID) {
        self.query = query.bytes; self.key = key; self.id = id
    }

    func check(_ expected: Query) throws(HosoError) {
        guard query == expected.bytes else {
            throw HosoError.invalidContinuation(
                token: description,
                reason: "it belongs to another query (\(Query.describe(query)), not \(Query.describe(expected.bytes)))")
        }
    }

    /// The token's text.
    public var description: String {
        var bytes: [UInt8] = [Continuation.formatVersion]
        var n = UInt64(query.count)
        while n >= 0x80 { bytes.append(UInt8(truncatingIfNeeded: n) | 0x80); n >>= 7 }
        bytes.append(UInt8(n))
        bytes.append(contentsOf: query)
        FixedWidth.append(id, to: &bytes)
        bytes.append(contentsOf: key)
        return "c" + Base64URL.encode(bytes)
    }

    /// Parses a token's text; `nil` when it is malformed or of another format version.
    public init?(_ description: String) {
        guard description.first == "c", let bytes = Base64URL.decode(String(description.dropFirst())),
              bytes.count >= 2, bytes[0] == Continuation.formatVersion else { return nil }
        var at = 1, length = 0, shift = 0
        while true {
            guard at < bytes.count, shift < 28 else { return nil }
            let b = bytes[at]; at += 1
            length |= Int(b & 0x7F) << shift
            if b < 0x80 { break }
            shift += 7
        }
        guard bytes.count >= at + length + 8 else { return nil }
        query = Array(bytes[at..<(at + length)])
        at += length
        id = bytes[at..<(at + 8)].reduce(0) { $0 << 8 | UInt64($1) }
        key = Array(bytes[(at + 8)...])
    }
}

enum Base64URL {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            let n = min(3, bytes.count - i)
            var v: UInt32 = 0
            for j in 0..<3 { v = v << 8 | (j < n ? UInt32(bytes[i + j]) : 0) }
            for j in 0..<(n + 1) { out.append(alphabet[Int(v >> (18 - 6 * UInt32(j)) & 63)]) }
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
    static func decode(_ s: String) -> [UInt8]? {
        var lookup = [Int](repeating: -1, count: 256)
        for (i, c) in alphabet.enumerated() { lookup[Int(c)] = i }
        let chars = Array(s.utf8)
        guard chars.count % 4 != 1 else { return nil }
        var out: [UInt8] = []
        var i = 0
        while i < chars.count {
            let n = min(4, chars.count - i)
            var v: UInt32 = 0
            for j in 0..<4 {
                var d = 0
                if j < n { d = lookup[Int(chars[i + j])]; if d < 0 { return nil } }
                v = v << 6 | UInt32(d)
            }
            for j in 0..<(n - 1) { out.append(UInt8(v >> (16 - 8 * UInt32(j)) & 0xFF)) }
            i += 4
        }
        return out
    }
}
