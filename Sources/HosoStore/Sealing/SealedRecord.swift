import Crypto
import Foundation

/// The stored form of a record whose personal fields are sealed: its format version byte, an
/// envelope field (number ``envelopeField``, first after the version byte) holding the key's id
/// and the AES-GCM sealed fields, then the record's clear part (the record as
/// ``StoredRecord/withoutSealedFields()`` leaves it). A reader without the key skips the
/// envelope like any unknown field and decodes the clear part: what indexes, counts and a role
/// without personal fields need. With the key, the sealed fields replace the clear part's
/// fields of the same numbers.
///
/// Which fields are sealed is found by comparing the whole record's encoding with the clear
/// part's, field number by field number: every group of fields that differs is sealed whole
/// (a repeated field with one changed element, all its elements).
enum SealedRecord {
    /// The envelope's field number, reserved for the engine (record types number their fields
    /// far below it).
    static let envelopeField = 1 << 20
    /// The envelope's tag bytes: `envelopeField << 3 | 2` as a varint.
    static let envelopeTag: [UInt8] = {
        var w = RecordWriter(formatVersion: 0)
        w.tag(envelopeField, 2)
        return Array(w.bytes.dropFirst())
    }()

    /// Whether `bytes` are a sealed record (an envelope right after the version byte).
    @inline(__always)
    static func isSealed(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let tag = envelopeTag
        guard bytes.count > tag.count + 1 else { return false }
        for i in 0..<tag.count where bytes[1 + i] != tag[i] { return false }
        return true
    }

    /// The fields of a record or message, as `(number, byte range)` in order (after the
    /// version byte when `versioned`).
    static func fields(_ bytes: UnsafeRawBufferPointer, versioned: Bool, type: String) throws(HosoError) -> [(number: Int, range: Range<Int>)] {
        var reader = versioned ? try RecordReader(bytes, recordType: type) : RecordReader(nested: bytes, context: type)
        var out: [(Int, Range<Int>)] = []
        var start = reader.offset
        while let f = try reader.next() {
            out.append((f.number, start..<reader.offset))
            start = reader.offset
        }
        return out
    }

    /// What authenticates a sealed envelope besides its key: the record type and id, so an
    /// envelope copied onto another record does not open.
    static func associatedData(type: String, id: RecordID) -> [UInt8] {
        Array(type.utf8) + [0] + FixedWidth.bytes(id)
    }

