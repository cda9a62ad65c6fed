/// Where a paged query stopped: pass it back to continue after the last result. Its string
/// form is safe to hand to a client and back; it carries a format version and the query's scope
/// (record type and index), so a token of another query is refused.
///
/// ```swift
/// var next: Continuation? = nil
/// repeat {
///     next = try tenant.read { txn in
///         try txn.ids(in: Note.byAuthor, .prefix(["an"]), after: next, limit: 500) { _, id in page.append(id); return true }
///     }
/// } while next != nil
/// ```
public struct Continuation: Sendable, Hashable, LosslessStringConvertible {
    static let formatVersion: UInt8 = 1
    let scope: UInt32
    let key: [UInt8]
    let id: RecordID

    init(scope: String, key: [UInt8], id: RecordID) {
        self.scope = Continuation.hash(scope); self.key = key; self.id = id
    }

    static func hash(_ s: String) -> UInt32 {
        var h: UInt32 = 0x811C9DC5
        for b in s.utf8 { h = (h ^ UInt32(b)) &* 0x0100_0193 }
        return h
    }

    func check(scope expected: String) throws(HosoError) {
        guard scope == Continuation.hash(expected) else {
            throw HosoError.invalidContinuation(token: description, reason: "it belongs to another query (not \(expected))")
        }
    }

    /// The token's text.
    public var description: String {
        var bytes: [UInt8] = [Continuation.formatVersion]
        withUnsafeBytes(of: scope.bigEndian) { bytes.append(contentsOf: $0) }
        FixedWidth.append(id, to: &bytes)
        bytes.append(contentsOf: key)
        return "c" + Base64URL.encode(bytes)
    }

    /// Parses a token's text; `nil` when it is malformed.
    public init?(_ description: String) {
        guard description.first == "c", let bytes = Base64URL.decode(String(description.dropFirst())),
              bytes.count >= 13, bytes[0] == Continuation.formatVersion else { return nil }
        scope = bytes[1..<5].reduce(0) { $0 << 8 | UInt32($1) }
        id = bytes[5..<13].reduce(0) { $0 << 8 | UInt64($1) }
        key = Array(bytes[13...])
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
