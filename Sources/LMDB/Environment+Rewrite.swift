import CLMDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Environment {
    /// Writes a consistent copy of the environment into the existing empty directory `path`,
    /// rebuilt entry by entry: every database of one snapshot (readers and writers go on) is
    /// written into a new file in key order with `MDB_APPEND` (`MDB_APPENDDUP` for the values
    /// of a key), so each page is filled before the next one starts.
    ///
    /// ``copy(to:compact:)`` with `compact` omits free pages but keeps every page as full as
    /// it was: after a load of entries in random key order, which splits pages in the middle,
    /// that is often little more than half. A rewritten copy holds the same entries, with the
    /// same database flags, in fewer pages; a later insert between two keys of a full page
    /// splits it, as it would in any freshly built B-tree. The copy is synced before this
    /// returns; the directory then holds `data.mdb` only.
    ///
    /// ```swift
    /// let copy = directory + "/rewritten"
    /// try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: false)
    /// let before = try env.read { txn in try txn.statistics(db).entries }
    /// let written = try env.write { _ in try env.copyRewritten(to: copy) }
    /// print(before, written.databases, written.entries)   // 3 1 3
    /// ```
    ///
    /// - Parameter entriesPerTransaction: entries written in each write transaction of the copy
    ///   (which also commits after 64 MiB of keys and values); the copy is synced once, at the
    ///   end, so this bounds only the memory of its dirty pages.
    /// - Returns: the databases and entries copied.
    /// - Throws: ``LMDBError``: `EEXIST` when `path` holds a `data.mdb` already, the disk full,
    ///   for one; a copy that failed is not complete and must not be used.
    @discardableResult
    public func copyRewritten(to path: String, entriesPerTransaction: Int = 200_000) throws -> (databases: Int, entries: Int) {
        precondition(entriesPerTransaction > 0, "entriesPerTransaction must be positive")
        var existing = stat()
        if stat(path + "/data.mdb", &existing) == 0 { throw LMDBError.status(code: EEXIST, operation: "copyRewritten(\(path)): holds a data.mdb already") }
        // The copy's own lock file goes whether the copy succeeds or not.
        defer { unlink(path + "/lock.mdb") }
        let target = try Environment.open(path: path, options: Options(maxDatabases: options.maxDatabases, growth: options.growth, durability: .none))
        var copied = (databases: 0, entries: 0)
        do {
            // The handles opened in the snapshot live as long as it does; `openDatabase` waits meanwhile.
            try handleOpening.withLock { _ in try read { source in
                let txn = source.rawHandle
                var mainDBI: MDB_dbi = 0
                try check(mdb_dbi_open(txn, nil, 0, &mainDBI), "dbi_open(main, \(self.path))")
                let main = Database(dbi: mainDBI, name: nil, flags: [])
                // The main database names the others; an entry of it that is not a database is copied as it is.
                var names: [[UInt8]] = []
                do {
                    let cursor = try source.cursor(main)
                    var entry = try cursor.first()
                    while let e = entry { names.append(Array(e.key)); entry = try cursor.next() }
                }
                var plain: [(key: [UInt8], value: [UInt8])] = []
                var databases: [Database] = []
                for name in names {
                    var dbi: MDB_dbi = 0
                    let rc: Int32
                    if !name.contains(0), let text = String(validating: name, as: UTF8.self) {
                        rc = mdb_dbi_open(txn, text, 0, &dbi)
                        if rc == 0 {
                            var flags: UInt32 = 0
                            try check(mdb_dbi_flags(txn, dbi, &flags), "dbi_flags(\(text))")
                            databases.append(Database(dbi: dbi, name: text, flags: Database.Flags(rawValue: flags)))
                            continue
                        }
                    } else {
                        rc = MDB_INCOMPATIBLE
                    }
                    guard rc == MDB_INCOMPATIBLE else { try check(rc, "dbi_open(\(String(decoding: name, as: UTF8.self)))"); continue }
                    let value = try source.get(main, key: name).map { Array($0) } ?? []
                    plain.append((name, value))
                }
                if !plain.isEmpty {
                    try target.write { w in
                        var dbi: MDB_dbi = 0
                        try check(mdb_dbi_open(w.rawHandle, nil, 0, &dbi), "dbi_open(main, \(path))")
                        let targetMain = Database(dbi: dbi, name: nil, flags: [])
                        for (k, v) in plain { try w.put(targetMain, key: k, value: v) }
                    }
                    copied.entries += plain.count
                }
                for db in databases {
                    let into = try target.openDatabase(db.name!, flags: db.flags.union(.create))
                    copied.entries += try copyEntries(of: db, in: txn, into: into, of: target, perTransaction: entriesPerTransaction)
                    copied.databases += 1
                }
            } }
            try target.sync(force: true)
            target.close()
        } catch {
            target.close()
            throw error
        }
        chmod(path + "/data.mdb", 0o600)
        return copied
    }

    /// The bytes of keys and values after which a transaction of a rewritten copy commits, so
    /// that its dirty pages stay well inside what LMDB keeps in memory.
    static let bytesPerCopyTransaction = 64 << 20

    /// Copies every entry of `db`, read in the snapshot `txn`, into `into` of `target`, in
    /// write transactions of `perTransaction` entries (or 64 MiB) each. A transaction that the map's growth
    /// makes run again starts again from its first entry (``write(_:)``).
    private func copyEntries(of db: Database, in txn: OpaquePointer, into: Database, of target: Environment,
                             perTransaction: Int) throws -> Int {
        let dupSort = db.flags.contains(.dupSort)
        /// The first entry not yet written, and the last key written (dupsort only).
        var resume: (key: [UInt8], value: [UInt8])? = nil
        var lastKey: [UInt8]? = nil
        var total = 0
        while true {
            let start = resume, startKey = lastKey
            let step = try target.write { w -> (next: (key: [UInt8], value: [UInt8])?, lastKey: [UInt8]?, written: Int) in
                var handle: OpaquePointer?
                try check(mdb_cursor_open(txn, db.dbi, &handle), "cursor_open(\(db.name ?? "main"))")
                let cursor = Cursor(handle: handle!, database: db, environment: .passUnretained(self))
                let out = try w.cursor(into)
                var entry: Cursor.Entry?
                if let start {
                    entry = try start.key.withUnsafeBytes { k in
                        try start.value.withUnsafeBytes { v in dupSort ? try cursor.seek(key: k, valueAtLeast: v) : try cursor.seek(atLeast: k) }
                    }
                } else {
                    entry = try cursor.first()
                }
                var last = startKey
                var written = 0, bytes = 0
                while let e = entry {
                    if written == perTransaction || bytes >= Self.bytesPerCopyTransaction { return ((Array(e.key), Array(e.value)), last, written) }
                    bytes += e.key.count + e.value.count
                    if dupSort {
                        let sameKey = last.map { l in l.count == e.key.count && (l.isEmpty || l.withUnsafeBytes { memcmp($0.baseAddress!, e.key.baseAddress!, l.count) == 0 }) } ?? false
                        try out.put(key: e.key, value: e.value, flags: sameKey ? .appendDup : [.append, .appendDup])
                        if !sameKey { last = Array(e.key) }
                    } else {
                        try out.put(key: e.key, value: e.value, flags: .append)
                    }
                    written += 1
                    entry = try cursor.next()
                }
                return (nil, last, written)
            }
            total += step.written
            guard let next = step.next else { return total }
            resume = next
            lastKey = step.lastKey
        }
    }
}
