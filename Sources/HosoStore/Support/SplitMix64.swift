/// A small, fast, deterministic random number generator (SplitMix64): the same seed gives the
/// same sequence on every machine, so generated data sets and randomized tests can be replayed.
///
/// ```swift
/// var rng = SplitMix64(seed: 2025)
/// let n = Int.random(in: 0..<65, using: &rng)
/// print(n)   // 1
/// ```
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator from a seed.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
