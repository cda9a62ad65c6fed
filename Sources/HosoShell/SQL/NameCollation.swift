import CSQLite
import HosoDomain

/// The order of names in SQL: the `hoso` collation, the shell's own text order (ignoring case
/// and Vietnamese diacritics first, so "Thiện Tân" comes before "Thiện Thuật", then by the
/// exact text: two texts are equal only when they are the same). The virtual tables declare
/// it on their name columns, so `ORDER BY commune_name` sorts as Hoso's planner does.
///
/// Each text is folded once and remembered (names repeat: 65 communes in 500,000 events), so
/// sorting by a name costs about what sorting by a number costs.
///
/// ```swift
/// let engine = try SQLEngine(context: context)
/// print(try engine.run("SELECT name FROM communes WHERE name LIKE 'xã thiện t%' ORDER BY name").rows.map(\.[0].text))   // ["Xã Thiện Tân", "Xã Thiện Thuật"]
/// ```
public final class NameCollation {
    /// The collation's name in SQL.
    public static let name = "hoso"
    var folded: [String: String] = [:]

    /// Registers the collation on a SQLite connection (the engine's; tests' plain databases too).
    /// The returned object must outlive the connection.
    public static func register(on db: OpaquePointer) -> NameCollation {
        let c = NameCollation()
        sqlite3_create_collation_v2(db, name, SQLITE_UTF8, Unmanaged.passUnretained(c).toOpaque(), { arg, n1, p1, n2, p2 in
            let c = Unmanaged<NameCollation>.fromOpaque(arg!).takeUnretainedValue()
            let a = String(decoding: UnsafeRawBufferPointer(start: p1, count: Int(n1)), as: UTF8.self)
            let b = String(decoding: UnsafeRawBufferPointer(start: p2, count: Int(n2)), as: UTF8.self)
            return c.compare(a, b)
        }, nil)
        return c
    }

    func fold(_ s: String) -> String {
        if let f = folded[s] { return f }
        if folded.count > 200_000 { folded.removeAll(keepingCapacity: true) }
        let f = Gazetteer.fold(s)
        folded[s] = f
        return f
    }

    /// -1, 0 or 1 as `a` sorts before, with or after `b`.
    func compare(_ a: String, _ b: String) -> Int32 {
        if a == b { return 0 }
        let ascii = a.utf8.allSatisfy { $0 < 0x80 } && b.utf8.allSatisfy { $0 < 0x80 }
        let (x, y) = ascii ? (a.lowercased(), b.lowercased()) : (fold(a), fold(b))
        if x != y { return x < y ? -1 : 1 }
        return a < b ? -1 : 1
    }
}
