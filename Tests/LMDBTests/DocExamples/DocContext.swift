import Foundation
import LMDB

/// The context values of the LMDB documentation's examples, as `DocExamples.swift` (generated
/// by `scripts/doc-examples.py`) passes them: every example that runs gets a fresh context, and
/// only the values it names are made. The names, types and descriptions are declared in the
/// script's `MODULES`; keep the two in step.
final class DocContext {
    private let root: String
    private var opened: Environment?
    private var seeded: Database?

    init() throws {
        root = NSTemporaryDirectory() + "lmdb-doc-example-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    /// An empty directory of its own.
    var directory: String {
        get throws {
            let path = root + "/scratch"
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            return path
        }
    }

    /// An environment in a directory of its own.
    var env: Environment {
        get throws {
            if let opened { return opened }
            let env = try Environment.open(path: root + "/env")
            opened = env
            return env
        }
    }

    /// Database `notes` of ``env``, as the getting-started article fills it: "apple" → "1",
    /// "apricot" → "2", "banana" → "3".
    var db: Database {
        get throws {
            if let seeded { return seeded }
            let env = try self.env
            let db = try env.openDatabase("notes")
            try setUpExampleDb(env: env, db: db)
            seeded = db
            return db
        }
    }

    /// A key ``db`` does not hold.
    var key: [UInt8] { get throws { Array("cherry".utf8) } }

    /// A value.
    var value: [UInt8] { get throws { Array("4".utf8) } }

    /// Closes the environment and removes the directories.
    func close() {
        opened?.close()
        try? FileManager.default.removeItem(atPath: root)
    }
}