    /// The stored form of a record whose whole encoding is `full` and whose clear part is
    /// `clear`, sealed under `key` (id `keyID`); `clear` itself when the two do not differ.
    static func seal(full: [UInt8], clear: [UInt8], type: String, id: RecordID, keyID: UInt64, key: SymmetricKey) throws -> [UInt8] {
        try full.withUnsafeBytes { fullBuffer in
            try clear.withUnsafeBytes { clearBuffer in
                let fullFields = try fields(fullBuffer, versioned: true, type: type)
                let differing = differingNumbers(fullBuffer, fullFields, clearBuffer, try fields(clearBuffer, versioned: true, type: type))
                guard !differing.isEmpty else { return clear }
                var plain: [UInt8] = []; plain.reserveCapacity(full.count)
                for f in fullFields where differing.contains(f.number) { plain.append(contentsOf: UnsafeRawBufferPointer(rebasing: fullBuffer[f.range])) }
                let box: AES.GCM.SealedBox
                do {
                    box = try withAssociatedData(type: type, id: id) { try AES.GCM.seal(plain, using: key, authenticating: $0) }
                } catch {
                    throw HosoError.sealing(what: "seal \(type) \(id)", reason: "\(error)")
                }
                guard let combined = box.combined else { throw HosoError.sealing(what: "seal \(type) \(id)", reason: "no combined form") }
                var writer = RecordWriter(formatVersion: clear[0])
                writer.tag(envelopeField, 2)
                writer.varint(UInt64(8 + combined.count))
                var out = writer.bytes
                out.reserveCapacity(out.count + 8 + combined.count + clear.count)
                FixedWidth.append(keyID, to: &out)
                out.append(contentsOf: combined)
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: clearBuffer[1...]))
                return out
            }
        }
    }

    /// The field numbers whose groups (every field of the number, in order) differ between
    /// two encodings of a record.
    static func differingNumbers(_ a: UnsafeRawBufferPointer, _ aFields: [(number: Int, range: Range<Int>)],
                                 _ b: UnsafeRawBufferPointer, _ bFields: [(number: Int, range: Range<Int>)]) -> Set<Int> {
        // Stable by number: each group's fields stay in their order.
        let x = aFields.indices.sorted { (aFields[$0].number, $0) < (aFields[$1].number, $1) }
        let y = bFields.indices.sorted { (bFields[$0].number, $0) < (bFields[$1].number, $1) }
        var out = Set<Int>()
        var i = 0, j = 0
        while i < x.count || j < y.count {
            let n = min(i < x.count ? aFields[x[i]].number : .max, j < y.count ? bFields[y[j]].number : .max)
            var same = true
            while i < x.count, aFields[x[i]].number == n, j < y.count, bFields[y[j]].number == n {
                let ra = aFields[x[i]].range, rb = bFields[y[j]].range
                if ra.count != rb.count || memcmp(a.baseAddress! + ra.lowerBound, b.baseAddress! + rb.lowerBound, ra.count) != 0 { same = false }
                i += 1; j += 1
            }
            if (i < x.count && aFields[x[i]].number == n) || (j < y.count && bFields[y[j]].number == n) { same = false }
            while i < x.count, aFields[x[i]].number == n { i += 1 }
            while j < y.count, bFields[y[j]].number == n { j += 1 }
            if !same { out.insert(n) }
        }
        return out
    }

    /// The envelope of sealed `bytes`: the key id, the sealed box and where the clear part starts.
    static func envelope(_ bytes: UnsafeRawBufferPointer, type: String) throws(HosoError) -> (keyID: UInt64, box: UnsafeRawBufferPointer, clearStart: Int) {
        var reader = try RecordReader(bytes, recordType: type)
        guard let f = try reader.next(), f.number == envelopeField else {
            throw HosoError.corruptRecord(type: type, id: nil, reason: "the sealed envelope is missing")
        }
        let payload = try f.bytes()
        guard payload.count > 8 + 12 + 16 else { throw HosoError.corruptRecord(type: type, id: nil, reason: "the sealed envelope is truncated") }
        let keyID = FixedWidth.uint64(UnsafeRawBufferPointer(rebasing: payload[0..<8]))
        return (keyID, UnsafeRawBufferPointer(rebasing: payload[8...]), reader.offset)
    }

    /// The key id sealed `bytes` were sealed under, or `nil` for a record stored in clear.
    static func keyID(_ bytes: UnsafeRawBufferPointer, type: String) throws(HosoError) -> UInt64? {
        guard isSealed(bytes) else { return nil }
        return try envelope(bytes, type: type).keyID
    }

    /// Hands `body` the associated data of a record's envelope (see ``associatedData(type:id:)``)
    /// without allocating it.
    @inline(__always)
    static func withAssociatedData<T>(type: String, id: RecordID, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        var name = type
        return try name.withUTF8 { utf8 in
            try withUnsafeTemporaryAllocation(byteCount: utf8.count + 9, alignment: 1) { buffer in
                UnsafeMutableRawBufferPointer(rebasing: buffer[0..<utf8.count]).copyMemory(from: UnsafeRawBufferPointer(utf8))
                buffer[utf8.count] = 0
                withUnsafeBytes(of: id.bigEndian) { UnsafeMutableRawBufferPointer(rebasing: buffer[(utf8.count + 1)...]).copyMemory(from: $0) }
                return try body(UnsafeRawBufferPointer(buffer))
            }
        }
    }

    /// The field numbers of a message, as a set that costs no allocation for numbers below 64.
    struct FieldNumbers {
        private var low: UInt64 = 0
        private var high: [Int] = []

        init(of message: UnsafeRawBufferPointer, type: String) throws(HosoError) {
            var reader = RecordReader(nested: message, context: type)
            while let f = try reader.next() {
                if f.number < 64 { low |= 1 << UInt64(f.number) } else if !high.contains(f.number) { high.append(f.number) }
            }
        }

        @inline(__always)
        func contains(_ number: Int) -> Bool {
            number < 64 ? low & (1 << UInt64(number)) != 0 : high.contains(number)
        }
    }

    /// The whole record of sealed `bytes` opened with `key`: the clear part's fields but those
    /// the sealed fields replace, then the sealed fields. One allocation besides the decryption.
    static func open(_ bytes: UnsafeRawBufferPointer, type: String, id: RecordID, key: SymmetricKey,
                     envelope e: (keyID: UInt64, box: UnsafeRawBufferPointer, clearStart: Int)) throws -> [UInt8] {
        let plain: Data
        do {
            // The box is read where it is stored (the map, for as long as the transaction
            // lives): no copy.
            let stored = Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: e.box.baseAddress!), count: e.box.count, deallocator: .none)
            let box = try AES.GCM.SealedBox(combined: stored)
            plain = try withAssociatedData(type: type, id: id) { try AES.GCM.open(box, using: key, authenticating: $0) }
        } catch {
            throw HosoError.sealing(what: "open \(type) \(id)",
                                    reason: "its sealed fields do not open with key \(String(e.keyID, radix: 16)) (\(error)): the record or the key is damaged; restore it from a backup")
        }
        return try plain.withUnsafeBytes { (plainBuffer: UnsafeRawBufferPointer) throws -> [UInt8] in
            let sealed = try FieldNumbers(of: plainBuffer, type: type)
            let rest = UnsafeRawBufferPointer(rebasing: bytes[e.clearStart...])
            var out = [UInt8](); out.reserveCapacity(1 + rest.count + plainBuffer.count)
            out.append(bytes[0])
            // The clear part's fields but those the sealed ones replace, merged with the sealed
            // fields by number: a record written in field order opens in field order (what
            // readers of stored bytes that stop early rely on), the same bytes as unsealed.
            var clear = RecordReader(nested: rest, context: type), inner = RecordReader(nested: plainBuffer, context: type)
            func nextClear() throws(HosoError) -> (number: Int, range: Range<Int>)? {
                while true {
                    let start = clear.offset
                    guard let f = try clear.next() else { return nil }
                    if !sealed.contains(f.number) { return (f.number, start..<clear.offset) }
                }
            }
            func nextSealed() throws(HosoError) -> (number: Int, range: Range<Int>)? {
                let start = inner.offset
                guard let f = try inner.next() else { return nil }
                return (f.number, start..<inner.offset)
            }
            // Runs of adjacent fields of one side are copied at once.
            var run: (fromClear: Bool, range: Range<Int>)? = nil
            func flush() {
                guard let r = run else { return }
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: (r.fromClear ? rest : plainBuffer)[r.range]))
            }
            var c = try nextClear(), q = try nextSealed()
            while c != nil || q != nil {
                let fromClear = q == nil || (c != nil && c!.number <= q!.number)
                let piece = fromClear ? c!.range : q!.range
                if let r = run, r.fromClear == fromClear, r.range.upperBound == piece.lowerBound {
                    run = (fromClear, r.range.lowerBound..<piece.upperBound)
                } else {
                    flush()
                    run = (fromClear, piece)
                }
                if fromClear { c = try nextClear() } else { q = try nextSealed() }
            }
            flush()
            return out
        }
    }

    /// The clear part of sealed `bytes` (the envelope dropped): what a deletion keeps before
    /// its own redaction, and what a record re-sealed under another key starts from.
    static func clearPart(_ bytes: UnsafeRawBufferPointer, type: String) throws(HosoError) -> [UInt8] {
        guard isSealed(bytes) else { return Array(bytes) }
        let e = try envelope(bytes, type: type)
        return [bytes[0]] + Array(bytes[e.clearStart...])
    }
}
