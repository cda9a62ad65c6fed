import HosoDomain
import HosoStore

/// Where the bytes of each system go: Hoso's LMDB databases (from `Tenant.describe()`) and
/// SQLite's tables and indexes (from the `dbstat` virtual table).
struct StorageBreakdown: Codable {
    struct Part: Codable {
        var name: String
        var entries: Int?
        var bytes: Int
    }
    var hoso: [Part]
    var hosoUsedBytes: Int
    var hosoCompactedBytes: Int64
    var sqlite: [Part]

    static func measure(_ program: ProgramTenant, compactedBytes: Int64, _ db: SQLiteConnection) throws -> StorageBreakdown {
        let d = try program.tenant.describe()
        let hoso = d.databases.map { Part(name: $0.name, entries: $0.entries, bytes: $0.bytes) }.sorted { $0.bytes > $1.bytes }
        var sqlite: [Part] = []
        if let s = try? db.prepare("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC") {
            while try s.step() { sqlite.append(Part(name: s.text(0) ?? "", entries: nil, bytes: s.int(1))) }
        }
        return StorageBreakdown(hoso: hoso, hosoUsedBytes: d.usedBytes, hosoCompactedBytes: compactedBytes, sqlite: sqlite)
    }

    /// A few lines for stderr.
    var summary: String {
        func mib(_ b: Int) -> String { String(format: "%.1f MiB", Double(b) / 1_048_576) }
        let h = hoso.prefix(8).map { "\($0.name) \(mib($0.bytes))" }.joined(separator: ", ")
        let s = sqlite.prefix(8).map { "\($0.name) \(mib($0.bytes))" }.joined(separator: ", ")
        return "Hoso used \(mib(hosoUsedBytes)) (compacted copy \(mib(Int(hosoCompactedBytes)))): \(h)\nSQLite: \(s)"
    }
}
