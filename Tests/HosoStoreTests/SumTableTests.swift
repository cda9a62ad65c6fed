import Testing
@testable import HosoStore

/// `SumTable`, the pending counts' table of sums, against a brute force: a list of (key, sum)
/// pairs searched from the start, in the order keys were first added.
@Suite struct SumTableTests {
    /// A key whose hash word is only a few bits, so that many keys share a first slot and
    /// probing, wrapping past the last slot, growing and emptying are all exercised.
    struct Crowded: SumKey {
        let bytes: KeyBytes
        let bits: UInt64
        var hashWord: UInt64 { bytes.mixedWord & bits }
    }

    @Test(arguments: [(UInt64(1), UInt64.max), (UInt64(2), UInt64(0x7)), (UInt64(3), UInt64(0)), (UInt64(2026), UInt64(0xF000_0000_0000_0000))] as [(UInt64, UInt64)])
    func sumsAreThoseOfABruteForce(seed: UInt64, bits: UInt64) {
        var rng = SplitMix64(seed: seed)
        var table = SumTable<Crowded>()
        var model: [(Crowded, Int64)] = []
        for round in 0..<3 {
            // Room for more than round 2 adds, so that round 2 runs on the slots round 1 left.
            if round == 1 { table.reserveCapacity(5_000) }
            for _ in 0..<(round == 1 ? 200 : 3_000) {
                let key = Crowded(bytes: KeyBytes(bytes: SortedRunTests.key(&rng)), bits: bits)
                // Deltas that often cancel, so some sums come back to 0.
                let delta = Int64(rng.next() % 5) - 2
                table.add(key, delta)
                if let i = model.firstIndex(where: { $0.0 == key }) { model[i].1 += delta } else { model.append((key, delta)) }
            }
            #expect(table.count == model.count, "seed \(seed), round \(round)")
            #expect(table.keys.elementsEqual(model.map(\.0)), "seed \(seed), round \(round): keys not in the order first added")
            #expect(table.sums.elementsEqual(model.map(\.1)), "seed \(seed), round \(round)")
            let nonZero = table.nonZero()
            let expected = model.filter { $0.1 != 0 }
            #expect(nonZero.count == expected.count && zip(nonZero, expected).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 },
                    "seed \(seed), round \(round)")
            // After round 0 the table clears every slot; after round 1 (200 keys in slots for
            // 5,000) only the slots of its keys.
            if round < 2 {
                table.removeAll()
                model.removeAll()
                #expect(table.isEmpty && table.nonZero().isEmpty)
            }
        }
    }
}
