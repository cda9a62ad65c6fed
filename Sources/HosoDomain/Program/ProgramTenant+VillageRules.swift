import Foundation
import HosoStore

/// An officer's decision that the files of one village of a split (or unmapped) pre-2025
/// commune belong to one 2025 commune: ``ProgramTenant/addVillageRule(oldCommune:village:to:)``
/// records it and moves the files it covers; later imports of old data place such files by it
/// (a file's own `assigned_commune_code` still wins).
///
/// Villages are compared folded (``key``: no diacritics, no case, single spaces), so "Thôn Nà
/// Pàn" and "thon na pan" are one village.
///
/// ```swift
/// let rule = VillageRule(oldCommune: 6178, village: "Thôn Nà Pàn", commune: 6184, actor: "admin", madeAt: 0)
/// print(rule.key)   // thon na pan
/// ```
public struct VillageRule: Sendable, Hashable {
    /// The old commune (2024 gazetteer code).
    public var oldCommune: Int32
    /// The village as the officer wrote it.
    public var village: String
    /// The 2025 commune the village's files go to: one of the old commune's successors.
    public var commune: Int32
    /// Who made the rule (the acting principal's name).
    public var actor: String
    /// When, in milliseconds since 1970 (UTC).
    public var madeAt: Int64

    /// Creates a rule.
    public init(oldCommune: Int32, village: String, commune: Int32, actor: String, madeAt: Int64) {
        self.oldCommune = oldCommune; self.village = village; self.commune = commune; self.actor = actor; self.madeAt = madeAt
    }

    /// The village folded, as files are matched.
    public var key: String { Self.key(village) }

    /// `village` folded as rules match it: no diacritics, no case, runs of spaces as one.
    ///
    /// ```swift
    /// print(VillageRule.key("  Bản  CHẮT "))   // ban chat
    /// ```
    public static func key(_ village: String) -> String { Gazetteer.foldForSearch(village) }

    /// The setting the rules are kept in (one write with the moves they make).
    static let settingName = "places.village_rules"

    static func encode(_ rules: [VillageRule]) -> [UInt8] {
        var w = RecordWriter(formatVersion: 1)
        for r in rules {
            w.writeMessage(1) { m in
                m.write(1, Int64(r.oldCommune)); m.write(2, r.village); m.write(3, Int64(r.commune))
                m.write(4, r.actor); m.write(5, r.madeAt)
            }
        }
        return w.bytes
    }

    static func decode(_ bytes: [UInt8]) throws(HosoError) -> [VillageRule] {
        var result: Result<[VillageRule], HosoError> = .success([])
        bytes.withUnsafeBytes { raw in
            do throws(HosoError) {
                var r = try RecordReader(raw, recordType: "village rules")
                var out: [VillageRule] = []
                while let f = try r.next() {
                    guard f.number == 1 else { continue }
                    var m = try f.message()
                    var rule = VillageRule(oldCommune: 0, village: "", commune: 0, actor: "", madeAt: 0)
                    while let g = try m.next() {
                        switch g.number {
                        case 1: rule.oldCommune = Int32(truncatingIfNeeded: try g.int64())
                        case 2: rule.village = try g.string()
                        case 3: rule.commune = Int32(truncatingIfNeeded: try g.int64())
                        case 4: rule.actor = try g.string()
                        case 5: rule.madeAt = try g.int64()
                        default: break
                        }
                    }
                    out.append(rule)
                }
                result = .success(out)
            } catch { result = .failure(error) }
        }
        return try result.get()
    }
}

/// The village rules of a tenant, by old commune and folded village, as an import applies them.
///
/// ```swift
/// let book = VillageRuleBook([VillageRule(oldCommune: 6178, village: "Nà Pàn", commune: 6184, actor: "admin", madeAt: 0)])
/// print(book.commune(forOld: 6178, village: "na pan") ?? 0, book.commune(forOld: 6178, village: nil) ?? 0)   // 6184 0
/// ```
public struct VillageRuleBook: Sendable, Hashable {
    /// The rules by old commune, then folded village.
    public private(set) var rules: [Int32: [String: VillageRule]] = [:]

