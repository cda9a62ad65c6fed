/// Writes a record's fields in Hoso's compact, versioned binary form.
///
/// The layout is a format-version byte followed by fields, each a varint tag
/// (`field number << 3 | wire type`) and its payload: a varint (integers, zigzag for signed,
/// booleans) or a length-prefixed byte run (strings, bytes, nested messages, packed lists).
/// Fields left at their default are not written. Readers skip field numbers they do not know,
/// so a record written by an older or newer version is still read; field numbers are never
/// reused.
///
/// ```swift
/// var writer = RecordWriter(formatVersion: 1)
/// writer.write(1, "ana")                 // a string
/// writer.write(2, Int64(20_241))         // a signed integer
/// writer.writeMessage(3) { sub in sub.write(1, "detail") }
/// print(writer.bytes.count)   // 20
/// ```
public struct RecordWriter: Sendable {
    /// The encoded bytes so far.
    public private(set) var bytes: [UInt8]

    /// Starts a record with its format version byte.
    public init(formatVersion: UInt8) { bytes = [formatVersion]; bytes.reserveCapacity(128) }
    /// Starts a nested message (no version byte).
    init() { bytes = [] }

    @inline(__always)
    mutating func varint(_ v: UInt64) {
        var v = v
        while v >= 0x80 { bytes.append(UInt8(truncatingIfNeeded: v) | 0x80); v >>= 7 }
        bytes.append(UInt8(v))
    }
    @inline(__always)
    mutating func tag(_ field: Int, _ wire: UInt64) {
        precondition(field > 0, "field numbers start at 1")
        varint(UInt64(field) << 3 | wire)
    }

    /// Writes a signed integer (zigzag varint); zero is omitted.
    public mutating func write(_ field: Int, _ value: Int64) {
        guard value != 0 else { return }
        tag(field, 0); varint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }
    /// Writes a signed integer; zero is omitted.
    public mutating func write(_ field: Int, _ value: Int) { write(field, Int64(value)) }
    /// Writes an unsigned integer (varint); zero is omitted.
    public mutating func write(_ field: Int, _ value: UInt64) {
        guard value != 0 else { return }
        tag(field, 0); varint(value)
    }
    /// Writes an optional signed integer: `nil` is omitted, zero is written.
    public mutating func write(_ field: Int, _ value: Int64?) {
        guard let value else { return }
        tag(field, 0); varint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }
    /// Writes a boolean; `false` is omitted.
    public mutating func write(_ field: Int, _ value: Bool) {
        guard value else { return }
        tag(field, 0); varint(1)
    }
    /// Writes a string; `nil` is omitted (the empty string is written).
    public mutating func write(_ field: Int, _ value: String?) {
        guard var text = value else { return }
        text.withUTF8 { write(field, bytes: UnsafeRawBufferPointer($0)) }
    }
    /// Writes bytes.
    public mutating func write(_ field: Int, bytes value: UnsafeRawBufferPointer) {
        tag(field, 2); varint(UInt64(value.count)); bytes.append(contentsOf: value)
    }
    /// Writes bytes.
    public mutating func write(_ field: Int, bytes value: [UInt8]) {
        value.withUnsafeBytes { write(field, bytes: $0) }
    }
    /// Writes a list of signed integers packed into one field; an empty list is omitted.
    public mutating func write(_ field: Int, packed values: [Int64]) {
        guard !values.isEmpty else { return }
        var sub = RecordWriter()
        for v in values { sub.varint(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }
        write(field, bytes: sub.bytes)
    }
    /// Writes a nested message built by `body`, in place: one length byte is reserved and
    /// widened afterwards only for messages of 128 bytes or more.
    public mutating func writeMessage(_ field: Int, _ body: (inout RecordWriter) -> Void) {
        tag(field, 2)
        let lengthAt = bytes.count
        bytes.append(0)
        body(&self)
        let length = bytes.count - lengthAt - 1
        if length < 0x80 {
            bytes[lengthAt] = UInt8(length)
        } else {
            var prefix: [UInt8] = []
            var v = UInt64(length)
            while v >= 0x80 { prefix.append(UInt8(truncatingIfNeeded: v) | 0x80); v >>= 7 }
            prefix.append(UInt8(v))
            bytes.replaceSubrange(lengthAt...lengthAt, with: prefix)
        }
    }

    /// Makes room for `n` bytes in all, for a record whose size is known ahead.
    mutating func reserveCapacity(_ n: Int) { bytes.reserveCapacity(n) }

    /// Empties the writer for reuse, keeping its format version byte and capacity.
    public mutating func reset(formatVersion: UInt8) {
        bytes.removeAll(keepingCapacity: true)
        bytes.append(formatVersion)
    }
}

/// Reads fields written by ``RecordWriter``. Zero-copy: it walks the stored bytes directly.
///
/// ```swift
/// var author = "", written: Int64 = 0
/// try note.encoded().withUnsafeBytes { bytes in
///     var reader = try RecordReader(bytes, recordType: "note")
///     while let field = try reader.next() {
///         switch field.number {
///         case 1: author = try field.string()
///         case 4: written = try field.int64()
///         default: break            // a field this reader does not know: skipped
///         }
///     }
/// }
/// print(author, written)   // ben 20284
/// ```
public struct RecordReader {
    /// The record's format version byte (0 for nested messages).
    public let formatVersion: UInt8
    let buffer: UnsafeRawBufferPointer
    var offset: Int
    let context: String

