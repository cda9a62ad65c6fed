import HosoStore

/// A drug-prevention program tenant: the Swift API an embedding tool uses. It validates every
/// record against the tenant's communes and rules, derives status histories, and answers the
/// questions of DOMAIN.md from the engine's indexes (``read(_:)`` for several questions on one
/// snapshot).
///
/// ```swift
/// let store = try Store(directory: directory)
/// let program = try ProgramTenant.create(in: store, name: "lang-son", provinceCode: 20,
///                                        calendar: try ReportingCalendar(yearStartMonth: 12, yearStartDay: 10, monthStartDay: 10))
/// let person = Person(id: 1, fullName: "Nguyễn Văn An", commune: program.settings.communes[0].ref, fileOpened: Day(year: 2025, month: 5, day: 2)!)
/// try program.addPerson(person, events: [PersonEvent(date: person.fileOpened, kind: .addictionDetermination, outcome: .addicted)])
/// let addicts = try program.countPersons(.addict, in: .province(20), on: Day(year: 2025, month: 12, day: 10)!)
/// print(addicts)   // 1
/// ```
public final class ProgramTenant: Sendable {
    /// The engine tenant underneath (for generic queries and the change log).
    public let tenant: Tenant
    /// The tenant's province, calendar, communes, populations and rules as of opening.
    public let settings: ProgramSettings
    private let communesByCode: [Int32: CommuneEntry]

    /// The record types of a program tenant.
    public static let schema = Schema([Person.schema, CaseEvent.schema, PersonAlias.schema])

    init(tenant: Tenant, settings: ProgramSettings) {
        self.tenant = tenant; self.settings = settings
        var table: [Int32: CommuneEntry] = [:]
        for c in settings.communes { table[c.ref.commune] = c }
        communesByCode = table
    }

    /// Creates a tenant for a province of the 2025 gazetteer (all its communes), with a
    /// reporting calendar and term rules.
    ///
    /// ```swift
    /// let program = try ProgramTenant.create(in: store, name: "lang-son", provinceCode: 20)
    /// print(program.name)   // lang-son
    /// ```
    ///
    /// - Throws: ``HosoStore/HosoError/tenantAlreadyExists(name:store:)``, ``HosoStore/HosoError/invalidField(record:field:value:reason:)``
    ///   for a province code the gazetteer does not know.
    public static func create(in store: Store, name: String, provinceCode: Int32, displayName: String? = nil,
                              calendar: ReportingCalendar = .gregorian, rules: TermRuleBook = TermRuleBook(),
                              populations: [Int: [Int32: Int]] = [:], as principal: Principal? = nil) throws -> ProgramTenant {
        let gazetteer = try Gazetteer.official2025()
        guard let province = gazetteer.province(code: provinceCode) else {
            throw HosoError.invalidField(record: "tenant \(name)", field: "province code", value: String(provinceCode),
                                         reason: "is not a province of the 2025 gazetteer (codes: \(gazetteer.provinces.map { String($0.code) }.joined(separator: ", ")))")
        }
        let communes = gazetteer.communes(inProvince: provinceCode).map {
            CommuneEntry(ref: CommuneRef(province: provinceCode, commune: $0.code), name: $0.name, type: $0.type)
        }
        return try create(in: store, info: TenantInfo(name: name, displayName: displayName ?? province.name),
                          settings: ProgramSettings(communes: communes, populations: populations, rules: rules,
                                                    province: provinceCode, calendar: calendar), as: principal)
    }

