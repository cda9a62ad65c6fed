import CLMDB

/// A named key-value database inside an ``Environment`` (an LMDB `MDB_dbi`).
///
/// Handles are obtained once from ``Environment/openDatabase(_:flags:)`` and stay valid for
/// the environment's lifetime; they are cheap values that can be shared between threads.
///
/// ```swift
/// let notes = try env.openDatabase("notes", flags: [.create])
/// let byAuthor = try env.openDatabase("notes.author", flags: [.create, .dupSort, .dupFixed])
/// print(notes.name ?? "main", byAuthor.flags.contains(.dupSort))   // notes true
/// ```
public struct Database: Sendable, Hashable {
    /// The LMDB handle.
    public let dbi: MDB_dbi
    /// The name it was opened with (`nil` for the main database).
    public let name: String?
    /// The flags it was opened with.
    public let flags: Flags

    /// Options for ``Environment/openDatabase(_:flags:)``.
    public struct Flags: OptionSet, Sendable, Hashable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// Create the database if it does not exist.
        public static let create = Flags(rawValue: UInt32(MDB_CREATE))
        /// Keys may have several sorted values (`MDB_DUPSORT`).
        public static let dupSort = Flags(rawValue: UInt32(MDB_DUPSORT))
        /// With ``dupSort``: all values of a key have the same size, stored packed (`MDB_DUPFIXED`).
        public static let dupFixed = Flags(rawValue: UInt32(MDB_DUPFIXED))
        /// Keys are native unsigned integers (`MDB_INTEGERKEY`).
        public static let integerKey = Flags(rawValue: UInt32(MDB_INTEGERKEY))
    }

    /// `true` when the database keeps several values per key.
    public var isDupSort: Bool { flags.contains(.dupSort) }
}

/// Flags for a single put.
public struct PutFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// Fail with `false` instead of overwriting an existing key (`MDB_NOOVERWRITE`).
    public static let noOverwrite = PutFlags(rawValue: UInt32(MDB_NOOVERWRITE))
    /// In a dupsort database, do nothing if the key/value pair exists (`MDB_NODUPDATA`).
    public static let noDupData = PutFlags(rawValue: UInt32(MDB_NODUPDATA))
    /// The key sorts after every key in the database: append without searching (`MDB_APPEND`).
    public static let append = PutFlags(rawValue: UInt32(MDB_APPEND))
    /// Replace the value under the cursor, which must be positioned on `key` (`MDB_CURRENT`).
    public static let current = PutFlags(rawValue: UInt32(MDB_CURRENT))
    /// The value sorts after every value of this key (`MDB_APPENDDUP`).
    public static let appendDup = PutFlags(rawValue: UInt32(MDB_APPENDDUP))
}

/// Statistics of one database (`mdb_stat`).
public struct DatabaseStatistics: Sendable, Hashable {
    /// Page size in bytes.
    public var pageSize: Int
    /// B-tree depth.
    public var depth: Int
    /// Branch, leaf and overflow pages.
    public var branchPages: Int, leafPages: Int, overflowPages: Int
    /// Number of entries (key/value pairs, counting each duplicate).
    public var entries: Int
    /// Bytes occupied by the database's pages.
    public var bytes: Int { (branchPages + leafPages + overflowPages) * pageSize }

    init(_ s: MDB_stat) {
        pageSize = Int(s.ms_psize); depth = Int(s.ms_depth)
        branchPages = Int(s.ms_branch_pages); leafPages = Int(s.ms_leaf_pages)
        overflowPages = Int(s.ms_overflow_pages); entries = Int(s.ms_entries)
    }
}
