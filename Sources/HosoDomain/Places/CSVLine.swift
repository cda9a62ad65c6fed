/// A minimal RFC 4180 reader for the bundled reference files: UTF-8 bytes, an optional byte
/// order mark, LF or CRLF line ends, comma-separated fields, optionally quoted with `"` and
/// `""` for a quote inside a quoted field. Quoted fields spanning several lines are not
/// supported (the reference files have none).
///
/// ```swift
/// let lines = CSVLine.lines(Array("a,b\r\n1,\"x, \"\"y\"\"\"\r\n".utf8))
/// print(CSVLine.fields(lines[1]) ?? [])   // ["1", "x, \"y\""]
/// ```
enum CSVLine {
    private static let lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
    private static let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\"")

    /// The lines of `bytes` without their line ends, after dropping a leading UTF-8 byte order
    /// mark. A final line end does not start another line.
    static func lines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var result: [ArraySlice<UInt8>] = []
        var i = start
        while i < bytes.count {
            if bytes[i] == lf {
                let end = i > start && bytes[i - 1] == cr ? i - 1 : i
                result.append(bytes[start..<end])
                start = i + 1
            }
            i += 1
        }
        if start < bytes.count {
            let end = bytes[bytes.count - 1] == cr ? bytes.count - 1 : bytes.count
            result.append(bytes[start..<end])
        }
        return result
    }

    /// The fields of one line, or `nil` when a quoted field is not closed or a closing quote is
    /// followed by something other than a comma.
    static func fields(_ line: ArraySlice<UInt8>) -> [String]? {
        var fields: [String] = []
        var i = line.startIndex
        while true {
            if i < line.endIndex, line[i] == quote {
                var value: [UInt8] = []
                i += 1
                while true {
                    guard i < line.endIndex else { return nil }   // unterminated quote
                    if line[i] == quote {
                        if i + 1 < line.endIndex, line[i + 1] == quote {
                            value.append(quote)
                            i += 2
                        } else {
                            i += 1
                            break
                        }
                    } else {
                        value.append(line[i])
                        i += 1
                    }
                }
                fields.append(String(decoding: value, as: UTF8.self))
                guard i == line.endIndex || line[i] == comma else { return nil }
            } else {
                let end = line[i...].firstIndex(of: comma) ?? line.endIndex
                fields.append(String(decoding: line[i..<end], as: UTF8.self))
                i = end
            }
            if i == line.endIndex { return fields }
            i += 1   // skip the comma; a trailing comma yields a final empty field
        }
    }
}
