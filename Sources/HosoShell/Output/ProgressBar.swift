import Foundation

/// Progress of long work (imports, long statements) for a person waiting: on a terminal one
/// line redrawn in place — a bar, the rows done, the percentage and the time left — at most ten
/// times a second; in a pipe or a log a plain line every `lineInterval` seconds, so that a
/// script's log shows it is alive without filling up.
///
/// ```swift
/// var now = 0.0
/// var shown: [String] = []
/// let bar = ProgressBar(label: "persons.csv", total: 1_000, terminal: false, clock: { now }) { shown.append($0) }
/// now = 10; bar.update(250)
/// now = 20; bar.update(500)
/// bar.finish(500)
/// print(shown[0].dropLast())   // persons.csv: 250 of 1,000 rows (25%), 30 s left
/// ```
public final class ProgressBar {
    let label: String
    let total: Int?
    let terminal: Bool
    let clock: () -> Double
    let write: (String) -> Void
    let started: Double
    var lastShown: Double
    var drawn = false
    /// Seconds between lines when not on a terminal.
    public var lineInterval = 10.0

    /// Creates a progress display; `total` is the expected count (nil: unknown, no percentage),
    /// `clock` gives seconds (default: the monotonic clock), `write` shows text.
    public init(label: String, total: Int?, terminal: Bool, clock: @escaping () -> Double = ProgressBar.monotonicSeconds,
                write: @escaping (String) -> Void) {
        self.label = label; self.total = total.flatMap { $0 > 0 ? $0 : nil }; self.terminal = terminal
        self.clock = clock; self.write = write
        started = clock(); lastShown = started
    }

    /// The rows of a CSV or NDJSON file, about (its line ends, less a CSV header): the total of
    /// an import's progress. Nil when it cannot be read.
    public static func estimatedRows(of path: String) -> Int? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { handle.closeFile() }
        var lines = 0
        while true {
            let chunk = handle.readData(ofLength: 1 << 20)
            if chunk.isEmpty { break }
            lines += chunk.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        }
        return path.hasSuffix(".csv") ? max(0, lines - 1) : lines
    }

    /// Seconds of the monotonic clock.
    public static func monotonicSeconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    static func grouped(_ n: Int) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return out
    }

    static func duration(_ s: Double) -> String {
        let t = Int(s.rounded())
        return t < 60 ? "\(t) s" : t < 3600 ? "\(t / 60) min \(t % 60) s" : "\(t / 3600) h \(t / 60 % 60) min"
    }

    /// The text for `done` rows after `elapsed` seconds.
    func text(_ done: Int, _ elapsed: Double) -> String {
        guard let total else { return "\(label): \(Self.grouped(done)) rows, \(Self.duration(elapsed))" }
        let fraction = min(1, Double(done) / Double(total))
        var s = "\(label): \(Self.grouped(done)) of \(Self.grouped(total)) rows (\(Int(fraction * 100))%)"
        if done > 0, fraction < 1 { s += ", " + Self.duration(elapsed * (1 - fraction) / fraction) + " left" }
        return s
    }

    /// Reports `done` rows.
    public func update(_ done: Int) {
        let now = clock()
        if terminal {
            guard now - lastShown >= 0.1 || !drawn else { return }
            lastShown = now
            drawn = true
            var bar = ""
            if let total {
                let filled = Int(min(1, Double(done) / Double(total)) * 20)
                bar = "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: 20 - filled) + "] "
            }
            write("\r\u{1B}[K" + bar + text(done, now - started))
        } else if now - lastShown >= lineInterval {
            lastShown = now
            write(text(done, now - started) + "\n")
        }
    }

    /// Ends the display (clears the terminal line; nothing in a pipe, where the caller prints its summary).
    public func finish(_ done: Int) {
        if terminal && drawn { write("\r\u{1B}[K"); drawn = false }
    }
}
