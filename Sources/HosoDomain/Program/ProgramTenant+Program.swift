import HosoStore

// The program as data, per tenant: indicators, classification rule sets, targets (the bundled
// ones merged with the tenant's own, stored as the text of their files in the tenant's settings
// `program.indicators`, `program.rulesets`, `program.targets`), officer inputs and populations.

extension ProgramTenant {
    static let indicatorsSetting = "program.indicators"
    static let ruleSetsSetting = "program.rulesets"
    static let targetsSetting = "program.targets"

    private func storedText(_ name: String) throws -> String? {
        try tenant.setting(name).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The tenant's indicators: the bundled ones and those it loaded (which replace bundled ones of the same name).
    ///
    /// ```swift
    /// let set = try program.indicators()
    /// print(set["new_addicts"] != nil)   // true
    /// ```
    public func indicators() throws -> IndicatorSet {
        let bundled = try IndicatorSet.bundled()
        guard let own = try storedText(Self.indicatorsSetting) else { return bundled }
        return try bundled.merging(try IndicatorSet.parse(own, file: "setting \(Self.indicatorsSetting)"))
    }

    /// The tenant's rule sets: the bundled ones and those it loaded.
    public func ruleBook() throws -> RuleBook {
        let set = try indicators()
        let bundled = try RuleBook.bundled(indicators: set)
        guard let own = try storedText(Self.ruleSetsSetting) else { return bundled }
        return bundled.merging(try RuleBook.parse(own, file: "setting \(Self.ruleSetsSetting)", indicators: set))
    }

    /// The tenant's targets: the bundled ones that apply to its province and those it loaded.
    public func targetBook() throws -> TargetBook {
        let set = try indicators()
        let rules = try ruleBook()
        var book = TargetBook(try TargetBook.bundled(indicators: set, rules: rules).targets.filter { $0.applies(toProvince: province) })
        if let own = try storedText(Self.targetsSetting) {
            book = book.merging(try TargetBook.parse(own, file: "setting \(Self.targetsSetting)", indicators: set, rules: rules))
        }
        return book
    }

    /// Checks an indicator file against the tenant's set and adds its definitions to the tenant.
    /// `file` names it in errors. Returns how many definitions it held.
    @discardableResult
    public func loadIndicators(_ text: String, file: String) throws -> Int {
        let new = try IndicatorSet.parse(text, file: file)
        var own = try storedText(Self.indicatorsSetting).map { try IndicatorSet.parse($0, file: "setting") }
        _ = try IndicatorSet.bundled().merging(own.map { try $0.merging(new, file: file) } ?? new, file: file)
        own = try own?.merging(new, file: file) ?? new
        try tenant.setSetting(Self.indicatorsSetting, Array(own!.write().utf8))
        return new.definitions.count
    }

    /// Checks a rule-set file (its operands against the tenant's indicators) and adds its rule sets.
    @discardableResult
    public func loadRuleSets(_ text: String, file: String) throws -> Int {
        let set = try indicators()
        let new = try RuleBook.parse(text, file: file, indicators: set)
        let own = try storedText(Self.ruleSetsSetting).map { try RuleBook.parse($0, file: "setting", indicators: set) } ?? RuleBook()
        try tenant.setSetting(Self.ruleSetsSetting, Array(own.merging(new).write().utf8))
        return new.ruleSets.count
    }

    /// Checks a target file (indicators, rule sets, classes) and adds its targets.
    @discardableResult
    public func loadTargets(_ text: String, file: String) throws -> Int {
        let set = try indicators()
        let rules = try ruleBook()
        let new = try TargetBook.parse(text, file: file, indicators: set, rules: rules)
        let own = try storedText(Self.targetsSetting).map { try TargetBook.parse($0, file: "setting", indicators: set, rules: rules) } ?? TargetBook()
        try tenant.setSetting(Self.targetsSetting, Array(own.merging(new).write().utf8))
        return new.targets.count
    }

    /// Records an officer's input for a commune and year (kept with the earlier ones).
    ///
    /// ```swift
    /// let c = program.settings.communes[0].ref.commune
    /// try program.recordInput(CommuneInput(name: "offender_group", commune: c, year: 2025, value: 1, recordedBy: "cand.congson", recordedOn: day))
    /// print(try program.inputs().current("offender_group", commune: c, year: 2025)?.value ?? 0)   // 1.0
    /// ```
    public func recordInput(_ input: CommuneInput) throws { try recordInputs([input]) }

    /// Records several inputs in one write.
    public func recordInputs(_ inputs: [CommuneInput]) throws {
        for input in inputs where commune(code: input.commune) == nil {
            throw ProgramError.unknownCommune(code: Int64(input.commune), field: "commune", record: "input \(input.name)")
        }
        try tenant.write { txn in
            var all = try CommuneInputs.stored(in: txn.reader)
            for input in inputs { all.append(input) }
            try txn.setSetting(CommuneInputs.settingName, Array(all.write().utf8))
        }
    }

    /// Loads an input file (`[input name]` blocks) into the tenant; returns how many inputs it held.
    @discardableResult
    public func loadInputs(_ text: String, file: String) throws -> Int {
        let new = try CommuneInputs.parse(text, file: file)
        for i in new.history where commune(code: i.commune) == nil {
            throw ProgramFileError(file: file, line: nil, field: "commune", reason: "\(i.commune) (input \(i.name)) is not a commune of the tenant")
        }
        try tenant.write { txn in
            var all = try CommuneInputs.stored(in: txn.reader)
            for i in new.history { all.append(i) }
            try txn.setSetting(CommuneInputs.settingName, Array(all.write().utf8))
        }
        return new.history.count
    }

    /// Every officer input of the tenant.
    public func inputs() throws -> CommuneInputs { try tenant.read { try CommuneInputs.stored(in: $0) } }

    /// Sets the populations of the years in `table` (other years are kept) and returns a handle
    /// with the new settings. Codes must be communes of the tenant.
    public func setPopulations(_ table: [Int: [Int32: Int]], file: String = "populations") throws -> ProgramTenant {
        var s = settings
        for (year, rows) in table {
            for (code, n) in rows {
                guard commune(code: code) != nil else {
                    throw ProgramFileError(file: file, line: nil, field: "commune_code", reason: "\(code) (year \(year)) is not a commune of the tenant")
                }
                s.populations[year, default: [:]][code] = n
            }
        }
        try tenant.setSetting(ProgramSettings.settingName, s.encoded())
        return ProgramTenant(tenant: tenant, settings: s)
    }

    // MARK: Rows

    /// Every indicator of the tenant's set for each commune and the province over `period`.
    public func indicatorValues(_ names: [String]? = nil, period: DayRange, on day: Day? = nil) throws -> [IndicatorValue] {
        let set = try indicators()
        let chosen = names ?? set.definitions.map(\.name)
        var areas: [Area] = settings.communes.map { .commune($0.ref) }
        if let p = province { areas.append(.province(p)) }
        return try read { q in
            var out: [IndicatorValue] = []
            let inputs = try q.inputs()
            for n in chosen { for a in areas { out.append(try q.evaluate(n, in: set, area: a, period: period, on: day, inputs: inputs)) } }
            return out
        }
    }

    /// Every commune's class for `period` under rule set `name`.
    public func classify(period: DayRange, ruleSet name: String) throws -> [CommuneClassification] {
        let set = try indicators()
        guard let rs = try ruleBook()[name] else {
            throw HosoError.invalidField(record: "classification", field: "rule set", value: name,
                                         reason: "is not a rule set of the tenant; known: \(try ruleBook().ruleSets.map(\.name).joined(separator: ", "))")
        }
        return try read { try $0.classifyAll(period: period, ruleSet: rs, indicators: set) }
    }

    /// The progress of the tenant's targets (all, or those named).
    public func targetProgress(_ names: [String]? = nil) throws -> [TargetProgress] {
        let set = try indicators()
        let rules = try ruleBook()
        let targets = try targetBook().targets.filter { names?.contains($0.name) ?? true }
        return try read { q in try targets.map { try q.progress(of: $0, indicators: set, rules: rules) } }
    }
}
