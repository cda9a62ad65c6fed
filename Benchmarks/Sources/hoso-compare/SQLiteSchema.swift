/// The SQLite side's tables and indexes: the same facts Hoso stores (persons with their file
/// events and status intervals, case events and their links to persons), with the secondary
/// indexes that serve the compared questions.
///
/// Days are stored as Hoso's `Day.rawValue` (days since 1970-01-01); an open-ended interval has
/// `end_day = 2147483647` (Hoso's interval index uses the same sentinel), so "contains day D" is
/// `start <= D AND end_day > D` over one index.
enum SQLiteSchema {
    static let openEnd = Int64(Int32.max)

    /// The memory map the query connection reads through (`PRAGMA mmap_size`).
    static let queryMapBytes = 1 << 30

    /// The secondary indexes, by name, with what each serves.
    static let indexNames = ["persons_national_id (get by national ID)", "persons_current(current_commune, current_status) (count by commune + status)",
                             "status_intervals_status_commune(status, commune, start, end_day) (as-of and entering counts)",
                             "events_commune_date_kind(commune, date, kind) (events of a commune by kind)", "event_persons_person"]

    static let tables = """
    CREATE TABLE persons(
        id INTEGER PRIMARY KEY,
        full_name TEXT NOT NULL,
        birth_date INTEGER,
        sex INTEGER NOT NULL,
        national_id TEXT,
        province INTEGER NOT NULL,
        district INTEGER NOT NULL,
        commune INTEGER NOT NULL,
        village TEXT,
        permanent_commune INTEGER,
        permanent_village TEXT,
        occupation TEXT,
        drugs TEXT,
        file_opened INTEGER NOT NULL,
        not_present INTEGER NOT NULL,
        from_another_locality INTEGER NOT NULL,
        current_commune INTEGER NOT NULL,   -- Person.commune(on: today)
        current_status INTEGER NOT NULL     -- Person.status(on: today)
    );
    CREATE UNIQUE INDEX persons_national_id ON persons(national_id);
    CREATE INDEX persons_current ON persons(current_commune, current_status);

    CREATE TABLE person_events(
        person_id INTEGER NOT NULL,
        sequence INTEGER NOT NULL,
        date INTEGER NOT NULL,
        kind INTEGER NOT NULL,
        outcome INTEGER,
        program INTEGER,
        term_months INTEGER,
        commune INTEGER,
        carried_status INTEGER,
        carried_term_end INTEGER,
        voids INTEGER,
        note TEXT,
        PRIMARY KEY(person_id, sequence)
    ) WITHOUT ROWID;

    CREATE TABLE status_intervals(
        person_id INTEGER NOT NULL,
        position INTEGER NOT NULL,          -- index in Person.history
        status INTEGER NOT NULL,
        province INTEGER NOT NULL,
        district INTEGER NOT NULL,
        commune INTEGER NOT NULL,
        start INTEGER NOT NULL,
        end_day INTEGER NOT NULL,           -- 2147483647 while open
        ends_by_term INTEGER NOT NULL,
        PRIMARY KEY(person_id, position)
    ) WITHOUT ROWID;
    CREATE INDEX status_intervals_status_commune ON status_intervals(status, commune, start, end_day);

    CREATE TABLE events(
        id INTEGER PRIMARY KEY,
        kind INTEGER NOT NULL,
        province INTEGER NOT NULL,
        district INTEGER NOT NULL,
        commune INTEGER NOT NULL,
        date INTEGER NOT NULL,
        offence_article INTEGER,
        stage INTEGER,
        arrested INTEGER NOT NULL,
        area_m2 INTEGER NOT NULL,
        plants INTEGER NOT NULL,
        quantity INTEGER NOT NULL,
        tip_outcome INTEGER,
        resolved_date INTEGER,
        mobile_trial INTEGER NOT NULL,
        note TEXT
    );
    CREATE INDEX events_commune_date_kind ON events(commune, date, kind);

    CREATE TABLE event_persons(
        event_id INTEGER NOT NULL,
        person_id INTEGER NOT NULL,
        PRIMARY KEY(event_id, person_id)
    ) WITHOUT ROWID;
    CREATE INDEX event_persons_person ON event_persons(person_id);
    """

    /// Opens (creating) a database in WAL mode with `synchronous` = NORMAL or FULL, a 64 MiB page
    /// cache and a 10 s busy timeout.
    static func open(path: String, synchronous: String = "NORMAL") throws -> SQLiteConnection {
        let db = try SQLiteConnection(path: path)
        try db.exec("PRAGMA busy_timeout = 10000")
        let mode = try db.text("PRAGMA journal_mode = WAL")
        guard mode?.lowercased() == "wal" else { throw SQLiteError(code: 0, message: "journal_mode is \(mode ?? "?")", context: "PRAGMA journal_mode = WAL") }
        try db.exec("PRAGMA synchronous = \(synchronous); PRAGMA cache_size = -65536")
        return db
    }

    /// Creates a new database with the tables and indexes.
    static func create(path: String) throws -> SQLiteConnection {
        let db = try open(path: path)
        try db.exec(tables)
        return db
    }
}
