import Crypto

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
                let clearFields = try fields(clearBuffer, versioned: true, type: type)
                var clearGroups: [Int: [UInt8]] = [:]
                for f in clearFields { clearGroups[f.number, default: []].append(contentsOf: clearBuffer[f.range]) }
                var fullGroups: [Int: [UInt8]] = [:]
                for f in fullFields { fullGroups[f.number, default: []].append(contentsOf: fullBuffer[f.range]) }
                let differing = Set(fullGroups.keys.filter { fullGroups[$0] != clearGroups[$0] })
                guard !differing.isEmpty else { return clear }
                var plain: [UInt8] = []
                for f in fullFields where differing.contains(f.number) { plain.append(contentsOf: fullBuffer[f.range]) }
                let box: AES.GCM.SealedBox
                do {
                    box = try AES.GCM.seal(plain, using: key, authenticating: associatedData(type: type, id: id))
                } catch {
                    throw HosoError.sealing(what: "seal \(type) \(id)", reason: "\(error)")
                }
                guard let combined = box.combined else { throw HosoError.sealing(what: "seal \(type) \(id)", reason: "no combined form") }
                var envelope = [UInt8](); envelope.reserveCapacity(8 + combined.count)
                envelope.append(contentsOf: FixedWidth.bytes(keyID))
                envelope.append(contentsOf: combined)
                var writer = RecordWriter(formatVersion: clear[0])
                writer.write(envelopeField, bytes: envelope)
                return writer.bytes + clear.dropFirst()
            }
        }
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

    /// The whole record of sealed `bytes` opened with `key`: the clear part's fields but those
    /// the sealed fields replace, then the sealed fields.
    static func open(_ bytes: UnsafeRawBufferPointer, type: String, id: RecordID, key: SymmetricKey,
                     envelope e: (keyID: UInt64, box: UnsafeRawBufferPointer, clearStart: Int)) throws -> [UInt8] {
        let plain: [UInt8]
        do {
            let box = try AES.GCM.SealedBox(combined: e.box)
            plain = Array(try AES.GCM.open(box, using: key, authenticating: associatedData(type: type, id: id)))
        } catch {
            throw HosoError.sealing(what: "open \(type) \(id)",
                                    reason: "its sealed fields do not open with key \(String(e.keyID, radix: 16)) (\(error)): the record or the key is damaged; restore it from a backup")
        }
        return try plain.withUnsafeBytes { (plainBuffer: UnsafeRawBufferPointer) throws -> [UInt8] in
            let sealedFields = try fields(plainBuffer, versioned: false, type: type)
            let replaced = Set(sealedFields.map(\.number))
            var out = [UInt8](); out.reserveCapacity(bytes.count + plain.count)
            out.append(bytes[0])
            let rest = UnsafeRawBufferPointer(rebasing: bytes[e.clearStart...])
            for f in try fields(rest, versioned: false, type: type) where !replaced.contains(f.number) {
                out.append(contentsOf: rest[f.range])
            }
            out.append(contentsOf: plain)
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
