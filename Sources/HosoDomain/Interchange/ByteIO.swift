#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import HosoStore

func systemErrorText(_ code: Int32) -> String { String(cString: strerror(code)) }

/// A file read in large chunks into one growable buffer. Bytes `start..<end` are buffered and
/// not yet consumed; ``fill()`` moves them to the front and reads more after them.
final class ByteInput {
    let path: String
    private var fd: Int32
    // The buffer is used by one reader at a time and never accessed overlappingly: dynamic
    // exclusivity checks on these hot properties are switched off.
    @exclusivity(unchecked) private(set) var base: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private(set) var capacity: Int
    /// First byte not yet consumed.
    @exclusivity(unchecked) var start = 0
    /// One past the last buffered byte.
    @exclusivity(unchecked) private(set) var end = 0
    /// Whether the end of the file has been reached (no more bytes will come).
    @exclusivity(unchecked) private(set) var eof = false

    init(path: String, chunk: Int = 1 << 20) throws(InterchangeError) {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .cannotOpen(path: path, reason: systemErrorText(errno)) }
        capacity = chunk
        base = .allocate(capacity: chunk)
    }

    deinit {
        if fd >= 0 { close(fd) }
        base.deallocate()
    }

    /// Reads more bytes after the buffered ones, first moving those to the front of the buffer
    /// (and doubling it when they fill it). Offsets into the buffer are invalid afterwards.
    func fill() throws(InterchangeError) {
        guard !eof else { return }
        if start > 0 {
            let kept = end - start
            if kept > 0 { (base).update(from: base + start, count: kept) }
            start = 0; end = kept
        }
        if end == capacity {
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            bigger.update(from: base, count: end)
            base.deallocate()
            base = bigger; capacity *= 2
        }
        while true {
            let n = read(fd, base + end, capacity - end)
            if n > 0 { end += n; return }
            if n == 0 { eof = true; close(fd); fd = -1; return }
            if errno == EINTR { continue }
            throw .cannotRead(path: path, reason: systemErrorText(errno))
        }
    }

    /// Consumes buffered bytes up to and including the next LF; `true` when it was found.
    func discardLine() -> Bool {
        var j = start
        while j < end && base[j] != 0x0A { j += 1 }
        if j < end { start = j + 1; return true }
        start = end
        return false
    }

    /// Skips a UTF-8 byte order mark at the start of the file.
    func skipByteOrderMark() throws(InterchangeError) {
        while end - start < 3 && !eof { try fill() }
        if end - start >= 3, base[start] == 0xEF, base[start + 1] == 0xBB, base[start + 2] == 0xBF { start += 3 }
    }

    /// A copy of bytes `from..<to` of the buffer.
    func bytes(_ from: Int, _ to: Int) -> [UInt8] {
        Array(UnsafeBufferPointer(start: base + from, count: to - from))
    }
}

/// A buffered output file written under a temporary name and moved into place by ``finish()``,
/// so that an interrupted export never leaves a file that looks complete.
final class ByteSink {
    let path: String
    private let temporaryPath: String
    private var fd: Int32
    private let buffer: UnsafeMutablePointer<UInt8>
    private let capacity = 1 << 20
    @exclusivity(unchecked) private var count = 0
    private var finished = false
    /// The first write error; later writes are dropped and the file is not moved into place.
    private(set) var failure: InterchangeError?

