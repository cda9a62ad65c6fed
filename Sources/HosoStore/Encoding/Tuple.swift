/// One element of a ``Tuple`` key.
///
/// ```swift
/// let key: Tuple = ["ana", 20_241]   // .string("ana"), .int(20_241)
/// print(key)   // ("ana", 20241)
/// ```
public enum TupleElement: Hashable, Sendable, CustomStringConvertible, ExpressibleByIntegerLiteral, ExpressibleByStringLiteral {
    /// Sorts before everything.
    case null
    /// Arbitrary bytes, sorted bytewise.
    case bytes([UInt8])
    /// A string, sorted by its UTF-8 bytes.
    case string(String)
    /// A signed integer, sorted numerically.
    case int(Int64)

    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(stringLiteral value: String) { self = .string(value) }

    public var description: String {
        switch self {
        case .null: "null"
        case .bytes(let b): "0x" + b.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
        case .string(let s): "\"\(s)\""
        case .int(let i): String(i)
        }
    }

    /// The integer, when this is one.
    public var intValue: Int64? { if case .int(let i) = self { return i }; return nil }
    /// The string, when this is one.
    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
}

extension String {
    func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}

/// An order-preserving composite key: tuples compare element by element, and their encodings
/// compare bytewise in the same order, so every index question is a prefix or range scan.
///
/// The encoding follows FoundationDB's tuple layer: a type byte, then for integers their
/// minimal big-endian bytes (the type byte carries the length and sign), for strings and bytes
/// the content with `0x00` escaped as `0x00 0xFF` and a `0x00` terminator. A tuple's encoding
/// is a prefix of the encoding of every tuple that extends it.
///
/// ```swift
/// let author: Tuple = ["ana"]
/// let key: Tuple = ["ana", 20_241]
/// print(key.encoded.starts(with: author.encoded))   // true
/// print(key.encoded)   // [2, 97, 110, 97, 0, 22, 79, 17]
/// ```
public struct Tuple: Hashable, Sendable, ExpressibleByArrayLiteral, CustomStringConvertible {
    /// The elements, in order.
    public var elements: [TupleElement]

    /// Creates a tuple.
    public init(_ elements: [TupleElement]) { self.elements = elements }
    public init(arrayLiteral elements: TupleElement...) { self.elements = elements }

    /// The tuple's key bytes.
    public var encoded: [UInt8] {
        var encoder = KeyEncoder()
        for element in elements { encoder.append(element) }
        return encoder.bytes
    }

    /// A tuple extended by `other`'s elements.
    public func appending(_ other: Tuple) -> Tuple { Tuple(elements + other.elements) }
    /// A tuple extended by one element.
    public func appending(_ element: TupleElement) -> Tuple { Tuple(elements + [element]) }

    /// Decodes key bytes; throws ``HosoError/corruptKey(_:)`` on malformed input.
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(HosoError) -> Tuple {
        var decoder = KeyDecoder(bytes)
        var elements: [TupleElement] = []
        while !decoder.isAtEnd { elements.append(try decoder.next()) }
        return Tuple(elements)
    }

    /// Decodes key bytes.
    public static func decode(_ bytes: [UInt8]) throws(HosoError) -> Tuple {
        var result: Result<Tuple, HosoError> = .success([])
        bytes.withUnsafeBytes { raw in
            do throws(HosoError) { result = .success(try decode(raw)) } catch { result = .failure(error) }
        }
        return try result.get()
    }

    public var description: String { "(" + elements.map(\.description).joined(separator: ", ") + ")" }
}

/// Appends tuple elements to key bytes without building ``Tuple`` values (the hot path).
///
/// ```swift
/// var key = KeyEncoder()
/// key.append("ana"); key.append(20_241)
/// print(key.bytes == Tuple(["ana", 20_241]).encoded)   // true
/// ```
public struct KeyEncoder: Sendable {
    /// The bytes so far.
    public var bytes: [UInt8]