    /// Creates a tenant with explicit settings (any set of communes, e.g. pre-2025 ones, and the
    /// province and calendar they carry). The tenant appears with its settings or not at all;
    /// with `unfinished` it is marked unfinished (``HosoStore/TenantInfo/unfinished``) until
    /// ``markFinished()``.
    ///
    /// ```swift
    /// let data = try SyntheticProvince(provinceCode: 20, persons: 10, events: 10)
    /// let program = try ProgramTenant.create(in: store, info: TenantInfo(name: "demo", displayName: "Lạng Sơn (demo)"),
    ///                                        settings: data.settings(), unfinished: "demo load")
    /// print(try program.unfinishedReason() ?? "")   // demo load
    /// ```
    public static func create(in store: Store, info: TenantInfo, settings: ProgramSettings, unfinished: String? = nil,
                              as principal: Principal? = nil) throws -> ProgramTenant {
        let acting = principal ?? store.principal
        let access = ProgramAccess(for: acting, settings: settings)
        guard access.role == .admin else {
            throw HosoError.accessDenied(principal: acting.name, operation: "create tenant \(info.name)", reason: "only an admin creates tenants")
        }
        var version = RecordWriter(formatVersion: 1)
        version.write(1, derivationVersion)
        let tenant = try store.createTenant(info, schema: schema, settings: [ProgramSettings.settingName: settings.encoded(),
                                                                             derivationSetting: version.bytes],
                                            unfinished: unfinished, as: acting)
        return ProgramTenant(tenant: tenant.acting(as: acting, policy: access), settings: settings)
    }

    /// Recomputes every index from the records and compares (see ``HosoStore/Tenant/verify(progress:)``).
    ///
    /// ```swift
    /// let report = try program.verify()
    /// print(report.isConsistent)   // true
    /// ```
    public func verify(progress: ((String) -> Void)? = nil) throws -> VerifyReport { try tenant.verify(progress: progress) }

    /// Opens an existing program tenant. A tenant created by an older build, which kept its
    /// province and calendar in the engine's metadata, opens with them in ``settings``.
    ///
    /// ```swift
    /// let again = try ProgramTenant.open(in: store, name: program.name)
    /// print(again.name)   // lang-son
    /// ```
    ///
    /// The handle acts as `principal` (by default the store's, ``HosoStore/Store/principal``)
    /// under `policy`, by default the program's roles and places (``ProgramAccess``): every
    /// read and write through it passes that decision.
    public static func open(in store: Store, name: String, as principal: Principal? = nil,
                            policy: (any AccessPolicy)? = nil) throws -> ProgramTenant {
        let opened = try store.openTenant(name, schema: schema, as: principal, policy: AllowAll())
        let settings = try settings(of: opened, name: name)
        let tenant = opened.acting(as: opened.principal, policy: policy ?? ProgramAccess(for: opened.principal, settings: settings))
        let program = ProgramTenant(tenant: tenant, settings: settings)
        try program.upgradeDerivedData()
        return program
    }

    /// A handle on the same tenant that opens the personal fields sealed under the keys wrapped
    /// for its principal (see ``HosoStore/Tenant/seal(recoveryPublicKey:)``): the officer's key
    /// opens the communes assigned, an admin's every commune. A store opened with
    /// ``HosoStore/Store/Options/identity`` does this for every tenant.
    ///
    /// ```swift
    /// let key = SealingIdentity.generate()
    /// let mine = program.unlocked(with: key)
    /// print(mine.name)   // lang-son
    /// ```
    public func unlocked(with identity: SealingIdentity) -> ProgramTenant {
        ProgramTenant(tenant: tenant.unlocked(with: identity), settings: settings)
    }

    /// A handle on the same tenant whose reads log, in the processing log under `label`, every
    /// person whose personal fields they hand out (a person's record; a case event's note, for
    /// the persons it names): what an embedding program (a portal showing files) opens its
    /// users' handles with. `nil` stops it. The shell and `hoso` log their statements
    /// themselves and do not use it.
    ///
    /// ```swift
    /// let person = Person(id: 7, fullName: "Hoàng Văn Nam", commune: congSon, fileOpened: Day(year: 2025, month: 4, day: 1)!)
    /// _ = try program.addPerson(person, events: [PersonEvent(date: person.fileOpened, kind: .addictionDetermination, outcome: .addicted)])
    /// let portal = program.loggingReads("portal: person page")
    /// _ = try portal.person(id: 7)
    /// _ = try portal.currentCount(.addict, in: .commune(congSon))   // a count: not a personal read
    /// print(try program.processingLog().map(\.what), try program.processingLog().last?.personIDs ?? [])   // ["portal: person page"] [7]
    /// ```
    public func loggingReads(_ label: String?) -> ProgramTenant {
        ProgramTenant(tenant: tenant.loggingReads(label.map { ReadLogging(label: $0, recordType: Person.schema.name, subjects: Self.personsRevealed) }),
                      settings: settings)
    }

