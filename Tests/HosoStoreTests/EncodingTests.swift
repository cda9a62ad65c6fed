import Foundation
import Testing
@testable import HosoStore

/// Orders tuples element by element: the oracle the byte encoding must agree with.
func tupleLess(_ a: Tuple, _ b: Tuple) -> Bool {
    func rank(_ e: TupleElement) -> Int {
        switch e { case .null: 0; case .bytes: 1; case .string: 2; case .int: 3 }
    }
    for (x, y) in zip(a.elements, b.elements) {
        if rank(x) != rank(y) { return rank(x) < rank(y) }
        switch (x, y) {
        case let (.int(p), .int(q)): if p != q { return p < q }
        case let (.string(p), .string(q)): if p != q { return Array(p.utf8).lexicographicallyPrecedes(Array(q.utf8)) }
        case let (.bytes(p), .bytes(q)): if p != q { return p.lexicographicallyPrecedes(q) }
        default: break
        }
    }
    return a.elements.count < b.elements.count
}

@Suite struct TupleEncodingTests {
    func randomElement(_ rng: inout SplitMix64) -> TupleElement {
        switch Int.random(in: 0..<10, using: &rng) {
        case 0: return .null
        case 1: return .bytes((0..<Int.random(in: 0..<4, using: &rng)).map { _ in [0, 1, 0xFF, 7][Int.random(in: 0..<4, using: &rng)] })
        case 2, 3: return .string(String((0..<Int.random(in: 0..<4, using: &rng)).map { _ in ["a", "b", "\u{0}", "ệ", "Đ"][Int.random(in: 0..<5, using: &rng)] }))
        default:
            let magnitudes: [Int64] = [0, 1, 255, 256, 65_535, 1 << 40, Int64.max]
            var v = magnitudes[Int.random(in: 0..<magnitudes.count, using: &rng)]
            if Bool.random(using: &rng) { v = Int64.random(in: -100_000...100_000, using: &rng) }
            if Bool.random(using: &rng) { v = v == Int64.max ? Int64.min : -v }
            return .int(v)
        }
    }

    @Test func encodingSortsLikeTuplesAndRoundTrips() throws {
        let seed: UInt64 = 20251210
        var rng = SplitMix64(seed: seed)
        let tuples = (0..<3000).map { _ in Tuple((0..<Int.random(in: 0..<4, using: &rng)).map { _ in randomElement(&rng) }) }
        for t in tuples {
            #expect(try Tuple.decode(t.encoded) == t, "seed \(seed): \(t) does not round-trip")
        }
        for _ in 0..<20_000 {
            let a = tuples[Int.random(in: 0..<tuples.count, using: &rng)]
            let b = tuples[Int.random(in: 0..<tuples.count, using: &rng)]
            let byBytes = a.encoded.lexicographicallyPrecedes(b.encoded)
            #expect(byBytes == tupleLess(a, b), "seed \(seed): \(a) vs \(b)")
            if a.elements.count <= b.elements.count, Array(b.elements.prefix(a.elements.count)) == a.elements {
                #expect(b.encoded.starts(with: a.encoded))
            }
        }
    }

    /// The two encoders (``KeyEncoder`` and ``KeyBytes``, which stores an integer's bytes as one
    /// word while the key is inline) write the same bytes for every integer width and sign.
    @Test func bothEncodersWriteTheSameIntegers() {
        var rng = SplitMix64(seed: 4242)
        var values: [Int64] = [0, 1, -1, 255, 256, -255, -256, Int64.max, Int64.min, Int64.min + 1]
        for bits in 1...63 { values += [Int64(1) << bits, 0 &- (Int64(1) << bits), (Int64(1) << bits) &- 1, 0 &- ((Int64(1) << bits) &- 1)] }
        for _ in 0..<5_000 { values.append(Int64.random(in: Int64.min...Int64.max, using: &rng) >> Int64.random(in: 0...63, using: &rng)) }
        for v in values {
            var e = KeyEncoder(prefix: [0x99])
            e.append(v)
            var k = KeyBytes(bytes: [0x99])
            k.append(v)
            #expect(e.bytes == k.array, "\(v): \(e.bytes) ≠ \(k.array)")
            #expect((try? Tuple.decode(Array(e.bytes.dropFirst()))) == Tuple([.int(v)]), "\(v) does not round-trip")
        }
    }

