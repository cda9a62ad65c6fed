/// Key bytes held inline (up to 48 bytes) so that building, hashing, sorting and comparing
/// index keys on the write path allocates nothing; longer keys spill to the heap.
///
/// Build one with the same elements as a ``Tuple``; the bytes are the tuple encoding.
///
/// ```swift
/// let key = KeyBytes { k in k.append("ana"); k.append(20_241) }
/// print(key == KeyBytes(Tuple(["ana", 20_241])))   // true
/// ```
public struct KeyBytes: Hashable, Comparable, Sendable, CustomStringConvertible {
    static let inlineCapacity = 48
    private var storage: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0)
    private var heap: [UInt8]? = nil
    /// Number of bytes.
    public private(set) var count: Int = 0

    /// An empty key.
    public init() {}

    /// A key built by `build`.
    @inlinable
    public init(_ build: (inout KeyBytes) -> Void) { self.init(); build(&self) }

    /// The encoding of `tuple`.
    public init(_ tuple: Tuple) {
        self.init()
        for e in tuple.elements { append(e) }
    }

    /// Raw key bytes (already tuple-encoded).
    public init(bytes: UnsafeRawBufferPointer) {
        self.init()
        appendRaw(bytes)
    }

    /// Raw key bytes (already tuple-encoded).
    public init(bytes: [UInt8]) {
        self.init()
        bytes.withUnsafeBytes { appendRaw($0) }
    }

    /// Calls `body` with the bytes.
    @inline(__always)
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        if let heap { return try heap.withUnsafeBytes(body) }
        let n = count
        return try withUnsafeBytes(of: storage) { all in try body(UnsafeRawBufferPointer(rebasing: all[0..<n])) }
    }

    /// The bytes as an array.
    public var array: [UInt8] { withBytes { Array($0) } }

    @inline(__always)
    mutating func appendByte(_ b: UInt8) {
        if heap == nil && count < Self.inlineCapacity {
            let i = count
            withUnsafeMutableBytes(of: &storage) { $0[i] = b }
            count += 1
            return
        }
        if heap == nil { spill() }
        heap!.append(b)
        count += 1
    }

    /// Keeps the first `n` bytes (a reused key buffer cut back to its prefix), inline again
    /// when they fit.
    @inline(__always)
    mutating func truncate(to n: Int) {
        guard n < count else { return }
        if let bytes = heap {
            // Keys of up to 48 bytes are always inline (equality and hashing rely on it).
            if n > Self.inlineCapacity { heap!.removeSubrange(n...); count = n; return }
            heap = nil; count = 0; storage = (0, 0, 0, 0, 0, 0)
            bytes.withUnsafeBytes { appendRaw(UnsafeRawBufferPointer(rebasing: $0[..<n])) }
            return
        }
        let end = count
        withUnsafeMutableBytes(of: &storage) { raw in for i in n..<end { raw[i] = 0 } }
        count = n
    }

    private mutating func spill() {
        let bytes = withBytes { Array($0) }
        storage = (0, 0, 0, 0, 0, 0)
        heap = bytes
        heap!.reserveCapacity(count * 2)
    }

    mutating func appendRaw(_ bytes: UnsafeRawBufferPointer) {
        if heap == nil && count + bytes.count <= Self.inlineCapacity {
            let at = count
            if !bytes.isEmpty {
                withUnsafeMutableBytes(of: &storage) { UnsafeMutableRawBufferPointer(rebasing: $0[at..<at + bytes.count]).copyMemory(from: bytes) }
            }
            count += bytes.count
            return
        }
        for b in bytes { appendByte(b) }
    }

    /// The first 24 bytes as three big-endian numbers: comparing them orders most keys
    /// without looking at the rest.
    var leadingWords: (UInt64, UInt64, UInt64) {
        if heap == nil { return (storage.0.byteSwapped, storage.1.byteSwapped, storage.2.byteSwapped) }
        return withBytes { raw in
            var w: [UInt64] = [0, 0, 0]
            for i in 0..<min(24, raw.count) { w[i / 8] |= UInt64(raw[i]) << (8 * UInt64(7 - i % 8)) }
            return (w[0], w[1], w[2])
        }
    }

    /// Appends another key's bytes (a tuple prefix or suffix).
    public mutating func append(contentsOf other: KeyBytes) {
        other.withBytes { appendRaw($0) }
    }

    /// Appends a tuple element.
    public mutating func append(_ element: TupleElement) {
        switch element {
        case .null: appendByte(0)
        case .bytes(let b): appendByte(0x01); for x in b { appendByte(x); if x == 0 { appendByte(0xFF) } }; appendByte(0)
        case .string(let s): append(s)
        case .int(let i): append(i)
        }
    }

    /// Appends a string element.
    public mutating func append(_ value: String) {
        appendByte(0x02)
        for x in value.utf8 { appendByte(x); if x == 0 { appendByte(0xFF) } }
        appendByte(0)
    }

    /// Appends an integer element (same encoding as ``KeyEncoder``).
    @inline(__always)
    public mutating func append(_ value: Int64) {
        let magnitude = value.magnitude
        let n = (64 - magnitude.leadingZeroBitCount + 7) / 8
        let header: UInt8
        let bits: UInt64
        if value >= 0 {
            header = UInt8(0x14 + n); bits = magnitude
        } else {
            header = UInt8(0x14 - n)
            bits = n == 8 ? ~magnitude : ((UInt64(1) << (8 * UInt64(n))) - 1) - magnitude
        }
        let at = count
        if heap == nil && at + 9 <= Self.inlineCapacity {
            // One store of the big-endian bytes: the bytes past them stay zero (as every byte
            // past `count` is), so equality and hashing see the same key as byte by byte.
            withUnsafeMutableBytes(of: &storage) { raw in
                raw[at] = header
                if n > 0 { raw.storeBytes(of: (bits << (8 * UInt64(8 - n))).bigEndian, toByteOffset: at + 1, as: UInt64.self) }
            }
            count = at + 1 + n
            return
        }
        appendByte(header)
        var i = n - 1
        while i >= 0 { appendByte(UInt8(truncatingIfNeeded: bits >> (8 * UInt64(i)))); i -= 1 }
    }

    /// Appends an integer element.
    @inline(__always)
    public mutating func append(_ value: Int) { append(Int64(value)) }
    /// Appends an integer element.
    @inline(__always)
    public mutating func append(_ value: Int32) { append(Int64(value)) }

    public static func == (a: KeyBytes, b: KeyBytes) -> Bool {
        guard a.count == b.count else { return false }
        if a.heap != nil || b.heap != nil { return a.array == b.array }
        return a.storage.0 == b.storage.0 && a.storage.1 == b.storage.1 && a.storage.2 == b.storage.2
            && a.storage.3 == b.storage.3 && a.storage.4 == b.storage.4 && a.storage.5 == b.storage.5
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(mixedWord) }

    /// The key folded into one word, for hashing: a bulk load hashes count keys by the
    /// million, and one `Hasher.combine` of a word costs a fraction of one per word. Each step
    /// is a bijection of the word folded in, so keys differing in one word never collide.
    @inline(__always)
    var mixedWord: UInt64 {
        @inline(__always) func fold(_ h: UInt64, _ w: UInt64) -> UInt64 {
            ((h << 29 | h >> 35) ^ w) &* 0x9E37_79B9_7F4A_7C15
        }
        var h = fold(0x243F_6A88_85A3_08D3, UInt64(truncatingIfNeeded: count))
        if let heap {
            for b in heap { h = fold(h, UInt64(b)) }
            return h
        }
        h = fold(h, storage.0)
        if count > 8 { h = fold(h, storage.1) }
        if count > 16 { h = fold(h, storage.2) }
        if count > 24 { h = fold(fold(fold(h, storage.3), storage.4), storage.5) }
        return h
    }

    public static func < (a: KeyBytes, b: KeyBytes) -> Bool {
        if a.heap == nil && b.heap == nil {
            // Bytes sit in memory order inside little-endian words: compare the words big-endian,
            // unused bytes are zero, so a prefix compares equal and the shorter key goes first.
            if a.storage.0 != b.storage.0 { return a.storage.0.byteSwapped < b.storage.0.byteSwapped }
            if a.storage.1 != b.storage.1 { return a.storage.1.byteSwapped < b.storage.1.byteSwapped }
            if a.storage.2 != b.storage.2 { return a.storage.2.byteSwapped < b.storage.2.byteSwapped }
            if a.storage.3 != b.storage.3 { return a.storage.3.byteSwapped < b.storage.3.byteSwapped }
            if a.storage.4 != b.storage.4 { return a.storage.4.byteSwapped < b.storage.4.byteSwapped }
            if a.storage.5 != b.storage.5 { return a.storage.5.byteSwapped < b.storage.5.byteSwapped }
            return a.count < b.count
        }
        return a.withBytes { x in b.withBytes { y in x.compareBytes(y) < 0 } }
    }

    public var description: String { (try? Tuple.decode(array).description) ?? array.description }

    /// The key as a tuple (its bytes as one element when they are not a tuple encoding).
    public var tuple: Tuple { (try? Tuple.decode(array)) ?? Tuple([.bytes(array)]) }
}

extension UnsafeRawBufferPointer {
    /// Bytewise comparison, as LMDB orders keys.
    @inline(__always)
    func compareBytes(_ other: UnsafeRawBufferPointer) -> Int {
        let n = Swift.min(count, other.count)
        if n > 0, let a = baseAddress, let b = other.baseAddress {
            let c = memcmp(a, b, n)
            if c != 0 { return Int(c) }
        }
        return count - other.count
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
