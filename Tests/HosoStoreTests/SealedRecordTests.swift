import Crypto
import Testing
@testable import HosoStore

/// The sealed stored form against a model: random records, random clear parts, and the opened
/// record compared field group by field group with the whole one.
@Suite struct SealedRecordTests {
    /// A field of a random record: its number and its value (an integer or bytes).
    struct Field: Equatable { var number: Int; var int: UInt64?; var bytes: [UInt8]? }

    static func encode(_ fields: [Field]) -> [UInt8] {
        var w = RecordWriter(formatVersion: 3)
        for f in fields {
            if let v = f.int { w.write(f.number, v) } else { w.write(f.number, bytes: f.bytes ?? []) }
        }
        return w.bytes
    }

    /// The groups of an encoding: every field number's fields' bytes, in order.
    static func groups(_ bytes: [UInt8]) throws -> [Int: [[UInt8]]] {
        try bytes.withUnsafeBytes { buffer in
            var out: [Int: [[UInt8]]] = [:]
            for f in try SealedRecord.fields(buffer, versioned: true, type: "t") where f.number != SealedRecord.envelopeField {
                out[f.number, default: []].append(Array(buffer[f.range]))
            }
            return out
        }
    }

    static func randomFields(_ rng: inout SplitMix64) -> [Field] {
        (0..<Int(rng.next() % 14)).map { _ in
            // Numbers below and above 64 (the opened path's two kinds of sets), often repeated.
            let number = [1, 2, 3, 5, 8, 14, 18, 63, 64, 70, 130][Int(rng.next() % 11)]
            return rng.next() % 2 == 0
                ? Field(number: number, int: 1 + rng.next() % 1000, bytes: nil)
                : Field(number: number, int: nil, bytes: (0..<Int(rng.next() % 40)).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
        }
    }

    @Test(arguments: [1 as UInt64, 7, 2024])
    func openedRecordsEqualTheWholeOneGroupByGroup(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let key = SymmetricKey(size: .bits256)
        for step in 0..<400 {
            var full = Self.randomFields(&rng)
            // Half the records written in field order, as record types write them.
            let ordered = step % 2 == 0
            if ordered { full = full.enumerated().sorted { ($0.element.number, $0.offset) < ($1.element.number, $1.offset) }.map(\.element) }
            // The clear part: some groups dropped, some changed, the rest kept.
            let numbers = Set(full.map(\.number))
            var clear: [Field] = []
            var dropped = Set<Int>(), changed = Set<Int>()
            for n in numbers {
                switch rng.next() % 3 {
                case 0: dropped.insert(n)
                case 1: changed.insert(n)
                default: break
                }
            }
            for f in full where !dropped.contains(f.number) {
                clear.append(changed.contains(f.number) ? Field(number: f.number, int: nil, bytes: []) : f)
            }
            let fullBytes = Self.encode(full), clearBytes = Self.encode(clear)
            let id = rng.next() % 10_000
            let stored = try SealedRecord.seal(full: fullBytes, clear: clearBytes, type: "t", id: id, keyID: 42, key: key)
            let expectedSealed = try Self.groups(fullBytes) != Self.groups(clearBytes)
            try stored.withUnsafeBytes { buffer in
                #expect(SealedRecord.isSealed(buffer) == expectedSealed, "seed \(seed) step \(step)")
                // A reader without the key sees the clear part.
                #expect(try Self.groups(SealedRecord.clearPart(buffer, type: "t")) == Self.groups(clearBytes), "seed \(seed) step \(step)")
                guard expectedSealed else { #expect(stored == clearBytes); return }
                let e = try SealedRecord.envelope(buffer, type: "t")
                #expect(e.keyID == 42)
                let opened = try SealedRecord.open(buffer, type: "t", id: id, key: key, envelope: e)
                #expect(try Self.groups(opened) == Self.groups(fullBytes), "seed \(seed) step \(step): \(full) / \(clear)")
                #expect(opened[0] == 3)
                // A record written in field order opens in field order: the very bytes unsealed.
                if ordered { #expect(opened == fullBytes, "seed \(seed) step \(step): \(full) / \(clear)") }
                // The envelope is bound to its record: another id or key does not open it.
                #expect(throws: HosoError.self) { try SealedRecord.open(buffer, type: "t", id: id + 1, key: key, envelope: e) }
                #expect(throws: HosoError.self) { try SealedRecord.open(buffer, type: "u", id: id, key: key, envelope: e) }
                #expect(throws: HosoError.self) {
                    try SealedRecord.open(buffer, type: "t", id: id, key: SymmetricKey(size: .bits256), envelope: e)
                }
            }
        }
    }

    /// Blind digests against RFC 4231's HMAC-SHA256 test case 2 (key "Jefe"): the index keys of
    /// tenants sealed before must stay what they were.
    @Test func blindDigestsAreTheFirstHalfOfHMACSHA256InHex() {
        let key = SymmetricKey(data: Array("Jefe".utf8))
        let expected = "#5bdcc146bf60754e6a042426089575c7"
        #expect(BlindDigest.of("what do ya want for nothing?", key: key) == expected)
        let prepared = HMAC<SHA256>(key: key)
        #expect(BlindDigest.of("what do ya want for nothing?", using: prepared) == expected)
        // The prepared HMAC is copied, not fed: it digests the next value afresh.
        #expect(BlindDigest.of("what do ya want for nothing?", using: prepared) == expected)
        #expect(BlindDigest.of("020091000123", using: prepared) != expected)
    }

    /// The opened records kept against a model: a hit only for the very stored bytes, the
    /// bytes kept never over the budget, the newest entries kept.
    @Test func openedRecordsAreKeptForTheVeryStoredBytesWithinTheBudget() {
        let cache = OpenedRecords(budget: 10_000)
        var rng = SplitMix64(seed: 99)
        var stored: [RecordID: [UInt8]] = [:]
        for step in 0..<2_000 {
            let id = RecordID(rng.next() % 200)
            let bytes = (0..<(20 + Int(rng.next() % 60))).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let opened = bytes.reversed() + [1, 2, 3]
            if rng.next() % 3 == 0 || stored[id] == nil {
                stored[id] = bytes
                bytes.withUnsafeBytes { cache.keep("t", id: id, stored: $0, opened: Array(opened)) }
            }
            let current = stored[id]!
            let hit = current.withUnsafeBytes { cache.opened("t", id: id, stored: $0) }
            // The entry just kept or read is found, and it is what was opened from these bytes.
            if let hit { #expect(hit == current.reversed() + [1, 2, 3], "step \(step)") }
            // Other bytes under the same id, or another type, never hit.
            var changed = current; changed[0] ^= 0xff
            #expect(changed.withUnsafeBytes { cache.opened("t", id: id, stored: $0) } == nil, "step \(step)")
            #expect(current.withUnsafeBytes { cache.opened("u", id: id, stored: $0) } == nil, "step \(step)")
        }
        // The last record kept is found; with no budget nothing is.
        let last = stored.first!
        last.value.withUnsafeBytes { cache.keep("t", id: last.key, stored: $0, opened: [7]) }
        #expect(last.value.withUnsafeBytes { cache.opened("t", id: last.key, stored: $0) } == [7])
        #expect(cache.keptBytes <= 10_000)
        // A record read between every keep of others stays kept (the hand spares it).
        let hot: [UInt8] = Array(repeating: 5, count: 40)
        hot.withUnsafeBytes { cache.keep("t", id: 10_000, stored: $0, opened: [9]) }
        for i in 0..<500 {
            #expect(hot.withUnsafeBytes { cache.opened("t", id: 10_000, stored: $0) } == [9], "after \(i) others")
            let other = (0..<60).map { UInt8(truncatingIfNeeded: $0 &+ i) }
            other.withUnsafeBytes { cache.keep("t", id: RecordID(20_000 + i), stored: $0, opened: [1]) }
            #expect(cache.keptBytes <= 10_000)
        }
        // One not read again is gone once the others outgrow the budget.
        #expect((0..<60).map { UInt8(truncatingIfNeeded: $0) }.withUnsafeBytes { cache.opened("t", id: 20_000, stored: $0) } == nil)
        let none = OpenedRecords(budget: 0)
        last.value.withUnsafeBytes { none.keep("t", id: last.key, stored: $0, opened: [7]) }
        #expect(last.value.withUnsafeBytes { none.opened("t", id: last.key, stored: $0) } == nil)
    }
}
