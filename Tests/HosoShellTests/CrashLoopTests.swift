import Foundation
import Testing

/// kill -9 of the `hoso` process at random points of an import, a compaction, a backup and a
/// demo build, and at every file-system step of a compaction (with strace, when installed),
/// then recovery, `hoso verify` and the counts: whole batches only, indexes equal to a rebuild
/// from the records, nothing lost, and running the interrupted command again completes it.
///
/// Bounded by default (a few dozen kills); `HOSO_CRASH_LOOPS=N` multiplies the random rounds.
@Suite(.serialized) struct CrashLoopTests {
    static let rounds = max(1, Int(ProcessInfo.processInfo.environment["HOSO_CRASH_LOOPS"] ?? "") ?? 1)
    static let strace: String? = ["/usr/bin/strace", "/bin/strace"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let events = 12_000
    static let batch = 1_000

    /// A child process whose output goes to a file.
    struct Child {
        let pid: pid_t
        let log: String

        static func start(_ executable: String, _ args: [String], log: String) throws -> Child {
            let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + args).map { strdup($0) } + [nil]
            let env: [UnsafeMutablePointer<CChar>?] = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
            defer { argv.forEach { free($0) }; env.forEach { free($0) } }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
            var pid: pid_t = 0
            let rc = posix_spawn(&pid, executable, &actions, nil, argv, env)
            guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EINVAL) }
            return Child(pid: pid, log: log)
        }

        /// Waits; the exit code, or nil when a signal ended it.
        func wait() -> Int32? {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            return (status & 0x7f) == 0 ? (status >> 8) & 0xff : nil
        }

        func kill9() { _ = kill(pid, SIGKILL) }
        var output: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
    }

    let hoso: String
    let dir: String
    var store: String { dir + "/store" }

    init() throws {
        hoso = try #require(InteractiveTests.hoso, "the hoso executable was not found beside the test bundle")
        dir = NSTemporaryDirectory() + "hoso-crash-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/in", withIntermediateDirectories: true)
    }

    /// Runs `hoso ARGS --store STORE` to its end; returns the exit code and output.
    @discardableResult
    func run(_ args: [String], store: String? = nil, expect codes: Set<Int32> = [0]) throws -> String {
        let child = try Child.start(hoso, args + ["--store", store ?? self.store], log: dir + "/run.log")
        let code = child.wait()
        let out = child.output
        #expect(code.map(codes.contains) == true, "hoso \(args.joined(separator: " ")) ended with \(code.map(String.init) ?? "a signal"):\n\(out)")
        return out
    }

    /// Runs `hoso ARGS` and kills it after `delay` seconds (if it has not ended); true when killed.
    func killed(_ args: [String], after delay: Double, store: String? = nil) throws -> Bool {
        let child = try Child.start(hoso, args + ["--store", store ?? self.store], log: dir + "/killed.log")
        usleep(UInt32(delay * 1_000_000))
        child.kill9()
        return child.wait() == nil
    }

    func count(_ table: String, tenant: String = "t") throws -> Int {
        let out = try run(["query", "--tenant", tenant, "--mode", "csv", "SELECT COUNT(*) FROM \(table);"])
        return try #require(out.split(separator: "\n").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }.last, "no count in: \(out)")
    }

    func verify(_ tenant: String = "t", _ context: String) throws {
        let out = try run(["verify", "--tenant", tenant], expect: [0, 3])
        #expect(out.contains(": consistent"), "\(context): \(out)")
    }

    /// Source data: a small demo province exported to CSV; a target tenant holding its persons.
    func prepare(tenant: String = "t") throws {
        if !FileManager.default.fileExists(atPath: dir + "/in/events.csv") {
            let source = dir + "/source"
            try run(["demo", "--persons", "1500", "--events", String(Self.events), "--table"], store: source)
            try run(["export", "persons", dir + "/in/persons.csv", "--tenant", "demo"], store: source)
            try run(["export", "events", dir + "/in/events.csv", "--tenant", "demo"], store: source)
        }
        try run(["tenants", "create", tenant, "--province", "20"])
        try run(["import", dir + "/in/persons.csv", "--table", "persons", "--tenant", tenant])
    }

    func importEvents(_ tenant: String = "t") -> [String] {
        ["import", dir + "/in/events.csv", "--table", "events", "--tenant", tenant, "--batch-size", String(Self.batch),
         "--rejects", dir + "/rejects-\(tenant).csv"]
    }

    /// Seconds a full run of `args` takes here (the range kills are drawn from).
    func duration(_ args: [String], expect codes: Set<Int32> = [0]) throws -> Double {
        let started = Date()
        try run(args, expect: codes)
        return Date().timeIntervalSince(started)
    }

    @Test func killedImportsLandWholeBatchesAndResumeToCompletion() throws {
        // Time one whole import, so that kills fall inside the work.
        try prepare(tenant: "timing")
        let span = try duration(importEvents("timing"))
        var rng = SplitMix(seed: 7)
        var kills = 0, counts: [Int] = []
        for round in 0..<(6 * Self.rounds) {
            let tenant = "k\(round)"
            try prepare(tenant: tenant)
            // Two kills into the same import, then the import run to its end.
            for _ in 0..<2 {
                if try killed(importEvents(tenant), after: Double(rng.next() % 1000) / 1000 * span) { kills += 1 }
                let n = try count("events", tenant: tenant)
                counts.append(n)
                #expect(n % Self.batch == 0 || n == Self.events, "after a kill: \(n) events is not a whole number of batches")
                try verify(tenant, "after a killed import (\(n) events)")
            }
            try run(importEvents(tenant), expect: [0, 2])
            #expect(try count("events", tenant: tenant) == Self.events)
            try verify(tenant, "after the resumed import")
        }
        print("CrashLoopTests: \(kills) imports killed (seed 7, span \(String(format: "%.2f", span)) s); events after each kill: \(counts)")
        #expect(kills > 0)
    }

    @Test func killedCompactionsBackupsAndDemosLoseNothing() throws {
        try prepare()
        try run(importEvents())
        let persons = try count("persons")
        var rng = SplitMix(seed: 11)
        let compactSpan = try duration(["tenants", "compact", "t"])
        var kills = 0
        for i in 0..<(6 * Self.rounds) {
            if try killed(["tenants", "compact", "t"], after: Double(rng.next() % 1000) / 1000 * compactSpan * 1.2) { kills += 1 }
            let list = try run(["tenants", "list"])
            #expect(list.contains("t "), "tenant t is missing after killed compaction \(i):\n\(list)")
            #expect(try count("events") == Self.events)
            #expect(try count("persons") == persons)
            try verify("t", "after killed compaction \(i)")
        }
        let backupSpan = try duration(["backup", "--tenant", "t", "--to", dir + "/backup-timing"])
        for i in 0..<(3 * Self.rounds) {
            if try killed(["backup", "--tenant", "t", "--to", dir + "/backup-\(i)"], after: Double(rng.next() % 1000) / 1000 * backupSpan) { kills += 1 }
            try verify("t", "after killed backup \(i)")
        }
        try run(["backup", "--tenant", "t", "--to", dir + "/backup-final"])
        try run(["restore", "--from", dir + "/backup-final", "--tenant", "t", "--as", "r"])
        #expect(try count("events", tenant: "r") == Self.events)

        let demoStore = dir + "/demo-store"
        let demoArgs = ["demo", "--persons", "1500", "--events", String(Self.events), "--table", "--keep"]
        let demoSpan = try duration(["demo", "--persons", "1500", "--events", String(Self.events), "--table", "--store", demoStore])
        for i in 0..<(3 * Self.rounds) {
            if try killed(demoArgs, after: Double(rng.next() % 1000) / 1000 * demoSpan, store: demoStore) { kills += 1 }
            let list = try run(["tenants", "list"], store: demoStore)
            if list.contains("demo ") && !list.contains("UNFINISHED") {
                // Listed as complete: then it is complete.
                #expect(try run(["query", "--tenant", "demo", "--mode", "csv", "SELECT COUNT(*) FROM events;"], store: demoStore)
                    .contains(String(Self.events)), "demo round \(i)")
            }
        }
        let rebuilt = try run(demoArgs, store: demoStore)
        #expect(try run(["query", "--tenant", "demo", "--mode", "csv", "SELECT COUNT(*) FROM events;"], store: demoStore).contains(String(Self.events)),
                "the demo was not rebuilt: \(rebuilt)")
        print("CrashLoopTests: \(kills) compactions, backups and demo builds killed at random points (seed 11)")
    }

    @Test(.enabled(if: CrashLoopTests.strace != nil, "strace is not installed: kills at each file-system step of a compaction are skipped"))
    func aCompactionKilledAtEveryFileSystemStepLosesNothing() throws {
        let strace = try #require(Self.strace)
        try prepare()
        try run(importEvents())
        let persons = try count("persons")
        var kills = 0
        var steps: [String] = []
        for call in ["renameat2", "rename", "mkdir", "fsync", "fdatasync", "unlinkat", "rmdir"] {
            for n in 1...40 {
                let child = try Child.start(strace, ["-f", "-qq", "-o", "/dev/null", "-e", "trace=\(call)", "-e", "inject=\(call):signal=KILL:when=\(n)",
                                                     hoso, "tenants", "compact", "t", "--store", store], log: dir + "/strace.log")
                let code = child.wait()
                let out = child.output
                // strace reports the tracee's death by a signal as its own exit status 137 (128 + 9).
                guard code == 137 || code == nil else {
                    #expect(code == 0, "compaction under strace ended with \(code.map(String.init) ?? "a signal"): \(out)")
                    break
                }
                kills += 1
                steps.append("\(call)#\(n)")
                let list = try run(["tenants", "list"])
                #expect(list.contains("t "), "tenant t is missing after a kill at \(call) #\(n):\n\(list)")
                #expect(try count("events") == Self.events, "after a kill at \(call) #\(n)")
                #expect(try count("persons") == persons)
                try verify("t", "after a kill at \(call) #\(n)")
                let leftovers = try FileManager.default.contentsOfDirectory(atPath: store + "/tenants").filter { $0.hasPrefix(".") }
                #expect(leftovers.isEmpty, "left behind after a kill at \(call) #\(n): \(leftovers)")
            }
        }
        print("CrashLoopTests: compaction killed at \(kills) file-system steps: \(steps.joined(separator: ", "))")
        #expect(kills >= 3)
    }

    @Test func aCompactionDuringAnImportLosesNoRow() throws {
        try prepare()
        try prepare(tenant: "timing")
        let span = try duration(importEvents("timing"))
        var outcomes: [String] = []
        for round in 0..<(3 * Self.rounds) {
            let tenant = "c\(round)"
            try prepare(tenant: tenant)
            let child = try Child.start(hoso, importEvents(tenant) + ["--store", store], log: dir + "/import-\(round).log")
            usleep(UInt32(span * Double(round + 1) / 4 * 1_000_000))
            try run(["tenants", "compact", tenant])
            let code = child.wait()
            let out = child.output
            outcomes.append(code == 0 ? "import finished" : "import stopped: \(out.split(separator: "\n").last ?? "")")
            #expect(code == 0 || out.contains("compacted, restored or dropped by another command"), "import ended \(String(describing: code)): \(out)")
            let before = try count("events", tenant: tenant)
            #expect(code != 0 || before == Self.events, "the import said it loaded everything, the tenant holds \(before)")
            try run(importEvents(tenant), expect: [0, 2])
            #expect(try count("events", tenant: tenant) == Self.events)
            try verify(tenant, "after compaction during import \(round)")
        }
        print("CrashLoopTests: compaction during import: \(outcomes)")
    }

    @Test func anImportOntoAFullDiskSaysSoAndTheSameImportLaterLoadsTheRest() throws {
        try prepare()
        let mountPoint = dir + "/small-disk"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        guard "size=4m".withCString({ mount("tmpfs", mountPoint, "tmpfs", 0, $0) }) == 0 else {
            print("CrashLoopTests: a full disk is not tried here: mounting a small tmpfs needs root (errno \(errno))")
            return
        }
        defer { umount(mountPoint) }
        let small = mountPoint + "/store"
        try run(["tenants", "create", "t", "--province", "20"], store: small)
        try run(["import", dir + "/in/persons.csv", "--table", "persons", "--tenant", "t"], store: small)
        let out = try run(importEvents(), store: small, expect: [1])
        #expect(out.contains("the disk is full"), "\(out)")
        #expect(out.contains("whole batches were written before it"), "\(out)")
        #expect(out.contains("run the same import again"), "\(out)")
        #expect(!out.contains("Input/output error"), "\(out)")
        let written = try #require(out.range(of: #"(\d+) records in"#, options: .regularExpression).map { Int(out[$0].split(separator: " ")[0]) ?? -1 })
        let stored = try Int(run(["query", "--tenant", "t", "--mode", "csv", "SELECT COUNT(*) FROM events;"], store: small)
            .split(separator: "\n").last.map(String.init) ?? "")
        #expect(stored == written, "the message says \(written) events were written, the tenant holds \(String(describing: stored))")
        _ = "size=64m".withCString { mount("tmpfs", mountPoint, "tmpfs", UInt(MS_REMOUNT), $0) }
        try run(importEvents(), store: small, expect: [0, 2])
        let after = try run(["query", "--tenant", "t", "--mode", "csv", "SELECT COUNT(*) FROM events;"], store: small)
        #expect(after.contains(String(Self.events)), "\(after)")
        let verified = try run(["verify", "--tenant", "t"], store: small, expect: [0, 3])
        #expect(verified.contains(": consistent"), "\(verified)")
    }

    @Test func twoImportsOfTheSameFileAtOnceRejectTheDuplicatesRowByRow() throws {
        try prepare()
        let a = try Child.start(hoso, importEvents() + ["--rejects", dir + "/rejects-a.csv", "--store", store], log: dir + "/a.log")
        let b = try Child.start(hoso, importEvents() + ["--rejects", dir + "/rejects-b.csv", "--store", store], log: dir + "/b.log")
        let codes = [a.wait(), b.wait()]
        #expect(codes.allSatisfy { $0 == 0 || $0 == 2 }, "exit codes \(codes): \(a.output) \(b.output)")
        #expect(try count("events") == Self.events)
        func loaded(_ out: String) -> Int? {
            guard let r = out.range(of: #"(\d+) loaded"#, options: .regularExpression) else { return nil }
            return Int(out[r].split(separator: " ")[0])
        }
        let total = (loaded(a.output) ?? -1) + (loaded(b.output) ?? -1)
        #expect(total == Self.events, "\(a.output)\n\(b.output)")
        try verify("t", "after two imports at once")
    }
}

/// A small fixed-seed generator for the kill points.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
