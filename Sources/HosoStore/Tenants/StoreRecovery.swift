import Foundation

/// Finishes or rolls back the tenant swaps that a killed process left half done, from the
/// hidden working folders it left in `tenants/`. Runs when a store is opened, holding the
/// store's lock, so no swap is in progress meanwhile.
///
/// Every swap keeps the tenant's own folder whole at every instant (an atomic exchange, or,
/// where the file system cannot exchange, a rename away to `.old-…` first), so the rules are:
/// a copy or a creation that was not put in place is removed; an `.old-…` folder is put back
/// when the tenant's folder is missing and removed otherwise; a drop is finished.
struct StoreRecovery {
    /// What a working folder was for; its name is `.KIND-TENANT-PID-RANDOM`.
    enum Kind: String, CaseIterable {
        /// A tenant being created.
        case new
        /// A compacted copy being made (after the swap: the old file).
        case compact
        /// A backup being restored (after the swap: the replaced file).
        case restore
        /// The tenant's previous folder, moved away by the two-rename fallback.
        case old
        /// A dropped tenant being deleted.
        case dropped
        /// A rebuild of the indexes made by verify.
        case verify
    }

    let tenantsDirectory: String

    /// The folder's kind and tenant, if the name is one of ours.
    static func parse(_ entry: String) -> (Kind, String)? {
        guard entry.hasPrefix(".") else { return nil }
        let parts = entry.dropFirst().split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 4, let kind = Kind(rawValue: String(parts[0])),
              UInt32(parts[parts.count - 1]) != nil, Int32(parts[parts.count - 2]) != nil else { return nil }
        return (kind, parts[1..<(parts.count - 2)].joined(separator: "-"))
    }

    func run() throws -> [String] {
        let fm = FileManager.default
        let entries = ((try? fm.contentsOfDirectory(atPath: tenantsDirectory)) ?? []).sorted()
        var done: [String] = []
        // `.old-…` first: a tenant folder it puts back makes the other rules see the tenant.
        let ordered = entries.filter { Self.parse($0)?.0 == .old } + entries.filter { Self.parse($0).map { $0.0 != .old } ?? false }
        for entry in ordered {
            guard let (kind, name) = Self.parse(entry) else { continue }
            let folder = tenantsDirectory + "/" + entry
            let tenant = tenantsDirectory + "/" + name
            let tenantWhole = fm.fileExists(atPath: tenant + "/data.mdb")
            switch kind {
            case .old where !tenantWhole:
                if fm.fileExists(atPath: tenant) { try fm.removeItem(atPath: tenant) }
                guard rename(folder, tenant) == 0 else { throw HosoError.storage(.status(code: errno, operation: "rename(\(folder))")) }
                done.append("put tenant '\(name)' back in place from \(entry), left by a compaction or restore that was interrupted before its new file was in place; its data is as it was before")
                continue
            case .old:
                done.append("removed \(entry), the previous file of tenant '\(name)' left by an interrupted compaction or restore; the tenant's current file is whole")
            case .new:
                done.append("removed \(entry), the unfinished creation of tenant '\(name)' (it never appeared)")
            case .compact:
                done.append("removed \(entry), the leftover copy of an interrupted compaction of tenant '\(name)'; the tenant's file is whole")
            case .restore:
                done.append("removed \(entry), the leftover copy of an interrupted restore of tenant '\(name)'; the tenant's file is whole" + (tenantWhole ? "" : " (the tenant did not exist before the restore; restore it again)"))
            case .dropped:
                done.append("finished dropping tenant '\(name)' (removed \(entry))")
            case .verify:
                done.append("removed \(entry), the scratch rebuild of an interrupted verify of tenant '\(name)'")
            }
            try fm.removeItem(atPath: folder)
        }
        return done
    }
}
