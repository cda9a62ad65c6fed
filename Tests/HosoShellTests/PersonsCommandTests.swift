import Foundation
import Testing

/// `hoso import --duplicates` and `hoso persons` through the built `hoso`: a second district's
/// copy of five files is rejected, then kept; the pairs are listed, one is merged (asked first),
/// shown by its old id, undone; verify finds every index equal to a rebuild after each step.
@Suite struct PersonsCommandTests {
    /// Runs `hoso` with `input` on standard input; returns the output (stdout and stderr) and the exit code.
    static func run(_ hoso: String, _ args: [String], input: String = "") throws -> (String, Int32) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: hoso)
        p.arguments = args
        let out = Pipe(), stdin = Pipe()
        p.standardOutput = out; p.standardError = out; p.standardInput = stdin
        try p.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (String(decoding: data, as: UTF8.self), p.terminationStatus)
    }

    @Test(.enabled(if: InteractiveTests.hoso != nil, "the hoso executable is not built beside the test bundle"))
    func importKeepDuplicatesMergeShowUnmerge() throws {
        let hoso = try #require(InteractiveTests.hoso)
        let dir = NSTemporaryDirectory() + "hoso-persons-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/copy", withIntermediateDirectories: true)
        let store = ["--store", dir + "/store", "--tenant", "demo"]
        let (demo, _) = try Self.run(hoso, ["demo", "--store", dir + "/store", "--persons", "200", "--events", "200", "--table"])
        let (exported, code) = try Self.run(hoso, ["export", "persons", dir + "/all.csv"] + store)
        #expect(code == 0, "\(exported)")
        // The copy: persons 1–5 as ids 1001–1005, same national IDs, no events.
        let lines = try String(contentsOfFile: dir + "/all.csv", encoding: .utf8).split(whereSeparator: \.isNewline)
        try #require(lines.count > 6, "demo: \(demo)\nexport: \(exported)")
        let copy = [String(lines[0])] + lines[1...5].map { "100" + $0 }
        try (copy.joined(separator: "\n") + "\n").write(toFile: dir + "/copy/persons.csv", atomically: true, encoding: .utf8)
        let eventsHeader = try #require(try String(contentsOfFile: dir + "/person_events.csv", encoding: .utf8).split(whereSeparator: \.isNewline).first)
        try (eventsHeader + "\n").write(toFile: dir + "/copy/person_events.csv", atomically: true, encoding: .utf8)

        let (rejected, rc) = try Self.run(hoso, ["import", dir + "/copy/persons.csv", "--table", "persons"] + store)
        #expect(rc == 2 && rejected.contains("0 loaded, 5 rejected"), "\(rejected)")
        let rejects = try String(contentsOfFile: dir + "/copy/persons.csv.rejects.csv", encoding: .utf8)
        #expect(rejects.contains("already held by person 1") && rejects.contains("--duplicates keep"), "\(rejects)")
        let (bad, badCode) = try Self.run(hoso, ["import", dir + "/copy/persons.csv", "--table", "persons", "--duplicates", "maybe"] + store)
        #expect(badCode != 0 && bad.contains("--duplicates must be reject or keep, not 'maybe'"), "\(bad)")

        let (kept, keptCode) = try Self.run(hoso, ["import", dir + "/copy/persons.csv", "--table", "persons", "--rejects", dir + "/r2.csv", "--duplicates", "keep"] + store)
        #expect(keptCode == 0 && kept.contains("5 loaded, 0 rejected") && kept.contains("5 kept with a national ID another file holds"), "\(kept)")
        #expect(kept.contains("line 2: person 1001 kept") && kept.contains("hoso persons merge 1 1001 --tenant demo"), "\(kept)")

        let (pairs, _) = try Self.run(hoso, ["persons", "duplicates"] + store)
        #expect(pairs.contains("5 pair(s) with the same national ID"), "\(pairs)")
        for k in 1...5 { #expect(pairs.split(separator: "\n").contains { $0.hasPrefix("\(k) ") && $0.contains("100\(k)") }, "\(pairs)") }

        // Asked, and answered no: nothing is merged.
        let (no, noCode) = try Self.run(hoso, ["persons", "merge", "1", "1001"] + store, input: "n\n")
        #expect(noCode == 1 && no.contains("Merge? [y/N]") && no.contains("not merged"), "\(no)")
        let (yes, yesCode) = try Self.run(hoso, ["persons", "merge", "1", "1001"] + store, input: "y\n")
        #expect(yesCode == 0 && yes.contains("Merged person 1001 into person 1 (by \(String(cString: getpwuid(geteuid())!.pointee.pw_name)))"), "\(yes)")
        let (shown, _) = try Self.run(hoso, ["persons", "show", "1001"] + store)
        #expect(shown.hasPrefix("person 1001 was merged into person 1\n"), "\(shown)")
        let (aliases, _) = try Self.run(hoso, ["persons", "aliases"] + store)
        #expect(aliases.contains(String(cString: getpwuid(geteuid())!.pointee.pw_name)) && aliases.split(separator: "\n").contains { $0.hasPrefix("1001 ") }, "\(aliases)")
        let (again, againCode) = try Self.run(hoso, ["persons", "merge", "1", "1001", "--yes"] + store)
        #expect(againCode == 1 && again.contains("person 1001 was merged into person 1 already"), "\(again)")
        let (verified, _) = try Self.run(hoso, ["verify"] + store)
        #expect(verified.contains("1 person_alias records") && verified.contains("consistent") && !verified.contains("inconsistent"), "\(verified)")
        let (sql, _) = try Self.run(hoso, ["query", "--store", dir + "/store", "--tenant", "demo", "--mode", "csv", "SELECT COUNT(*) FROM persons WHERE id IN (1, 1001)"])
        #expect(sql.contains("\n1\n") || sql.hasSuffix("1\n"), "\(sql)")

        let (undone, undoCode) = try Self.run(hoso, ["persons", "unmerge", "1001"] + store)
        #expect(undoCode == 0 && undone.contains("both files are as they were"), "\(undone)")
        let (after, _) = try Self.run(hoso, ["persons", "show", "1001"] + store)
        #expect(after.hasPrefix("person 1001: ") && after.contains("(waiting for a merge)"), "\(after)")
        let (verifiedAgain, _) = try Self.run(hoso, ["verify"] + store)
        #expect(verifiedAgain.contains("0 person_alias records") && !verifiedAgain.contains("inconsistent"), "\(verifiedAgain)")
    }
}
