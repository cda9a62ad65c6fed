import Foundation

/// A key's first 24 bytes as three big-endian words, and its length: what orders most keys as
/// LMDB does (`memcmp`, a shorter prefix first) on small values, so a sort moves these and not
/// the keys. Only two keys longer than 24 bytes that share those bytes need the rest compared.
struct KeyPrefix {
    let w0, w1, w2: UInt64
    let length: Int32

    init(_ key: KeyBytes) {
        let w = key.leadingWords
        (w0, w1, w2, length) = (w.0, w.1, w.2, Int32(key.count))
    }

    init(_ bytes: UnsafeRawBufferPointer) {
        (w0, w1, w2, length) = (Self.word(bytes, 0), Self.word(bytes, 8), Self.word(bytes, 16), Int32(bytes.count))
    }

    /// The order of the keys `a` and `b` stand for: negative, zero (equal) or positive. `rest`
    /// is asked only when both are longer than 24 bytes and share their first 24: it orders
    /// the bytes after those (zero when the shorter key's rest is a prefix of the longer's).
    @inline(__always)
    static func order(_ a: KeyPrefix, _ b: KeyPrefix, rest: () -> Int) -> Int {
        if a.w0 != b.w0 { return a.w0 < b.w0 ? -1 : 1 }
        if a.w1 != b.w1 { return a.w1 < b.w1 ? -1 : 1 }
        if a.w2 != b.w2 { return a.w2 < b.w2 ? -1 : 1 }
        // Keys of at most 24 bytes are whole in their words (the rest zero): a prefix goes first.
        if a.length > 24 && b.length > 24 {
            let c = rest()
            if c != 0 { return c }
        }
        return a.length == b.length ? 0 : (a.length < b.length ? -1 : 1)
    }

    /// The 8 bytes of `bytes` from `offset` as a big-endian word, zero past the end.
    @inline(__always)
    static func word(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt64 {
        let n = bytes.count - offset
        if n >= 8 { return UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
        var w: UInt64 = 0
        var i = 0
        while i < n { w |= UInt64(bytes[offset + i]) << UInt64(56 - 8 * i); i += 1 }
        return w
    }
}

/// Sorting of pending index writes (bulk entries, count changes) into LMDB's order, so that they
/// are written through one cursor per database, each key next to the previous one.
enum KeyOrder {
    /// The order of `count` entries by database, key and id, computed on ``KeyPrefix`` proxies
    /// so the sort moves small values, not whole keys.
    static func sorted(_ count: Int, db: (Int) -> UInt32, key: (Int) -> KeyBytes, id: ((Int) -> RecordID)? = nil) -> [Int] {
        struct Proxy { var db: UInt32; var index: Int32; var key: KeyPrefix; var id: RecordID }
        var proxies = (0..<count).map { i in Proxy(db: db(i), index: Int32(i), key: KeyPrefix(key(i)), id: id?(i) ?? 0) }
        proxies.sort { a, b in
            if a.db != b.db { return a.db < b.db }
            let c = KeyPrefix.order(a.key, b.key) {
                let ka = key(Int(a.index)), kb = key(Int(b.index))
                return ka == kb ? 0 : (ka < kb ? -1 : 1)
            }
            if c != 0 { return c < 0 }
            return a.id < b.id
        }
        return proxies.map { Int($0.index) }
    }
}
