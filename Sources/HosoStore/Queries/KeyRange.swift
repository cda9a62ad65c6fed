/// Which keys of an index a query visits.
///
/// ```swift
/// let june = Int64(Day(year: 2025, month: 6, day: 1)!.rawValue), july = Int64(Day(year: 2025, month: 7, day: 1)!.rawValue)
/// let ranges: [KeyRange] = [
///     .all,                                              // every key
///     .prefix(["ana"]),                                  // every key of author "ana"
///     .between(["ana", .int(june)], ["ana", .int(july)]),  // from the first key, before the second
///     .exactly(["ben", .int(Int64(Day(year: 2025, month: 7, day: 3)!.rawValue))]),
/// ]
/// let counts = try ranges.map { range in try txn.entryCount(in: Note.byAuthor, range) }
/// print(counts)   // [3, 2, 2, 1]
/// ```
public enum KeyRange: Sendable, Hashable {
    /// Every key.
    case all
    /// Keys that extend the tuple (including the tuple itself).
    case prefix(Tuple)
    /// Keys ≥ the first tuple and < the second.
    case between(Tuple, Tuple)
    /// Exactly this key.
    case exactly(Tuple)

    /// Lower bound (inclusive) and upper bound (exclusive, `nil` = none) in key bytes.
    var bounds: (lower: [UInt8], upper: [UInt8]?) {
        switch self {
        case .all: return ([], nil)
        case .prefix(let t): let p = t.encoded; return (p, KeyRange.successor(ofPrefix: p))
        case .between(let a, let b): return (a.encoded, b.encoded)
        case .exactly(let t): let k = t.encoded; return (k, k + [0])
        }
    }

    /// The smallest byte string greater than every string starting with `prefix`.
    static func successor(ofPrefix prefix: [UInt8]) -> [UInt8]? {
        var p = prefix
        while let last = p.last {
            if last < 0xFF { p[p.count - 1] = last + 1; return p }
            p.removeLast()
        }
        return nil
    }
}

extension UnsafeRawBufferPointer {
    /// Bytewise comparison with an array, as LMDB orders keys.
    @inline(__always)
    func compare(_ other: [UInt8]) -> Int {
        other.withUnsafeBytes { compareBytes($0) }
    }

    @inline(__always)
    func equals(_ other: [UInt8]) -> Bool { count == other.count && compare(other) == 0 }
}
