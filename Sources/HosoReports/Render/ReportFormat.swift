import Foundation

/// The formats a report is written in.
public enum ReportFormat: String, Sendable, CaseIterable {
    /// Markdown: one heading and table per section, for the terminal and notes.
    case markdown = "md"
    /// CSV (long form: section, row, column, value), for tools; with a byte order mark for Excel when asked.
    case csv
    /// A self-contained HTML page with inline SVG charts and print CSS for A4.
    case html
    /// An Excel workbook: one sheet per section.
    case xlsx
}

extension Report {
    /// The report in `format`, as bytes (`excelBOM` puts a UTF-8 byte order mark before a CSV).
    public func rendered(_ format: ReportFormat, excelBOM: Bool = false) throws -> [UInt8] {
        switch format {
        case .markdown: Array(markdown().utf8)
        case .csv: (excelBOM ? [0xEF, 0xBB, 0xBF] : []) + Array(csv().utf8)
        case .html: Array(html().utf8)
        case .xlsx: try xlsx()
        }
    }

    /// Writes the report in `format` to `path`, readable by its owner only (0600), replacing any file there.
    ///
    /// ```swift
    /// let report = try ReportBuilder(program: program).build(try ReportRequest.parse(kind: .monthly, period: "2025-06", calendar: program.calendar))
    /// try report.write(.xlsx, to: directory + "/2025-06.xlsx")
    /// try report.write(.csv, to: directory + "/2025-06.csv", excelBOM: true)
    /// print(FileManager.default.fileExists(atPath: directory + "/2025-06.xlsx"))   // true
    /// ```
    public func write(_ format: ReportFormat, to path: String, excelBOM: Bool = false) throws {
        let bytes = try rendered(format, excelBOM: excelBOM)
        let tmp = path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: tmp, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
            throw ReportError(place: "output '\(path)'", reason: "cannot be written", fix: "check that the folder exists and is writable")
        }
        _ = chmod(tmp, 0o600)
        guard rename(tmp, path) == 0 else {
            unlink(tmp)
            throw ReportError(place: "output '\(path)'", reason: "cannot be put in place (\(String(cString: strerror(errno))))", fix: "check the folder")
        }
    }
}
