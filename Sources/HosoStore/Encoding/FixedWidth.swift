/// Big-endian fixed-width integers for keys and packed index values: they sort bytewise in
/// numeric order (signed values with the sign bit flipped).
enum FixedWidth {
    @inline(__always)
    static func append(_ v: UInt64, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: v.bigEndian) { bytes.append(contentsOf: $0) }
    }
    @inline(__always)
    static func append(_ v: Int32, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: (UInt32(bitPattern: v) ^ 0x8000_0000).bigEndian) { bytes.append(contentsOf: $0) }
    }
    @inline(__always)
    static func uint64(_ buffer: UnsafeRawBufferPointer, at offset: Int = 0) -> UInt64 {
        UInt64(bigEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
    @inline(__always)
    static func int32(_ buffer: UnsafeRawBufferPointer, at offset: Int) -> Int32 {
        Int32(bitPattern: UInt32(bigEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) ^ 0x8000_0000)
    }
    @inline(__always)
    static func bytes(_ v: UInt64) -> [UInt8] { var b: [UInt8] = []; b.reserveCapacity(8); append(v, to: &b); return b }

    /// Counters are stored little-endian signed 64-bit (they are values, never compared as keys).
    @inline(__always)
    static func counter(_ buffer: UnsafeRawBufferPointer) -> Int64 {
        buffer.count == 8 ? Int64(littleEndian: buffer.loadUnaligned(as: Int64.self)) : 0
    }
    @inline(__always)
    static func counterBytes(_ v: Int64) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
}
