import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs this same binary with other arguments and returns how it ended and its peak RSS.
enum ChildProcess {
    struct Outcome {
        var exitStatus: Int32
        /// `ru_maxrss` of the child, in bytes (Linux reports KiB).
        var maxRSSBytes: Int64
        var seconds: Double
    }

    static func executablePath() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if n > 0 { return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        return CommandLine.arguments[0]
    }

    static func runSelf(_ arguments: [String]) throws -> Outcome {
        let path = executablePath()
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let t0 = now()
        let rc = posix_spawn(&pid, path, nil, nil, argv, environ)
        guard rc == 0 else { throw ChildError(description: "posix_spawn(\(path)) failed: \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw ChildError(description: "wait4 failed: \(String(cString: strerror(errno)))") }
        }
        let seconds = now() - t0
        // WIFEXITED / WEXITSTATUS are macros: decode the status word by hand.
        let exited = (status & 0x7f) == 0
        let code = exited ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Outcome(exitStatus: code, maxRSSBytes: Int64(usage.ru_maxrss) * 1024, seconds: seconds)
    }
}

struct ChildError: Error, CustomStringConvertible { var description: String }