    /// Creates the temporary file beside `path`: a new name each time, created exclusively and
    /// never through a symbolic link (`O_EXCL | O_NOFOLLOW`), mode 0600 whatever the umask.
    init(path: String) throws(InterchangeError) {
        self.path = path
        var name = "", descriptor: Int32 = -1, attempts = 0
        repeat {
            name = path + ".partial-" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
            descriptor = open(name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            attempts += 1
        } while descriptor < 0 && errno == EEXIST && attempts < 100
        guard descriptor >= 0 else { throw .cannotOpen(path: path, reason: systemErrorText(errno)) }
        guard fchmod(descriptor, 0o600) == 0 else {
            let reason = systemErrorText(errno)
            close(descriptor); unlink(name)
            throw .cannotOpen(path: path, reason: reason)
        }
        temporaryPath = name
        fd = descriptor
        buffer = .allocate(capacity: capacity)
    }

    deinit {
        if !finished {
            if fd >= 0 { close(fd) }
            unlink(temporaryPath)
        }
        buffer.deallocate()
    }

    /// Appends raw bytes.
    @inline(__always)
    func append(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        if count + bytes.count > capacity {
            flush()
            if bytes.count > capacity { writeOut(UnsafeRawPointer(bytes.baseAddress!), bytes.count); return }
        }
        UnsafeMutableRawPointer(buffer + count).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        count += bytes.count
    }

    /// Appends one byte.
    @inline(__always)
    func append(_ byte: UInt8) {
        if count == capacity { flush() }
        buffer[count] = byte; count += 1
    }

    /// Appends `bytes`.
    func append(_ bytes: [UInt8]) { bytes.withUnsafeBytes { append($0) } }

    /// Appends the UTF-8 of `text`.
    func append(_ text: String) {
        var text = text
        text.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    /// Appends a whole number in decimal.
    func append(decimal value: Int) {
        if value < 0 { append(UInt8(ascii: "-")); append(decimal: UInt64(value.magnitude)) } else { append(decimal: UInt64(value)) }
    }

    /// Appends an unsigned whole number in decimal.
    func append(decimal value: UInt64) {
        if count + 20 > capacity { flush() }
        var digits = 1, rest = value
        while rest >= 10 { rest /= 10; digits += 1 }
        var v = value, i = count + digits
        while i > count { i -= 1; buffer[i] = UInt8(truncatingIfNeeded: v % 10) &+ 48; v /= 10 }
        count += digits
    }

    /// Appends `day` as `YYYY-MM-DD`; the year must be 0…9999.
    func append(day: Day) {
        if count + 10 > capacity { flush() }
        let c = day.civil
        let p = buffer + count
        p[0] = UInt8(c.year / 1000 % 10) + 48; p[1] = UInt8(c.year / 100 % 10) + 48
        p[2] = UInt8(c.year / 10 % 10) + 48; p[3] = UInt8(c.year % 10) + 48
        p[4] = UInt8(ascii: "-"); p[5] = UInt8(c.month / 10) + 48; p[6] = UInt8(c.month % 10) + 48
        p[7] = UInt8(ascii: "-"); p[8] = UInt8(c.day / 10) + 48; p[9] = UInt8(c.day % 10) + 48
        count += 10
    }

    /// Writes the buffered bytes to the file.
    func flush() {
        if count > 0 { writeOut(UnsafeRawPointer(buffer), count) }
        count = 0
    }

    private func writeOut(_ pointer: UnsafeRawPointer, _ length: Int) {
        guard failure == nil else { return }
        var done = 0
        while done < length {
            let n = write(fd, pointer + done, length - done)
            if n > 0 { done += n; continue }
            if n < 0 && errno == EINTR { continue }
            failure = .cannotWrite(path: path, reason: n < 0 ? systemErrorText(errno) : "nothing could be written")
            return
        }
    }

    /// Throws the first write error, if any.
    func check() throws(InterchangeError) {
        if let failure { throw failure }
    }

    /// Flushes, closes and moves the file into place.
    func finish() throws(InterchangeError) {
        guard !finished else { return }
        flush()
        if failure == nil, close(fd) != 0 { failure = .cannotWrite(path: path, reason: systemErrorText(errno)) }
        fd = -1
        if let failure { unlink(temporaryPath); finished = true; throw failure }
        finished = true
        if rename(temporaryPath, path) != 0 {
            let error = InterchangeError.cannotWrite(path: path, reason: systemErrorText(errno))
            unlink(temporaryPath)
            throw error
        }
    }
}