    /// An integer appended at every offset of a key, inline, at the inline limit and spilled,
    /// gives the same bytes as ``KeyEncoder`` and a key equal to (and hashing like) the same
    /// bytes copied in: the one-word store leaves nothing behind past the key (seed 0xB17).
    @Test func integersAppendedAtEveryOffsetAreTheEncodersBytes() {
        var rng = SplitMix64(seed: 0xB17)
        for offset in 0...60 {
            for _ in 0..<200 {
                let v = Int64.random(in: Int64.min...Int64.max, using: &rng) >> Int64.random(in: 0...63, using: &rng)
                let lead = (0..<offset).map { _ in UInt8.random(in: 1...255, using: &rng) }
                var e = KeyEncoder(prefix: lead)
                e.append(v); e.append(v &+ 1)
                var k = KeyBytes(bytes: lead)
                k.append(v); k.append(v &+ 1)
                let copied = KeyBytes(bytes: e.bytes)
                #expect(k.array == e.bytes && k == copied && k.hashValue == copied.hashValue,
                        "\(v) at offset \(offset) (seed 0xB17): \(k.array) ≠ \(e.bytes)")
            }
        }
    }

    /// A key buffer cut back to a prefix and extended again equals, hashes and sorts like the
    /// key built afresh, inline and spilled to the heap alike (random keys, seed 0xC07).
    @Test func aTruncatedKeyBufferIsTheKeyBuiltAfresh() {
        var rng = SplitMix64(seed: 0xC07)
        for trial in 0..<2_000 {
            let elements: [TupleElement] = (0..<Int.random(in: 1...12, using: &rng)).map { _ in
                Bool.random(using: &rng) ? .int(Int64.random(in: -1 << 40...1 << 40, using: &rng)) : .string(String(repeating: "x", count: Int.random(in: 0...9, using: &rng)))
            }
            let cut = Int.random(in: 0...elements.count, using: &rng)
            var buffer = KeyBytes(Tuple(elements))
            let prefix = KeyBytes(Tuple(Array(elements[..<cut])))
            buffer.truncate(to: prefix.count)
            #expect(buffer == prefix && buffer.hashValue == prefix.hashValue && buffer.array == prefix.array, "trial \(trial) (seed 0xC07)")
            buffer.append(7 as Int64); var fresh = prefix; fresh.append(7 as Int64)
            #expect(buffer == fresh && !(buffer < fresh) && !(fresh < buffer), "trial \(trial) (seed 0xC07)")
        }
    }

    @Test func malformedKeysAreErrors() {
        #expect(throws: HosoError.self) { try Tuple.decode([0x02, 0x61]) }       // unterminated string
        #expect(throws: HosoError.self) { try Tuple.decode([0x16, 0x01]) }       // integer cut short
        #expect(throws: HosoError.self) { try Tuple.decode([0x7F]) }             // unknown type
    }
}

@Suite struct RecordCodecTests {
    @Test func fieldsRoundTripAndUnknownFieldsAreSkipped() throws {
        var w = RecordWriter(formatVersion: 3)
        w.write(1, Int64(-12345)); w.write(2, "Nguyễn Thị Bích"); w.write(3, true); w.write(4, UInt64.max)
        w.write(5, packed: [1, -1, Int64.min, Int64.max]); w.write(6, bytes: [0, 1, 2])
        w.writeMessage(7) { $0.write(1, "nested") }
        w.write(99, "a field from a newer version")
        w.write(8, Int64?.some(0))
        let bytes = w.bytes
        try bytes.withUnsafeBytes { raw in
            var r = try RecordReader(raw, recordType: "test")
            #expect(r.formatVersion == 3)
            var seen: [Int] = []
            while let f = try r.next() {
                seen.append(f.number)
                switch f.number {
                case 1: #expect(try f.int64() == -12345)
                case 2: #expect(try f.string() == "Nguyễn Thị Bích")
                case 3: #expect(try f.bool())
                case 4: #expect(try f.uint64() == UInt64.max)
                case 5: #expect(try f.packedInt64() == [1, -1, Int64.min, Int64.max])
                case 6: #expect(Array(try f.bytes()) == [0, 1, 2])
                case 7: var m = try f.message(); #expect(try m.next()?.string() == "nested")
                case 8: #expect(try f.int64() == 0)
                default: break
                }
            }
            #expect(seen == [1, 2, 3, 4, 5, 6, 7, 99, 8])
        }
    }

    @Test func truncatedRecordsAreErrorsNotCrashes() throws {
        var w = RecordWriter(formatVersion: 1)
        w.write(1, "some text that will be cut"); w.write(2, Int64(1) << 60)
        let bytes = w.bytes
        for cut in 1..<bytes.count {
            let prefix = Array(bytes.prefix(cut))
            prefix.withUnsafeBytes { raw in
                do {
                    var r = try RecordReader(raw, recordType: "test")
                    while let f = try r.next() { _ = f.number }
                } catch {
                    #expect("\(error)".contains("test"))
                }
            }
        }
    }
}

@Suite struct DayBucketTests {
    @Test func piecesCoverEveryRangeExactlyOnce() {
        let seed: UInt64 = 77
        var rng = SplitMix64(seed: seed)
        let base = Day(year: 2019, month: 11, day: 20)!.rawValue
        for _ in 0..<3000 {
            let a = base + Int32.random(in: 0..<2500, using: &rng)
            let b = a + Int32.random(in: 0..<1500, using: &rng)
            var covered: [Int32: Int] = [:]
            for p in DayBuckets.pieces(start: a, end: b) {
                for period in p.first...p.last {
                    // Expand the bucket back into days.
                    let days: [Int32]
                    switch p.granularity {
                    case DayBuckets.year:
                        let y = Int(period)
                        days = Array(Day(year: y, month: 1, day: 1)!.rawValue..<Day(year: y + 1, month: 1, day: 1)!.rawValue)
                    case DayBuckets.month:
                        let start = Int32(DayBuckets.monthIndexStart(Int(period))), end = Int32(DayBuckets.monthIndexStart(Int(period) + 1))
                        days = Array(start..<end)
                    default: days = [Int32(period)]
                    }
                    for d in days { covered[d, default: 0] += 1 }
                }
            }
            #expect(covered.count == Int(b - a) && covered.values.allSatisfy { $0 == 1 } && covered.keys.allSatisfy { $0 >= a && $0 < b },
                    "seed \(seed): range \(Day(rawValue: a))..<\(Day(rawValue: b))")
            #expect(DayBuckets.pieces(start: a, end: b).count <= 5)
        }
    }
}
