import HosoDomain

/// What statements run against: the program tenant, its communes, its current day and
/// reporting calendar.
///
/// ```swift
/// let context = try QueryContext(program: ProgramTenant.open(in: store, name: "demo"))
/// print(context.province)   // 20
/// ```
public struct QueryContext: Sendable {
    /// The tenant.
    public let program: ProgramTenant
    /// Its communes by code and name.
    public let communes: CommuneDirectory
    /// The tenant's current day (the default `AS OF`, and the day of the "current" indexes).
    public let today: Day
    /// The tenant's reporting calendar (for `IN REPORT YEAR n`).
    public let calendar: ReportingCalendar
    /// The province code of the tenant.
    public let province: Int32
    /// The persons whose personal fields the running statement read (for the processing log).
    public let personalReads = PersonalReads()

    /// Reads the tenant's day and calendar.
    public init(program: ProgramTenant) throws {
        self.program = program
        communes = CommuneDirectory(program.settings.communes)
        today = try program.today()
        calendar = program.calendar
        province = program.province ?? program.settings.communes.first?.ref.province ?? 0
    }
}
