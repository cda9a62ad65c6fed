import Foundation

/// A bundled CSV resource read into records, with columns found by header name.
///
/// ```swift
/// let table = try CSVTable.bundled("vn-communes-2025", columns: ["commune_code", "commune_name"])
/// for record in table.records.prefix(1) {
///     print(try table.int32(record, 0), record.fields[table.column[1]])
/// }
/// ```
struct CSVTable {
    /// One data line: its 1-based line number in the file and its fields.
    struct Record {
        let line: Int
        let fields: [String]
    }

    /// The resource's file name, for error messages.
    let resource: String
    /// The requested column names, in the order requested.
    let names: [String]
    /// For each requested column name (in the order requested), its field index.
    let column: [Int]
    /// The data lines, in file order.
    let records: [Record]

    /// Reads `Resources/<name>.csv` from the module bundle and checks that the header has every
    /// name in `columns` and that every record has as many fields as the header.
    static func bundled(_ name: String, columns: [String]) throws(GazetteerError) -> CSVTable {
        let resource = name + ".csv"
        guard let url = Bundle.module.url(forResource: name, withExtension: "csv", subdirectory: "Resources")
        else { throw GazetteerError(resource: resource, line: nil, reason: "the resource is missing from the bundle") }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw GazetteerError(resource: resource, line: nil, reason: "cannot be read: \(error)")
        }
        return try CSVTable(resource: resource, bytes: [UInt8](data), columns: columns)
    }

    /// Parses `bytes` as described in ``bundled(_:columns:)``.
    init(resource: String, bytes: [UInt8], columns: [String]) throws(GazetteerError) {
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw GazetteerError(resource: resource, line: nil, reason: "the file is not valid UTF-8")
        }
        let lines = CSVLine.lines(bytes)
        guard let headerLine = lines.first, let header = CSVLine.fields(headerLine) else {
            throw GazetteerError(resource: resource, line: 1, reason: "the header line is missing or malformed")
        }
        var column: [Int] = []
        for name in columns {
            guard let index = header.firstIndex(of: name) else {
                throw GazetteerError(resource: resource, line: 1,
                                     reason: "the header has no column \"\(name)\" (it has \(header.joined(separator: ", ")))")
            }
            column.append(index)
        }
        var records: [Record] = []
        records.reserveCapacity(lines.count)
        for (offset, line) in lines.enumerated().dropFirst() where !line.isEmpty {
            guard let fields = CSVLine.fields(line) else {
                throw GazetteerError(resource: resource, line: offset + 1, reason: "malformed quoted field")
            }
            guard fields.count == header.count else {
                throw GazetteerError(resource: resource, line: offset + 1,
                                     reason: "\(fields.count) fields where the header has \(header.count)")
            }
            records.append(Record(line: offset + 1, fields: fields))
        }
        self.resource = resource
        self.names = columns
        self.column = column
        self.records = records
    }

    /// The text of requested column number `c` (an index into the `columns` given at load).
    func text(_ record: Record, _ c: Int) -> String {
        record.fields[column[c]]
    }

    /// The text of requested column `c`, or `nil` when it is empty.
    func optionalText(_ record: Record, _ c: Int) -> String? {
        let value = text(record, c)
        return value.isEmpty ? nil : value
    }

    /// Requested column `c` as a code; throws when it is not a decimal integer that fits 32 bits.
    func int32(_ record: Record, _ c: Int) throws(GazetteerError) -> Int32 {
        let value = text(record, c)
        guard let number = Int32(value) else {
            throw GazetteerError(resource: resource, line: record.line,
                                 reason: "\(names[c]) is \"\(value)\", not a code")
        }
        return number
    }
}
