/// A ZIP archive of stored (uncompressed) entries, built in memory: what an `.xlsx` workbook
/// needs, with no temporary file and no dependency. Entry names are UTF-8 (flag bit 11) and
/// every entry is dated 1980-01-01 00:00, ZIP's first day, so the same content makes the same
/// bytes.
///
/// ```swift
/// var zip = StoredZip()
/// zip.add("a.txt", Array("xin chào".utf8))
/// let bytes = zip.finish()
/// print(bytes.prefix(4) == [0x50, 0x4b, 0x03, 0x04])   // true
/// ```
public struct StoredZip: Sendable {
    private var out: [UInt8] = []
    private var central: [UInt8] = []
    private var count = 0

    /// An empty archive.
    public init() {}

    /// Appends an entry named `path` holding `data`.
    public mutating func add(_ path: String, _ data: [UInt8]) {
        let name = Array(path.utf8)
        let crc = Self.crc32(data)
        let offset = UInt32(out.count)
        // Local file header.
        Self.put32(&out, 0x0403_4b50)
        Self.put16(&out, 20); Self.put16(&out, 0x0800); Self.put16(&out, 0)   // version, UTF-8 names, stored
        Self.put16(&out, 0); Self.put16(&out, 0x0021)                          // 00:00, 1980-01-01
        Self.put32(&out, crc); Self.put32(&out, UInt32(data.count)); Self.put32(&out, UInt32(data.count))
        Self.put16(&out, UInt16(name.count)); Self.put16(&out, 0)
        out += name; out += data
        // Its central directory record.
        Self.put32(&central, 0x0201_4b50)
        Self.put16(&central, 20); Self.put16(&central, 20); Self.put16(&central, 0x0800); Self.put16(&central, 0)
        Self.put16(&central, 0); Self.put16(&central, 0x0021)
        Self.put32(&central, crc); Self.put32(&central, UInt32(data.count)); Self.put32(&central, UInt32(data.count))
        Self.put16(&central, UInt16(name.count)); Self.put16(&central, 0); Self.put16(&central, 0)
        Self.put16(&central, 0); Self.put16(&central, 0); Self.put32(&central, 0)
        Self.put32(&central, offset)
        central += name
        count += 1
    }

    /// The archive's bytes: the entries, the central directory and its end record.
    public func finish() -> [UInt8] {
        var bytes = out
        let start = UInt32(bytes.count)
        bytes += central
        Self.put32(&bytes, 0x0605_4b50)
        Self.put16(&bytes, 0); Self.put16(&bytes, 0)
        Self.put16(&bytes, UInt16(count)); Self.put16(&bytes, UInt16(count))
        Self.put32(&bytes, UInt32(central.count)); Self.put32(&bytes, start)
        Self.put16(&bytes, 0)
        return bytes
    }

    private static func put16(_ b: inout [UInt8], _ v: UInt16) { b.append(UInt8(v & 0xff)); b.append(UInt8(v >> 8)) }
    private static func put32(_ b: inout [UInt8], _ v: UInt32) { for s in stride(from: 0, to: 32, by: 8) { b.append(UInt8((v >> UInt32(s)) & 0xff)) } }

    private static let table: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// The CRC-32 (ISO 3309, the one ZIP uses) of `data`.
    static func crc32(_ data: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in data { c = table[Int((c ^ UInt32(byte)) & 0xff)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}