    /// Starts a key, optionally after existing bytes.
    public init(prefix: [UInt8] = []) { bytes = prefix; bytes.reserveCapacity(prefix.count + 24) }

    /// Appends an element.
    public mutating func append(_ element: TupleElement) {
        switch element {
        case .null: bytes.append(0x00)
        case .bytes(let b): appendEscaped(type: 0x01, b)
        case .string(let s): appendEscaped(type: 0x02, s.utf8)
        case .int(let i): append(i)
        }
    }

    /// Appends an integer element.
    public mutating func append(_ value: Int64) {
        if value == 0 { bytes.append(0x14); return }
        let magnitude = value.magnitude
        let n = (64 - magnitude.leadingZeroBitCount + 7) / 8
        let header: UInt8, bits: UInt64
        if value > 0 {
            (header, bits) = (UInt8(0x14 + n), magnitude)
        } else {
            // One's complement of the magnitude within n bytes sorts larger magnitudes first.
            (header, bits) = (UInt8(0x14 - n), n == 8 ? ~magnitude : ((UInt64(1) << (8 * UInt64(n))) - 1) - magnitude)
        }
        if n == 8 {
            bytes.append(header)
            var all = bits.bigEndian
            withUnsafeBytes(of: &all) { bytes.append(contentsOf: $0) }
            return
        }
        // The header and the n low bytes, big-endian, in one append.
        var word = (UInt64(header) << (8 * UInt64(n)) | bits).bigEndian
        withUnsafeBytes(of: &word) { bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: $0[(7 - n)...])) }
    }

    /// Appends an integer element.
    public mutating func append(_ value: Int) { append(Int64(value)) }
    /// Appends an integer element.
    public mutating func append(_ value: Int32) { append(Int64(value)) }
    /// Appends a string element.
    public mutating func append(_ value: String) { appendEscaped(type: 0x02, value.utf8) }
    /// Appends already-encoded tuple bytes (a whole tuple's encoding).
    public mutating func append(encoded: [UInt8]) { bytes.append(contentsOf: encoded) }

    private mutating func appendEscaped<S: Sequence<UInt8>>(type: UInt8, _ content: S) {
        bytes.append(type)
        for b in content {
            bytes.append(b)
            if b == 0 { bytes.append(0xFF) }
        }
        bytes.append(0x00)
    }
}

/// Reads tuple elements from key bytes.
struct KeyDecoder {
    let buffer: UnsafeRawBufferPointer
    var offset = 0
    init(_ buffer: UnsafeRawBufferPointer) { self.buffer = buffer }
    var isAtEnd: Bool { offset >= buffer.count }

    mutating func next() throws(HosoError) -> TupleElement {
        let type = buffer[offset]; offset += 1
        switch type {
        case 0x00: return .null
        case 0x01: return .bytes(try unescaped())
        case 0x02: return .string(String(decoding: try unescaped(), as: UTF8.self))
        case 0x0C...0x1C:
            let n = Int(type) - 0x14
            let count = abs(n)
            guard offset + count <= buffer.count else { throw HosoError.corruptKey("integer runs past the end of the key") }
            var v: UInt64 = 0
            for i in 0..<count { v = v << 8 | UInt64(buffer[offset + i]) }
            offset += count
            if n >= 0 { return .int(Int64(bitPattern: v)) }
            let magnitude = count == 8 ? ~v : ((UInt64(1) << (8 * UInt64(count))) - 1) - v
            return .int(magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude))
        default:
            throw HosoError.corruptKey("unknown tuple type byte 0x\(String(type, radix: 16)) at offset \(offset - 1)")
        }
    }

    private mutating func unescaped() throws(HosoError) -> [UInt8] {
        var out: [UInt8] = []
        while offset < buffer.count {
            let b = buffer[offset]; offset += 1
            if b == 0 {
                if offset < buffer.count && buffer[offset] == 0xFF { out.append(0); offset += 1; continue }
                return out
            }
            out.append(b)
        }
        throw HosoError.corruptKey("unterminated string or bytes element")
    }
}