    /// A book of `rules` (a later rule for the same village replaces an earlier one).
    public init(_ rules: [VillageRule] = []) {
        for r in rules { self.rules[r.oldCommune, default: [:]][r.key] = r }
    }

    /// Whether the book holds no rule.
    public var isEmpty: Bool { rules.isEmpty }

    /// The rule for `village` of old commune `old`, if any.
    public func rule(forOld old: Int32, village: String?) -> VillageRule? {
        guard let village, let byVillage = rules[old] else { return nil }
        return byVillage[VillageRule.key(village)]
    }

    /// The 2025 commune a rule places `village` of old commune `old` in, if any.
    public func commune(forOld old: Int32, village: String?) -> Int32? { rule(forOld: old, village: village)?.commune }
}

/// What ``ProgramTenant/addVillageRule(oldCommune:village:to:)`` did.
public struct VillageRuleChange: Sendable, Hashable {
    /// The rule recorded.
    public var rule: VillageRule
    /// The rule it replaced (the same village of the same old commune), if any.
    public var replaced: VillageRule?
    /// The files moved to the rule's commune, by id.
    public var moved: [RecordID]
    /// The files already counted there by default, now placed by the rule (they leave the review list).
    public var confirmed: [RecordID]
    /// The files of the village the rule leaves where they are, because their own file
    /// (`assigned_commune_code`) or an officer (``ProgramTenant/assignPlace(person:to:)``)
    /// placed them elsewhere: id, how, and the commune they stay in.
    public var kept: [Kept]

    /// A file the rule does not move.
    public struct Kept: Sendable, Hashable {
        /// The file.
        public var id: RecordID
        /// How it was placed.
        public var placedBy: NamedPlace.PlacedBy
        /// The 2025 commune it stays in.
        public var commune: Int32
    }

    /// Every file the rule covers, read for it (their villages were compared).
    public var personIDs: [RecordID] { (moved + confirmed + kept.map(\.id)).sorted() }
}

/// One village the files of a pre-2025 commune name, with where they are counted
/// (``ProgramTenant/villages(ofOldCommune:)``).
public struct NamedVillage: Sendable, Hashable {
    /// The village as most files spell it (the first such spelling by id on a tie); `nil` for
    /// the files that name no village, and for those whose village is sealed under a key the
    /// handle does not hold (``sealed``).
    public var village: String?
    /// The folded village the files were grouped by (empty for `nil`).
    public var key: String
    /// Whether the files' villages are sealed and the handle lacks their key.
    public var sealed: Bool
    /// The files, by id.
    public var persons: [RecordID]
    /// Files per 2025 commune they are counted in.
    public var communes: [Int32: Int]
    /// Files per placement.
    public var placements: [NamedPlace.PlacedBy: Int]
    /// The rule for the village, if any.
    public var rule: VillageRule?
}

extension ProgramTenant {
    // MARK: Village rules

    /// The tenant's village rules, by old commune then folded village.
    ///
    /// ```swift
    /// print(try program.villageRules().count)   // 0
    /// ```
    public func villageRules() throws -> [VillageRule] {
        try tenant.read { try Self.villageRules($0.setting(VillageRule.settingName)) }
    }

    static func villageRules(_ bytes: [UInt8]?) throws -> [VillageRule] {
        guard let bytes else { return [] }
        return try VillageRule.decode(bytes).sorted { ($0.oldCommune, $0.key) < ($1.oldCommune, $1.key) }
    }

