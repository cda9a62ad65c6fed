/// Sorting of pending index writes (bulk entries, count changes) into LMDB's order, so that they
/// are written through one cursor per database, each key next to the previous one.
enum KeyOrder {
    /// The order of `count` entries by database, key and id, computed on small proxies (database
    /// and the key's first 24 bytes) so the sort moves small values, not whole keys.
    static func sorted(_ count: Int, db: (Int) -> UInt32, key: (Int) -> KeyBytes, id: ((Int) -> RecordID)? = nil) -> [Int] {
        struct Proxy { var db: UInt32; var index: Int32; var length: Int; var w0: UInt64; var w1: UInt64; var w2: UInt64; var id: RecordID }
        var proxies = (0..<count).map { i -> Proxy in
            let k = key(i)
            let w = k.leadingWords
            return Proxy(db: db(i), index: Int32(i), length: k.count, w0: w.0, w1: w.1, w2: w.2, id: id?(i) ?? 0)
        }
        proxies.sort { a, b in
            if a.db != b.db { return a.db < b.db }
            if a.w0 != b.w0 { return a.w0 < b.w0 }
            if a.w1 != b.w1 { return a.w1 < b.w1 }
            if a.w2 != b.w2 { return a.w2 < b.w2 }
            // Keys of at most 24 bytes are whole in their words (the rest zero): a prefix goes first.
            if a.length <= 24 && b.length <= 24 {
                if a.length != b.length { return a.length < b.length }
            } else {
                let ka = key(Int(a.index)), kb = key(Int(b.index))
                if ka != kb { return ka < kb }
            }
            return a.id < b.id
        }
        return proxies.map { Int($0.index) }
    }
}
