/// How an environment's memory map is sized and grown.
///
/// LMDB's default map is 10 MiB and a full map fails the write. An ``Environment`` instead
/// starts at ``initialSize``, grows before a write when the used part passes
/// ``threshold``, and when a write still hits `MDB_MAP_FULL` it grows and runs the write
/// again, so no batch is lost.
///
/// ```swift
/// var options = Environment.Options()
/// options.growth = MapGrowthPolicy(initialSize: 256 << 20, maximumSize: 1 << 40)
/// let env = try Environment.open(path: directory, options: options)
/// print(env.info().mapSize)   // 268435456
/// ```
public struct MapGrowthPolicy: Sendable, Hashable {
    /// Map size of a new environment, in bytes.
    public var initialSize: Int
    /// Fraction of the map in use above which the map grows before the next write.
    public var threshold: Double
    /// The largest single growth step, in bytes; below it the map doubles.
    public var maximumStep: Int
    /// The map never grows past this many bytes.
    public var maximumSize: Int

    /// Creates a policy.
    public init(initialSize: Int = 64 << 20, threshold: Double = 0.75, maximumStep: Int = 8 << 30, maximumSize: Int = 1 << 42) {
        precondition(initialSize >= 1 << 20, "initialSize must be at least 1 MiB")
        precondition(threshold > 0 && threshold < 1, "threshold must be between 0 and 1")
        self.initialSize = initialSize; self.threshold = threshold
        self.maximumStep = maximumStep; self.maximumSize = maximumSize
    }

    /// The default: 64 MiB to start, doubling up to 8 GiB steps, at most 4 TiB.
    public static let `default` = MapGrowthPolicy()

    /// The next map size after `current` for a map that needs at least `needed` bytes.
    public func nextSize(after current: Int, needing needed: Int = 0) -> Int {
        var size = current
        repeat { size += min(max(size, 1 << 20), maximumStep) } while Double(needed) > Double(size) * threshold
        return min(size, maximumSize)
    }
}