    /// Records that the files of `village` of old commune `oldCommune` belong to 2025 commune
    /// `code`, and moves the files it covers there, in one write: those counted by default in
    /// the primary successor, or placed by an earlier rule, are moved (their history is derived
    /// again in the new commune) or, already there, confirmed; those their own file or an
    /// officer placed stay (``VillageRuleChange/kept``). A rule for the same village replaces
    /// the earlier one. Later imports of old data place the village's files by it unless the
    /// file assigns a successor itself. Only an admin makes rules (an officer moves one file
    /// with ``assignPlace(person:to:)``); in a sealed tenant the handle must hold the keys of
    /// the communes the old commune's files are in, so that their villages can be compared.
    ///
    /// - Throws: ``ProgramError/placementRefused(record:reason:)`` when the old commune is not
    ///   in the 2024 gazetteer, went whole into one commune, `code` is not one of its
    ///   successors (or, for an old commune the mapping misses, not a commune of the tenant),
    ///   or the village is empty; an access error for a principal other than an admin.
    ///
    /// ```swift
    /// do { try program.addVillageRule(oldCommune: 6178, village: "Nà Pàn", to: 6184) } catch { print(error) }
    /// ```
    @discardableResult
    public func addVillageRule(oldCommune old: Int32, village: String, to code: Int32) throws -> VillageRuleChange {
        let label = "village rule \(old) '\(village)'"
        guard tenant.principal.role == "admin" else {
            throw HosoError.accessDenied(principal: tenant.principal.name, operation: "make a \(label)",
                                         reason: "only an admin makes village rules (an officer moves one file: hoso places assign ID CODE)")
        }
        let key = VillageRule.key(village)
        guard !key.isEmpty else { throw ProgramError.placementRefused(record: label, reason: "the village is empty: write the village as the files name it") }
        guard try PlaceHistory.official().before.commune(code: old) != nil else {
            throw ProgramError.placementRefused(record: label, reason: "\(old) is not a commune of the 2024 gazetteer (hoso places old \(old))")
        }
        let target = try successor(ofOldCommune: old, code, record: label)
        let sealed = try isSealed()
        // The villages of a sealed tenant open only with the keys of the files' communes: check
        // them first (a key is looked up outside the write), so no file is passed over unread.
        var scopes = Set<Int32>()
        if sealed {
            try read { q in
                _ = try q.allPersons { p in
                    if p.namedPlace?.commune.commune == old { scopes.insert(p.commune.commune) }
                    return true
                }
            }
            for c in scopes.sorted() where try !tenant.holdsKey(of: String(c)) {
                throw ProgramError.placementRefused(record: label, reason: "files of old commune \(old) counted in \(c) are sealed under that commune's key, which this handle does not hold, so their villages cannot be compared: run it as an admin with your key (--key)")
            }
        }
        let actor = tenant.principal.name
        let rule = VillageRule(oldCommune: old, village: village.trimmingCharacters(in: .whitespaces), commune: code, actor: actor,
                               madeAt: Int64(Date().timeIntervalSince1970 * 1000))
        return try tenant.write { txn in
            var rules = try Self.villageRules(txn.setting(VillageRule.settingName))
            let replaced = rules.first { $0.oldCommune == old && $0.key == key }
            rules.removeAll { $0.oldCommune == old && $0.key == key }
            rules.append(rule)
            try txn.setSetting(VillageRule.settingName, VillageRule.encode(rules))
            var covered: [Person] = []
            _ = try txn.scan(Person.self) { p in
                if let named = p.namedPlace, named.commune.commune == old, let v = p.village, VillageRule.key(v) == key { covered.append(p) }
                else if sealed, p.namedPlace?.commune.commune == old, !scopes.contains(p.commune.commune) {
                    throw ProgramError.placementRefused(record: label, reason: "files of old commune \(old) were added in commune \(p.commune.commune) while the rule was being made: run it again")
                }
                return true
            }
            var change = VillageRuleChange(rule: rule, replaced: replaced, moved: [], confirmed: [], kept: [])
            for var p in covered {
                guard let named = p.namedPlace else { continue }
                switch named.placedBy {
                case .file, .officer, .whole:
                    if p.commune.commune != code { change.kept.append(.init(id: p.id, placedBy: named.placedBy, commune: p.commune.commune)) }
                    continue
                case .primary, .village:
                    if p.commune.commune == code {
                        guard named.placedBy != .village else { continue }
                        change.confirmed.append(p.id)
                    } else {
                        change.moved.append(p.id)
                    }
                }
                p.commune = target
                p.namedPlace?.placedBy = .village
                try txn.update(try prepare(p))
            }
            return change
        }
    }