    /// The persons whose personal fields `record`, as handed out, reveals.
    @Sendable static func personsRevealed(_ record: any StoredRecord) -> [RecordID] {
        switch record {
        case let p as Person:
            let personal = !p.fullName.isEmpty || p.nationalID != nil || p.pendingNationalID != nil || p.birthDate != nil || p.village != nil
                || p.permanentVillage != nil || p.occupation != nil || p.events.contains { $0.note != nil }
            return personal ? [p.id] : []
        case let e as CaseEvent: return e.note != nil ? e.personIDs : []
        default: return []
        }
    }

    /// The access decisions of this handle's principal (``ProgramAccess``): what the shell asks
    /// before it runs a statement.
    public var access: ProgramAccess { tenant.policy as? ProgramAccess ?? ProgramAccess(for: tenant.principal, settings: settings) }

    /// The program settings of an open tenant.
    static func settings(of tenant: Tenant, name: String) throws -> ProgramSettings {
        guard let bytes = try tenant.setting(ProgramSettings.settingName) else {
            throw HosoError.unknownSchemaElement("tenant '\(name)' is not a program tenant (it has no program settings)")
        }
        return try ProgramSettings.decode(bytes, legacy: try tenant.info())
    }

    /// Replaces the settings (communes, populations, rules) and re-derives every person whose
    /// history the new rules change. Returns a handle with the new settings.
    public func updateSettings(_ new: ProgramSettings) throws -> ProgramTenant {
        let updated = ProgramTenant(tenant: tenant, settings: new)
        try tenant.write { txn in
            try txn.setSetting(ProgramSettings.settingName, new.encoded())
            try Self.rederive(txn, settings: new)
        }
        return updated
    }

    /// What the derived parts of stored records are computed by: raised when the derivation
    /// changes (1: histories; 2: status changes with their causes, terms judged at the decision
    /// and paused, event deadlines), so that opening an older tenant derives them again.
    static let derivationVersion: Int64 = 2
    static let derivationSetting = "program.derivation"

    /// Re-derives every person's history and changes and every event's deadline under
    /// `settings`, updating the records (and so every index) that differ.
    static func rederive(_ txn: borrowing TenantWriter, settings: ProgramSettings) throws {
        var changed: [Person] = []
        try txn.scan(Person.self) { p in
            var q = p
            q.apply(StatusMachine.derive(events: p.events, registeredIn: p.commune, birthDate: p.birthDate, rules: settings.rules))
            if q != p { changed.append(q) }
            return true
        }
        for p in changed { try txn.update(p) }
        var events: [CaseEvent] = []
        try txn.scan(CaseEvent.self) { e in
            var f = e
            f.deadline = settings.rules.deadline(of: e)
            if f != e { events.append(f) }
            return true
        }
        for e in events { try txn.update(e) }
        var w = RecordWriter(formatVersion: 1)
        w.write(1, derivationVersion)
        try txn.setSetting(derivationSetting, w.bytes)
    }

    /// Derives the records of a tenant written by an older build again (once: the version is
    /// kept in the tenant's settings). It runs as the system, whoever opens the tenant: it
    /// changes only what is derived from the records (the change log shows it), and a reader
    /// whose policy allows no write must still be able to open an older tenant.
    func upgradeDerivedData() throws {
        if let bytes = try tenant.setting(Self.derivationSetting) {
            var version: Int64 = 0
            try bytes.withUnsafeBytes { raw in
                var r = try RecordReader(raw, recordType: "program derivation")
                while let f = try r.next() { if f.number == 1 { version = try f.int64() } }
            }
            if version >= Self.derivationVersion { return }
        }
        let settings = self.settings
        try tenant.acting(as: .system, policy: AllowAll()).write { try Self.rederive($0, settings: settings) }
    }

    // MARK: Communes

