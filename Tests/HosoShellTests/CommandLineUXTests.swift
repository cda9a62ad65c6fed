import Foundation
import Testing
import HosoDomain

/// The small things a new user hit at the command line, each reproduced with the built `hoso`.
@Suite struct CommandLineUXTests {
    @Test(.enabled(if: InteractiveTests.hoso != nil, "the hoso executable is not built beside the test bundle"))
    func queryOutsideAStoreCreatesNothing() throws {
        let hoso = try #require(InteractiveTests.hoso)
        let dir = NSTemporaryDirectory() + "hoso-no-store-\(UUID().uuidString)"
        let out = try InteractiveTests.run(hoso, ["query", "--store", dir, "SELECT 1"])
        #expect(out.contains("no store at \(dir)"))
        #expect(!FileManager.default.fileExists(atPath: dir))
    }

    /// `hoso places`: an old commune's successor, a new commune's predecessors and the unmapped
    /// old communes, against the mapping as PlaceHistory reads it.
    @Test(.enabled(if: InteractiveTests.hoso != nil, "the hoso executable is not built beside the test bundle"))
    func placesAcrossTheReform() throws {
        let hoso = try #require(InteractiveTests.hoso)
        let places = try PlaceHistory.official()
        let whole = try #require(places.before.communes(inProvince: 20).first { if case .whole = places.placement(ofOldCommune: $0.code) { true } else { false } })
        let out = try InteractiveTests.run(hoso, ["places", "old", String(whole.code)])
        #expect(out.contains("went whole into \(places.placement(ofOldCommune: whole.code).commune!) "), "\(out)")
        let new = try InteractiveTests.run(hoso, ["places", "new", "6184"])
        for p in places.predecessors(ofNewCommune: 6184) { #expect(new.contains(String(p.oldCode)) && new.contains(p.name), "\(new)") }
        let unmapped = try InteractiveTests.run(hoso, ["places", "unmapped", "--province", "20"])
        for c in places.unmappedOldCommunes(inProvince: 20) { #expect(unmapped.contains("\(c.code)  \(c.name)"), "\(unmapped)") }
        #expect(try InteractiveTests.run(hoso, ["places", "old", "99999"]).contains("99999 is not a commune of the 2024 gazetteer"))
    }

    @Test(.enabled(if: InteractiveTests.hoso != nil, "the hoso executable is not built beside the test bundle"))
    func sealingKeepsNamesOutOfTheFile() throws {
        let hoso = try #require(InteractiveTests.hoso)
        let dir = NSTemporaryDirectory() + "hoso-sealing-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = dir + "/store", key = dir + "/me.key", recovery = dir + "/recovery.key"
        _ = try InteractiveTests.run(hoso, ["demo", "--store", store, "--persons", "200", "--events", "400", "--table"])
        let first = try InteractiveTests.run(hoso, ["query", "--store", store, "--tenant", "demo", "--mode", "csv",
                                                    "SELECT full_name, national_id FROM persons WHERE national_id IS NOT NULL LIMIT 1"])
        let row = try #require(first.split(separator: "\n").last.map { $0.split(separator: ",").map(String.init) })
        #expect(row.count == 2 && row[1].count == 12, "\(first)")
        let file = store + "/tenants/demo/data.mdb"
        func inFile(_ text: String) -> Bool {
            let bytes = Array(FileManager.default.contents(atPath: file) ?? Data()), needle = Array(text.utf8)
            return bytes.count >= needle.count && (0...(bytes.count - needle.count)).contains { bytes[$0] == needle[0] && Array(bytes[$0..<$0 + needle.count]) == needle }
        }
        #expect(inFile(row[1]), "the check must see a national ID stored in clear")
        let made = try InteractiveTests.run(hoso, ["keys", "init", "--store", store, "--key", key])
        #expect(made.contains("wrote your key to \(key)"), "\(made)")
        let sealed = try InteractiveTests.run(hoso, ["keys", "seal", "--store", store, "--key", key, "--tenant", "demo", "--recovery-key", recovery])
        #expect(sealed.contains("sealed demo: ") && sealed.contains("keys wrapped for: "), "\(sealed)")
        #expect(!inFile(row[1]) && !inFile(row[0]), "the name or national ID is still in clear in data.mdb")
        for path in [key, recovery] {
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(path)")
        }
        let withKey = try InteractiveTests.run(hoso, ["query", "--store", store, "--key", key, "--tenant", "demo",
                                                      "SELECT full_name FROM persons WHERE national_id = '\(row[1])'"])
        #expect(withKey.contains(row[0]), "\(withKey)")
        let other = dir + "/other.key"
        _ = try InteractiveTests.run(hoso, ["keys", "init", "--store", store, "--key", other, "--replace"])
        // Replacing twice keeps both earlier keys: none is moved over another.
        let firstKey = try String(contentsOfFile: other, encoding: .utf8)
        let replaced = try InteractiveTests.run(hoso, ["keys", "init", "--store", store, "--key", other, "--replace"])
        let second = try String(contentsOfFile: other, encoding: .utf8)
        _ = try InteractiveTests.run(hoso, ["keys", "init", "--store", store, "--key", other, "--replace"])
        #expect(replaced.contains("moved your previous key to \(other).old"), "\(replaced)")
        #expect(try String(contentsOfFile: other + ".old", encoding: .utf8) == firstKey)
        #expect(try String(contentsOfFile: other + ".old.2", encoding: .utf8) == second)
        #expect(try String(contentsOfFile: other, encoding: .utf8) != second)
        let stale = try InteractiveTests.run(hoso, ["query", "--store", store, "--key", other, "--tenant", "demo", "SELECT full_name FROM persons LIMIT 1"])
        #expect(stale.contains("does not open with this key file"), "\(stale)")
        let recovered = try InteractiveTests.run(hoso, ["keys", "recover", "--store", store, "--key", other, "--tenant", "demo", "--recovery-key", recovery])
        #expect(recovered.contains("key wraps added"), "\(recovered)")
        let again = try InteractiveTests.run(hoso, ["query", "--store", store, "--key", other, "--tenant", "demo", "--mode", "csv",
                                                    "SELECT full_name FROM persons WHERE national_id = '\(row[1])'"])
        #expect(again.contains(row[0]), "\(again)")
        // The processing log keeps the statements that named the national ID with its digest in
        // its place: still no national ID in the file, and the auditor sees the digest.
        #expect(!inFile(row[1]) && !inFile(row[0]), "a logged statement wrote the national ID or name in clear")
        let audit = try InteractiveTests.run(hoso, ["audit", "--store", store, "--key", other, "--tenant", "demo"])
        #expect(audit.contains("national_id = '#") && !audit.contains(row[1]), "\(audit)")
        let status = try InteractiveTests.run(hoso, ["keys", "status", "--store", store, "--key", other, "--tenant", "demo"])
        #expect(status.contains("demo is sealed") && status.contains("#recovery"), "\(status)")
    }

    @Test(.enabled(if: InteractiveTests.hoso != nil, "the hoso executable is not built beside the test bundle"))
    func helpGivesExitCodesExamplesAndTheRightUsage() throws {
        let hoso = try #require(InteractiveTests.hoso)
        let help = try InteractiveTests.run(hoso, ["import", "--help"])
        #expect(help.contains("2 some rows were rejected") && help.contains("hoso import persons.csv --table persons"))
        for command in ["shell", "query", "export"] {
            let text = try InteractiveTests.run(hoso, [command, "--help"])
            #expect(text.contains("Exit codes:") && text.contains("Examples:"), "\(command)")
        }
        let mode = try InteractiveTests.run(hoso, ["query", "--mode", "fancy", "SELECT 1"])
        #expect(mode.contains("Usage: hoso query") && mode.contains("html"))
    }

    @Test(.enabled(if: InteractiveTests.hoso != nil, "the hoso executable is not built beside the test bundle"))
    func reportMonthUnquotedAndDotCommandsAfterSQL() throws {
        let hoso = try #require(InteractiveTests.hoso)
        let dir = NSTemporaryDirectory() + "hoso-ux-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try InteractiveTests.run(hoso, ["demo", "--store", dir, "--persons", "300", "--events", "600", "--table"])
        let a = try InteractiveTests.run(hoso, ["query", "--store", dir, "--mode", "csv", "SELECT COUNT(*) FROM events WHERE date IN REPORT MONTH 2025-06"])
        let b = try InteractiveTests.run(hoso, ["query", "--store", dir, "--mode", "csv", "SELECT COUNT(*) FROM events WHERE date IN REPORT MONTH '2025-06'"])
        #expect(a == b && a.hasPrefix("count\n"))
        let c = try InteractiveTests.run(hoso, ["shell", "--store", dir, "-c", "SELECT 1 AS x; .mode csv; SELECT 2 AS y;"])
        #expect(c.contains("x\n-\n1\n") && c.hasSuffix("y\n2\n"), "\(c)")
    }

    /// `hoso demo` in a pipe builds the realistic province and runs its showcase to the end: the
    /// classification and the target it shows are the ones the domain's brute-force tests check
    /// (16 of Lạng Sơn's named communes drug-free in 2025, 18 in all under QĐ 28).
    @Test(.enabled(if: InteractiveTests.hoso != nil, "the hoso executable is not built beside the test bundle"))
    func theDemoInAPipeRunsItsShowcaseToTheEnd() throws {
        let hoso = try #require(InteractiveTests.hoso)
        let dir = NSTemporaryDirectory() + "hoso-showcase-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: hoso)
        p.arguments = ["demo", "--store", dir]
        p.standardInput = FileHandle.nullDevice
        let pipe = Pipe()
        p.standardOutput = pipe; p.standardError = pipe
        try p.run()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(out)")
        #expect(out.contains("here is a short showcase"))
        #expect(out.range(of: #"drug_free\s+18\n"#, options: .regularExpression) != nil, "\(out)")
        #expect(out.range(of: #"lang-son-2025\s+16(\.0)?\s+>= 16\s+1\n"#, options: .regularExpression) != nil, "\(out)")
        #expect(out.range(of: #"\nnew\s+\d+\n"#, options: .regularExpression) != nil, "\(out)")
    }

    /// Statements naming a person need not go on the command line (visible in /proc): --file and
    /// stdin give the same answers; export names both files and replaces no second one unasked.
    @Test(.enabled(if: InteractiveTests.hoso != nil, "the hoso executable is not built beside the test bundle"))
    func queriesFromAFileOrStdinAndExportsThatAnnounceTheirFiles() throws {
        let hoso = try #require(InteractiveTests.hoso)
        let dir = NSTemporaryDirectory() + "hoso-ux-file-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try InteractiveTests.run(hoso, ["demo", "--store", dir, "--persons", "200", "--events", "400", "--table"])
        let sql = "SELECT id, full_name FROM persons WHERE national_id = (SELECT national_id FROM persons WHERE national_id IS NOT NULL ORDER BY id LIMIT 1);"
        let script = dir + "/find.sql"
        try Data(sql.utf8).write(to: URL(fileURLWithPath: script))
        let direct = try InteractiveTests.run(hoso, ["query", "--store", dir, "--mode", "csv", sql])
        let fromFile = try InteractiveTests.run(hoso, ["query", "--store", dir, "--mode", "csv", "--file", script])
        #expect(direct.hasPrefix("id,full_name\n") && direct.split(separator: "\n").count == 2, "\(direct)")
        #expect(fromFile == direct)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: hoso)
        p.arguments = ["query", "--store", dir, "--mode", "csv", "-"]
        let input = Pipe(), output = Pipe()
        p.standardInput = input; p.standardOutput = output
        try p.run()
        input.fileHandleForWriting.write(Data(sql.utf8)); try input.fileHandleForWriting.close()
        let fromStdin = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(fromStdin == direct && p.terminationStatus == 0)
        let bad = try InteractiveTests.run(hoso, ["query", "--store", dir, "--file", dir + "/missing.sql"])
        #expect(bad.contains("cannot read \(dir)/missing.sql"))
        let none = try InteractiveTests.run(hoso, ["query", "--store", dir])
        #expect(none.contains("give statements, --file FILE, or - to read them from stdin"))

        let kept = dir + "/person_events.csv"
        try Data("mine\n".utf8).write(to: URL(fileURLWithPath: kept))
        let refused = try InteractiveTests.run(hoso, ["export", "--store", dir, "persons", dir + "/p.csv"])
        #expect(refused.contains("\(kept) exists") && refused.contains("--replace"), "\(refused)")
        #expect(try String(contentsOfFile: kept, encoding: .utf8) == "mine\n")
        let named = try InteractiveTests.run(hoso, ["export", "--store", dir, "persons", dir + "/p.csv", "--events", dir + "/pe.csv"])
        #expect(named.contains("persons → \(dir)/p.csv and \(dir)/pe.csv: 200 records written"), "\(named)")
        let replaced = try InteractiveTests.run(hoso, ["export", "--store", dir, "persons", dir + "/p.csv", "--replace"])
        let keptNow = try String(contentsOfFile: kept, encoding: .utf8)
        #expect(replaced.contains("and \(kept)") && keptNow.hasPrefix("person_id,"))
    }

    /// Runs hoso with SUDO_USER set, as `sudo -u OWNER hoso …` run by `account` would.
    static func runBehindSudo(_ hoso: String, as account: String, _ args: [String]) throws -> (code: Int32, out: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: hoso)
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        env["SUDO_USER"] = account
        p.environment = env
        let pipe = Pipe()
        p.standardOutput = pipe; p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Users of the store: the owner is an admin, others are refused until added, an officer's
    /// writes are named after it in the change log, and only an admin changes the users.
    @Test(.enabled(if: InteractiveTests.hoso != nil, "the hoso executable is not built beside the test bundle"))
    func usersAreWhoActs() throws {
        let hoso = try #require(InteractiveTests.hoso)
        let dir = NSTemporaryDirectory() + "hoso-ux-users-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try InteractiveTests.run(hoso, ["demo", "--store", dir, "--persons", "100", "--events", "200", "--table"])
        // sudo run by someone who is not a user acts as the account sudo switched to (the owner here).
        let me = String(cString: getpwuid(geteuid())!.pointee.pw_name)
        let before = try Self.runBehindSudo(hoso, as: "lan", ["users", "whoami", "--store", dir])
        #expect(before.code == 0 && before.out == "\(me) acts as \(me) (admin)\n", "\(before.out)")
        let bad = try InteractiveTests.run(hoso, ["users", "add", "lan", "--store", dir, "--role", "officer"])
        #expect(bad.contains("an officer needs the communes assigned"))
        let added = try InteractiveTests.run(hoso, ["users", "add", "lan", "--store", dir, "--role", "officer", "--commune", "6184", "--account", "lan"])
        #expect(added.contains("added user lan (officer), communes 6184, accounts lan"), "\(added)")
        let who = try Self.runBehindSudo(hoso, as: "lan", ["users", "whoami", "--store", dir])
        #expect(who.code == 0 && who.out == "lan acts as lan (officer), communes 6184\n", "\(who.out)")
        let denied = try Self.runBehindSudo(hoso, as: "lan", ["users", "add", "x", "--store", dir, "--role", "admin"])
        #expect(denied.code != 0 && denied.out.contains("only an admin changes the store's users"))
        // The officer's queries see commune 6184 only; the processing log is not theirs.
        let q = { (sql: String) in ["query", "--store", dir, "--mode", "csv", sql] }
        let others = try Self.runBehindSudo(hoso, as: "lan", q("SELECT COUNT(*) FROM events WHERE commune <> 6184"))
        #expect(others.code == 0 && others.out.hasSuffix("\n0\n"), "\(others.out)")
        let own = try Self.runBehindSudo(hoso, as: "lan", q("SELECT COUNT(*) FROM events WHERE commune = 6184"))
        let adminsCount = try InteractiveTests.run(hoso, q("SELECT COUNT(*) FROM events WHERE commune = 6184"))
        #expect(own.code == 0 && own.out == adminsCount, "\(own.out) vs \(adminsCount)")
        let audit = try Self.runBehindSudo(hoso, as: "lan", ["audit", "--store", dir, "--tenant", "demo"])
        #expect(audit.code != 0 && audit.out.contains("lan may not read the processing log"), "\(audit.out)")
        let refused = try Self.runBehindSudo(hoso, as: "lan", ["tenants", "create", "t2", "--store", dir, "--province", "20"])
        #expect(refused.code != 0 && refused.out.contains("lan may not create tenant t2: only an admin creates tenants"), "\(refused.out)")
        _ = try InteractiveTests.run(hoso, ["users", "add", "ha", "--store", dir, "--role", "admin", "--account", "ha"])
        let created = try Self.runBehindSudo(hoso, as: "ha", ["tenants", "create", "t2", "--store", dir, "--province", "20"])
        #expect(created.out.contains("by ha"), "\(created.out)")
        let list = try InteractiveTests.run(hoso, ["tenants", "list", "--store", dir])
        #expect(list.contains("t2") && list.split(separator: "\n").contains { $0.contains("t2") && $0.contains("ha") }, "\(list)")
        let users = try InteractiveTests.run(hoso, ["users", "list", "--store", dir])
        #expect(users.contains("lan   officer      6184  lan") && users.contains("store owner:"), "\(users)")
    }
}