    /// Removes the rule for `village` of old commune `oldCommune` and returns it (`nil`: there
    /// was none). The files it placed stay where they are (placed by the village); later
    /// imports place the village's files by default again. Only an admin removes rules.
    ///
    /// ```swift
    /// print(try program.removeVillageRule(oldCommune: 6178, village: "Nà Pàn") == nil)   // true
    /// ```
    @discardableResult
    public func removeVillageRule(oldCommune old: Int32, village: String) throws -> VillageRule? {
        guard tenant.principal.role == "admin" else {
            throw HosoError.accessDenied(principal: tenant.principal.name, operation: "remove the village rule \(old) '\(village)'",
                                         reason: "only an admin changes village rules")
        }
        let key = VillageRule.key(village)
        return try tenant.write { txn in
            var rules = try Self.villageRules(txn.setting(VillageRule.settingName))
            guard let found = rules.first(where: { $0.oldCommune == old && $0.key == key }) else { return nil }
            rules.removeAll { $0.oldCommune == old && $0.key == key }
            try txn.setSetting(VillageRule.settingName, VillageRule.encode(rules))
            return found
        }
    }

    /// The villages the files naming old commune `oldCommune` name, folded, with how many
    /// files each holds, where they are counted and how they were placed, and the rule for it:
    /// most files first, then by village. Reads every file naming the old commune (villages
    /// are personal fields: log what is shown with ``logPersonalRead(_:personIDs:)``); in a
    /// sealed tenant the files whose key the handle lacks form one group with
    /// ``NamedVillage/sealed`` set.
    ///
    /// ```swift
    /// print(try program.villages(ofOldCommune: 6178).isEmpty)   // true
    /// ```
    public func villages(ofOldCommune old: Int32) throws -> [NamedVillage] {
        let sealed = try isSealed()
        var files: [(id: RecordID, village: String?, commune: Int32, placedBy: NamedPlace.PlacedBy)] = []
        let rules = try read { q in
            _ = try q.allPersons { p in
                if let named = p.namedPlace, named.commune.commune == old { files.append((p.id, p.village, p.commune.commune, named.placedBy)) }
                return true
            }
            return VillageRuleBook(try Self.villageRules(q.txn.setting(VillageRule.settingName)))
        }
        var held: [Int32: Bool] = [:]
        if sealed {
            for c in Set(files.map(\.commune)) { held[c] = try tenant.holdsKey(of: String(c)) }
        }
        struct Group { var spellings: [String: (count: Int, first: RecordID)] = [:]; var v = NamedVillage(village: nil, key: "", sealed: false, persons: [], communes: [:], placements: [:]) }
        var groups: [String: Group] = [:]
        for f in files {
            let unread = sealed && held[f.commune] != true
            let key = unread ? "\u{0}sealed" : (f.village.map(VillageRule.key) ?? "")
            var g = groups[key] ?? Group()
            g.v.key = unread ? "" : key
            g.v.sealed = unread
            g.v.persons.append(f.id)
            g.v.communes[f.commune, default: 0] += 1
            g.v.placements[f.placedBy, default: 0] += 1
            if !unread, let v = f.village, !key.isEmpty {
                let s = v.trimmingCharacters(in: .whitespaces)
                let e = g.spellings[s] ?? (0, f.id)
                g.spellings[s] = (e.count + 1, min(e.first, f.id))
            }
            groups[key] = g
        }
        return groups.values.map { g in
            var v = g.v
            v.village = g.spellings.max { a, b in a.value.count != b.value.count ? a.value.count < b.value.count : a.value.first > b.value.first }?.key
            v.persons.sort()
            v.rule = v.key.isEmpty ? nil : rules.rules[old]?[v.key]
            return v
        }.sorted { ($0.persons.count, $1.key) > ($1.persons.count, $0.key) }
    }
}