    /// The commune with official code `code`, if the tenant manages it.
    public func commune(code: Int32) -> CommuneEntry? { communesByCode[code] }

    /// Resolves a commune code to its reference, naming the field in the error.
    public func communeRef(code: Int32, field: String = "commune", record: String = "record") throws(ProgramError) -> CommuneRef {
        guard let c = communesByCode[code] else { throw .unknownCommune(code: Int64(code), field: field, record: record) }
        return c.ref
    }

    /// The population of a commune in a year, if configured.
    public func population(of commune: Int32, year: Int) -> Int? { settings.populations[year]?[commune] }

    // MARK: Validation

    /// Checks a person and derives its history; returns the record as it will be stored.
    public func prepare(_ person: Person) throws -> Person {
        var p = person
        // The names an error gives are built only for an error: a load prepares every file.
        let id = p.id
        func label() -> String { "person \(id)" }
        guard !Self.isBlank(p.fullName) else {
            throw HosoError.invalidField(record: label(), field: "full_name", value: p.fullName, reason: "is empty; every file needs the person's name")
        }
        p.commune = try resolve(p.commune, field: "commune", record: label())
        if let c = p.permanentCommune, communesByCode[c.commune] != nil { p.permanentCommune = try resolve(c, field: "permanent_commune", record: label()) }
        if let id = p.nationalID {
            if id.isEmpty { p.nationalID = nil }
            else if id.utf8.count != 12 || !id.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
                throw HosoError.invalidField(record: label(), field: "national_id", value: id, reason: "is not a national ID: it must be exactly 12 digits")
            }
        }
        if let id = p.pendingNationalID {
            if id.isEmpty || id == p.nationalID { p.pendingNationalID = nil }
            else if id.utf8.count != 12 || !id.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
                throw HosoError.invalidField(record: label(), field: "pending_national_id", value: id, reason: "is not a national ID: it must be exactly 12 digits")
            }
        }
        if let birth = p.birthDate {
            guard birth <= p.fileOpened else {
                throw HosoError.invalidDate(value: birth.description, field: "birth_date", record: label(), reason: "it is after the file was opened (\(p.fileOpened))")
            }
            guard birth.year >= 1900 else {
                throw HosoError.invalidDate(value: birth.description, field: "birth_date", record: label(), reason: "it is before 1900")
            }
        }
        var sequences = Set<Int>()
        var next = (p.events.map(\.sequence).max() ?? 0) + 1
        for i in p.events.indices {
            if p.events[i].sequence <= 0 { p.events[i].sequence = next; next += 1 }
            guard sequences.insert(p.events[i].sequence).inserted else {
                throw HosoError.invalidField(record: label(), field: "events[\(i)].sequence", value: String(p.events[i].sequence), reason: "is used twice in the file")
            }
        }
        var deathDay: Day? = nil
        for (i, e) in p.events.enumerated() {
            func field() -> String { "events[\(i)] (\(e.kind))" }
            if let birth = p.birthDate, e.date < birth {
                throw HosoError.invalidDate(value: e.date.description, field: field(), record: label(), reason: "it is before the birth date \(birth)")
            }
            if e.date.year < 1900 || e.date.year > 2200 {
                throw HosoError.invalidDate(value: e.date.description, field: field(), record: label(), reason: "the year is out of range 1900–2200")
            }
            if let c = e.commune { p.events[i].commune = try resolve(c, field: field() + ".commune", record: label()) }
            if e.kind == .moveIn && e.commune == nil {
                throw HosoError.invalidField(record: label(), field: field() + ".commune", value: "", reason: "is missing: a move in needs the commune arrived in")
            }
            if let m = e.termMonths, !(1...60).contains(m) {
                throw HosoError.invalidField(record: label(), field: field() + ".term_months", value: String(m), reason: "must be between 1 and 60")
            }
            if e.kind == .correction {
                guard let v = e.voids, sequences.contains(v), v != e.sequence else {
                    throw HosoError.invalidField(record: label(), field: field() + ".voids", value: e.voids.map(String.init) ?? "", reason: "must name the sequence number of an earlier event of this file")
                }
            }
            if e.kind == .death && e.kind != .correction { deathDay = min(deathDay ?? e.date, e.date) }
        }
        if let deathDay, let late = p.events.first(where: { $0.date > deathDay && $0.kind != .correction }) {
            throw HosoError.invalidDate(value: late.date.description, field: "events (\(late.kind))", record: label(), reason: "it is after the person's death on \(deathDay)")
        }
        let derived = StatusMachine.derive(events: p.events, registeredIn: p.commune, birthDate: p.birthDate, rules: settings.rules)
        if let refused = derived.refusals.first, let i = p.events.firstIndex(where: { $0.sequence == refused.sequence }) {
            throw HosoError.invalidField(record: label(), field: "events[\(i)] (\(refused.kind))", value: refused.date.description,
                                         reason: refused.reason)
        }
        p.apply(derived)
        return p
    }

    /// Whether `text` holds nothing but spaces and tabs, as `trimmingCharacters(in: .whitespaces)`
    /// would leave it empty, decided without Foundation: a load asks this of every file, and
    /// bridging each name to an `NSString` cost more than the rest of the name's checks.
    /// Foundation's whitespace is the tab, the space separators (Zs) and the zero-width space.
    static func isBlank(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { c in
            switch c.value {
            case 0x09, 0x20, 0xA0, 0x1680, 0x2000...0x200B, 0x202F, 0x205F, 0x3000: true
            default: false
            }
        }
    }

    private func resolve(_ c: CommuneRef, field: @autoclosure () -> String, record: @autoclosure () -> String) throws(ProgramError) -> CommuneRef {
        guard let entry = communesByCode[c.commune], c.province == 0 || c.province == entry.ref.province else {
            throw .unknownCommune(code: Int64(c.commune), field: field(), record: record())
        }
        return entry.ref
    }

    /// An engine refusal about `person` in the program's words (see ``ProgramError/refusal(_:of:)``).
    private func mapUnique(_ error: any Error, _ person: Person) -> any Error {
        ProgramError.refusal(error, of: person) ?? error
    }

    // MARK: Writes

    /// Validates and inserts a new file with its first events.
    @discardableResult
    public func addPerson(_ person: Person, events: [PersonEvent] = []) throws -> Person {
        try authorizeWrite(Person.self)
        var p = person
        p.events += events
        let prepared = try prepare(p)
        do {
            try tenant.write { txn in
                if let alias = try txn.get(PersonAlias.self, id: prepared.id) { throw Self.aliasInUse(alias) }
                try txn.insert(prepared)
            }
        } catch { throw mapUnique(error, prepared) }
        return prepared
    }

    /// Refuses up front a write the handle's principal may not make at all (an analyst's, an
    /// auditor's), before the record is read and compared; the engine checks each record too.
    func authorizeWrite<R: StoredRecord>(_ type: R.Type) throws {
        try tenant.policy.authorize(.write(recordType: R.schema.name), by: tenant.principal)
    }

    /// The refusal of a new file whose id is the alias of a merged file.
    static func aliasInUse(_ alias: PersonAlias) -> HosoError {
        .invalidField(record: "person \(alias.id)", field: "id", value: String(alias.id),
                      reason: "is the id of a file merged into person \(alias.person); give the file an unused id (or undo the merge: hoso persons unmerge \(alias.id))")
    }

    /// Replaces a file's identity fields. Its events are facts: the new record must keep every
    /// recorded event unchanged (add events with ``record(_:for:)``; void one with a correction).
    @discardableResult
    public func updatePerson(_ person: Person) throws -> Person {
        try authorizeWrite(Person.self)
        let prepared = try prepare(person)
        do {
            try tenant.write { txn in
                guard let old = try txn.get(Person.self, id: person.id) else { throw HosoError.recordNotFound(type: "person", id: person.id) }
                guard prepared.events.count >= old.events.count, Array(prepared.events.prefix(old.events.count)) == old.events else {
                    throw HosoError.invalidField(record: "person \(person.id)", field: "events", value: "\(prepared.events.count) events",
                                                 reason: "would change recorded events; history is never overwritten: record a correction event instead")
                }
                try txn.update(prepared)
            }
        } catch { throw mapUnique(error, prepared) }
        return prepared
    }

    /// Appends an event to a file and re-derives its history.
    @discardableResult
    public func record(_ event: PersonEvent, for personID: RecordID) throws -> Person {
        try authorizeWrite(Person.self)
        return try tenant.write { txn in
            guard var p = try txn.get(Person.self, id: personID) else { throw HosoError.recordNotFound(type: "person", id: personID) }
            var e = event
            e.sequence = (p.events.map(\.sequence).max() ?? 0) + 1
            p.events.append(e)
            let prepared = try prepare(p)
            try txn.update(prepared)
            return prepared
        }
    }

    /// Deletes a file (an administrative act; the change log keeps who did it and when). Every
    /// change-log copy of the file is rewritten without its personal fields
    /// (``Person/redactedForDeletion()``); the bytes still sit in the file's free pages until
    /// ``HosoStore/Store/scrubTenant(_:)`` compacts them away, which the shell's `DELETE` does.
    ///
    /// ```swift
    /// try program.addPerson(Person(id: 1, fullName: "Nguyễn Văn An", commune: congSon, fileOpened: Day(year: 2025, month: 3, day: 10)!))
    /// let removed = try program.deletePerson(id: 1)
    /// let (before, after) = try store.scrubTenant(program.name)
    /// print(removed, after <= before)   // true true
    /// ```
    @discardableResult
    public func deletePerson(id: RecordID) throws -> Bool { try tenant.write { try $0.delete(Person.self, id: id) } }

    /// Validates a case event (commune known, persons on file, amounts not negative).
    public func prepare(_ event: CaseEvent) throws -> CaseEvent {
        var e = event
        // The names an error gives are built only for an error: a load prepares every event.
        let id = e.id
        func label() -> String { "event \(id)" }
        e.commune = try resolve(e.commune, field: "commune", record: label())
        if e.arrested < 0 || e.areaM2 < 0 || e.plants < 0 || e.quantity < 0 {
            for (name, v) in [("arrested", e.arrested), ("area_m2", e.areaM2), ("plants", e.plants), ("quantity", e.quantity)] where v < 0 {
                throw HosoError.invalidField(record: label(), field: name, value: String(v), reason: "must not be negative")
            }
        }
        if let a = e.offenceArticle, !(247...259).contains(a) {
            throw HosoError.invalidField(record: label(), field: "offence_article", value: String(a), reason: "is not a drug offence article of the Criminal Code (247–259)")
        }
        if let r = e.resolvedDate, r < e.date {
            throw HosoError.invalidDate(value: r.description, field: "resolved_date", record: label(), reason: "it is before the event's date \(e.date)")
        }
        if e.date.year < 1900 || e.date.year > 2200 {
            throw HosoError.invalidDate(value: e.date.description, field: "date", record: label(), reason: "the year is out of range 1900–2200")
        }
        if e.extensions != 0 && (e.kind != .tip || !(0...2).contains(e.extensions)) {
            throw HosoError.invalidField(record: label(), field: "extensions", value: String(e.extensions),
                                         reason: e.kind == .tip ? "must be 0, 1 (2 months) or 2 (2 + 2 months)" : "only a tip's deadline is extended; leave it empty")
        }
        if let r = e.reforms, e.kind != .hotspot || r == e.id {
            throw HosoError.invalidField(record: label(), field: "reforms", value: String(r),
                                         reason: e.kind == .hotspot ? "a hotspot cannot re-form itself" : "only a hotspot re-forms an earlier hotspot; leave it empty")
        }
        e.deadline = settings.rules.deadline(of: e)
        return e
    }

    /// Validates and inserts a case event.
    public func addEvent(_ event: CaseEvent) throws {
        try authorizeWrite(CaseEvent.self)
        let e = try prepare(event)
        try tenant.write { txn in
            for p in e.personIDs where try !txn.contains(Person.self, id: p) {
                throw HosoError.invalidField(record: "event \(e.id)", field: "person_ids", value: String(p), reason: "names no person on file")
            }
            try txn.insert(e)
        }
    }

    /// Validates and replaces a case event.
    public func updateEvent(_ event: CaseEvent) throws {
        try authorizeWrite(CaseEvent.self)
        let e = try prepare(event)
        try tenant.write { try $0.update(e) }
    }

    /// Deletes a case event.
    @discardableResult
    public func deleteEvent(id: RecordID) throws -> Bool { try tenant.write { try $0.delete(CaseEvent.self, id: id) } }

    /// Loads many persons, then many events, in large batches (see ``HosoStore/Tenant/bulkLoad(_:batchSize:progress:)``).
    /// Every record is validated first; a bad record stops the load with the batches before it
    /// loaded: a ``ProgramLoadError`` for a reason of the program (an unknown commune, a national
    /// ID held), a ``HosoStore/BulkLoadError`` for one of the engine.
    /// With `personConflicts` / `eventConflicts`, a record the store refuses when its batch is
    /// written (its id exists, or its national ID is held: a concurrent import got there first)
    /// is handed over with the reason (a ``HosoStore/HosoError`` or a ``ProgramError``) instead
    /// of stopping the load.
    ///
    /// ```swift
    /// let data = try SyntheticProvince(provinceCode: 20, persons: 10, events: 20)
    /// try program.load(persons: data.persons(), events: data.events(), batchSize: 100_000) { kind, p in
    ///     print(kind, p.recordsLoaded)
    /// }
    /// print(try program.personCount())   // 10
    /// ```
    public func load<P: Sequence<Person>, E: Sequence<CaseEvent>>(persons: P, events: E, batchSize: Int = 50_000,
                                                                  progress: ((String, BulkLoadProgress) -> Void)? = nil,
                                                                  personConflicts: ((Person, any Error) -> Void)? = nil,
                                                                  eventConflicts: ((CaseEvent, any Error) -> Void)? = nil) throws {
        // Where the load is, for a refusal of the program; and the national IDs of the batches
        // not yet committed (the engine prepares one while the one before it is written), by
        // batch number from 1, for a refusal of the engine's unique index that fails one.
        var batches = 0, loaded = 0
        var nationalIDs: [Int: [RecordID: String]] = [:]
        var handedOver = 0
        func committed(_ kind: String, _ p: BulkLoadProgress) {
            batches = p.batchesCommitted; loaded = p.recordsLoaded
            nationalIDs[p.batchesCommitted] = nil
            progress?(kind, p)
        }
        do {
            var people = persons.makeIterator()
            try tenant.bulkLoad(Person.self, batchSize: batchSize, progress: { committed("person", $0) },
                                conflicts: personConflicts.map { report in { p, error in report(p, ProgramError.refusal(error, of: p) ?? error) } }) {
                guard let p = try people.next().map(self.prepare) else { return nil }
                if personConflicts == nil, let n = p.nationalID { nationalIDs[handedOver / batchSize + 1, default: [:]][p.id] = n }
                handedOver += 1
                return p
            }
        } catch let error as BulkLoadError {
            if case let .uniqueViolation(index, _, existing, new) = error.underlying,
               index == Person.schema.name + "." + Person.byNationalID.name, let nationalID = nationalIDs[error.batch]?[new] {
                throw ProgramLoadError(batch: error.batch, recordsLoaded: error.recordsLoaded,
                                       underlying: .duplicateNationalID(nationalID: nationalID, existing: existing, new: new))
            }
            throw error
        } catch let error as ProgramError {
            throw ProgramLoadError(batch: batches + 1, recordsLoaded: loaded, underlying: error)
        }
        batches = 0; loaded = 0
        do {
            var cases = events.makeIterator()
            try tenant.bulkLoad(CaseEvent.self, batchSize: batchSize, progress: { committed("event", $0) },
                                conflicts: eventConflicts.map { report in { e, error in report(e, error) } }) {
                try cases.next().map(self.prepare)
            }
        } catch let error as ProgramError {
            throw ProgramLoadError(batch: batches + 1, recordsLoaded: loaded, underlying: error)
        }
    }
}

import Foundation