    /// Starts reading a stored record. `recordType` names it in errors.
    public init(_ buffer: UnsafeRawBufferPointer, recordType: String) throws(HosoError) {
        guard buffer.count >= 1 else { throw HosoError.corruptRecord(type: recordType, id: nil, reason: "empty value") }
        self.buffer = buffer; self.formatVersion = buffer[0]; self.offset = 1; self.context = recordType
    }

    init(nested buffer: UnsafeRawBufferPointer, context: String) {
        self.buffer = buffer; self.formatVersion = 0; self.offset = 0; self.context = context
    }

    /// One field: its number and payload.
    public struct Field {
        /// The field number.
        public let number: Int
        let wire: UInt8
        let scalar: UInt64
        let payload: UnsafeRawBufferPointer

        func mismatch(_ expected: String) -> HosoError {
            // The record type and id are filled in by `StoredRecord.decode`.
            .corruptRecord(type: "", id: nil, reason: "field \(number) is not \(expected)")
        }
        /// The field as a signed integer.
        public func int64() throws(HosoError) -> Int64 {
            guard wire == 0 else { throw mismatch("an integer") }
            return Int64(bitPattern: scalar >> 1) ^ -Int64(bitPattern: scalar & 1)
        }
        /// The field as a signed integer.
        public func int() throws(HosoError) -> Int { Int(try int64()) }
        /// The field as an unsigned integer.
        public func uint64() throws(HosoError) -> UInt64 {
            guard wire == 0 else { throw mismatch("an integer") }
            return scalar
        }
        /// The field as a boolean.
        public func bool() throws(HosoError) -> Bool { try uint64() != 0 }
        /// The field as a UTF-8 string.
        public func string() throws(HosoError) -> String {
            guard wire == 2 else { throw mismatch("a string") }
            return String(decoding: payload, as: UTF8.self)
        }
        /// The field's bytes, valid as long as the underlying buffer.
        public func bytes() throws(HosoError) -> UnsafeRawBufferPointer {
            guard wire == 2 else { throw mismatch("bytes") }
            return payload
        }
        /// The field as a packed list of signed integers.
        public func packedInt64() throws(HosoError) -> [Int64] {
            guard wire == 2 else { throw mismatch("a packed list") }
            var sub = RecordReader(nested: payload, context: "")
            var out: [Int64] = []
            while sub.offset < payload.count {
                let v = try sub.varint()
                out.append(Int64(bitPattern: v >> 1) ^ -Int64(bitPattern: v & 1))
            }
            return out
        }
        /// The field as a nested message.
        public func message() throws(HosoError) -> RecordReader {
            guard wire == 2 else { throw mismatch("a message") }
            return RecordReader(nested: payload, context: "")
        }
    }

    @inline(__always)
    mutating func varint() throws(HosoError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while offset < buffer.count {
            let b = buffer[offset]; offset += 1
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
            if shift > 63 { break }
        }
        throw HosoError.corruptRecord(type: context, id: nil, reason: "truncated or overlong varint at byte \(offset)")
    }

    /// The next field, or `nil` at the end.
    public mutating func next() throws(HosoError) -> Field? {
        guard offset < buffer.count else { return nil }
        let tag = try varint()
        let number = Int(tag >> 3)
        let wire = UInt8(tag & 7)
        switch wire {
        case 0:
            return Field(number: number, wire: 0, scalar: try varint(), payload: UnsafeRawBufferPointer(start: nil, count: 0))
        case 2:
            let length = Int(try varint())
            guard length >= 0, offset + length <= buffer.count else {
                throw HosoError.corruptRecord(type: context, id: nil, reason: "field \(number) runs past the end")
            }
            let payload = UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + length])
            offset += length
            return Field(number: number, wire: 2, scalar: 0, payload: payload)
        default:
            throw HosoError.corruptRecord(type: context, id: nil, reason: "unknown wire type \(wire) in field \(number)")
        }
    }
}
