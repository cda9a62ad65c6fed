import HosoStore

extension ByteSink {
    @inline(__always)
    func append(_ s: StaticString) {
        append(UnsafeRawBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    /// A CSV field: as is, or quoted (quotes doubled) when it holds a comma, quote or line break.
    func appendCSV(_ text: String) {
        var text = text
        text.withUTF8 { b in
            var plain = true
            for byte in b where byte == 0x2C || byte == 0x22 || byte == 0x0A || byte == 0x0D { plain = false; break }
            if plain { append(UnsafeRawBufferPointer(b)); return }
            append(UInt8(ascii: "\""))
            var start = 0
            for i in b.indices where b[i] == 0x22 {
                append(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: b[start...i])))   // through the quote, which is written twice
                start = i
            }
            append(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: b[start...])))
            append(UInt8(ascii: "\""))
        }
    }

    /// A JSON string literal.
    func appendJSON(_ text: String) {
        var text = text
        text.withUTF8 { b in
            append(UInt8(ascii: "\""))
            var start = 0
            for i in b.indices {
                let byte = b[i]
                guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
                append(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: b[start..<i])))
                start = i + 1
                switch byte {
                case 0x22: append("\\\"" as StaticString)
                case 0x5C: append("\\\\" as StaticString)
                case 0x0A: append("\\n" as StaticString)
                case 0x0D: append("\\r" as StaticString)
                case 0x09: append("\\t" as StaticString)
                default:
                    append("\\u00" as StaticString)
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    append(hex[Int(byte >> 4)]); append(hex[Int(byte & 15)])
                }
            }
            append(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: b[start...])))
            append(UInt8(ascii: "\""))
        }
    }

    /// `,"key":` (no comma for the first key of an object).
    @inline(__always)
    func appendKey(_ key: StaticString, first: Bool = false) {
        append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
        append(UInt8(ascii: "\""))
        append(key)
        append("\":" as StaticString)
    }

    /// `,named_commune_code,named_district_code,placed_by` of a CSV row (empty fields for none).
    func appendNamedPlaceCSV(_ n: NamedPlace?) {
        append(UInt8(ascii: ","))
        if let n { append(decimal: Int(n.commune.commune)) }; append(UInt8(ascii: ","))
        if let n, n.commune.district != 0 { append(decimal: Int(n.commune.district)) }; append(UInt8(ascii: ","))
        if let n { append(n.placedBy.code) }
    }

    /// The named-place keys of an NDJSON object (none for none).
    func appendNamedPlaceJSON(_ n: NamedPlace?) {
        guard let n else { return }
        appendKey("named_commune_code"); append(decimal: Int(n.commune.commune))
        if n.commune.district != 0 { appendKey("named_district_code"); append(decimal: Int(n.commune.district)) }
        appendKey("placed_by"); append(UInt8(ascii: "\"")); append(n.placedBy.code); append(UInt8(ascii: "\""))
    }

    func appendCSVLine(_ names: [String]) {
        append(names.joined(separator: ","))
        append("\r\n" as StaticString)
    }
}

/// Checks that a value reads back equal, before anything of its row is written.
enum Representable {
    static func day(_ day: Day?, _ field: String, _ record: String) throws(InterchangeError) {
        guard let day else { return }
        guard (0...9999).contains(day.year) else {
            throw .unrepresentable(record: record, field: field, value: day.description, reason: "has a year outside 0000–9999, which the files cannot hold")
        }
    }

    static func person(_ p: Person, csv: Bool) throws(InterchangeError) {
        let record = "person \(p.id)"
        try day(p.birthDate, "birth_date", record)
        try day(p.fileOpened, "file_opened", record)
        for d in p.drugs {
            if d.isEmpty { throw .unrepresentable(record: record, field: "drugs", value: d, reason: "is an empty drug name") }
            if csv && d.utf8.contains(UInt8(ascii: ";")) {
                throw .unrepresentable(record: record, field: "drugs", value: d, reason: "contains ';', which separates drug names in CSV; use NDJSON or rename the drug")
            }
        }
        for (i, e) in p.events.enumerated() {
            try day(e.date, "events[\(i)].date", record)
            try day(e.carriedTermEnd, "events[\(i)].carried_term_end", record)
        }
    }

    static func caseEvent(_ e: CaseEvent) throws(InterchangeError) {
        let record = "event \(e.id)"
        try day(e.date, "date", record)
        try day(e.resolvedDate, "resolved_date", record)
    }
}

/// Writes persons, streaming, to CSV (two files: `persons.csv` and `person_events.csv`) or
/// NDJSON (one object per line, events inside), exactly as ``ImportReader`` reads them back.
/// Files are written under a temporary name and appear only when ``finish()`` succeeds.
///
/// ```swift
/// let writer = try PersonWriter(path: directory + "/persons.csv", format: .csv)
/// for p in data.persons() { try writer.write(p) }
/// try writer.finish()        // persons.csv and person_events.csv
/// print(writer.count)   // 10
/// ```
public final class PersonWriter {
    /// The format written.
    ///
    /// ```swift
    /// let writer = try PersonWriter(path: directory + "/persons.csv", format: .csv)
    /// print(writer.format)   // csv
    /// ```
    public let format: InterchangeFormat
    /// Persons written so far.
    ///
    /// ```swift
    /// let writer = try PersonWriter(path: directory + "/persons.csv", format: .csv)
    /// print("\(writer.count) written")   // 0 written
    /// ```
    public private(set) var count = 0
    private let main: ByteSink
    private let events: ByteSink?

    /// Creates the file(s). For CSV, person events go to `personEventsPath`, by default
    /// `person_events.csv` beside `path`. With `byteOrderMark`, CSV files start with a UTF-8
    /// byte order mark, which Excel needs to show Vietnamese text when a file is double-clicked.
    ///
    /// ```swift
    /// let writer = try PersonWriter(path: directory + "/persons.ndjson", format: .ndjson)
    /// print(writer.format)   // ndjson
    /// ```
    public init(path: String, format: InterchangeFormat, personEventsPath: String? = nil,
                byteOrderMark: Bool = false) throws(InterchangeError) {
        self.format = format
        main = try ByteSink(path: path)
        switch format {
        case .csv:
            let sink = try ByteSink(path: personEventsPath ?? siblingPath(of: path, named: "person_events.csv"))
            if byteOrderMark { main.append([0xEF, 0xBB, 0xBF]); sink.append([0xEF, 0xBB, 0xBF]) }
            main.appendCSVLine(PersonColumn.written)
            sink.appendCSVLine(PersonEventColumn.names)
            events = sink
        case .ndjson:
            events = nil
        }
    }

    /// Writes one person with its events (its derived ``Person/history`` is not written).
    ///
    /// - Throws: ``InterchangeError/unrepresentable(record:field:value:reason:)`` (nothing of the
    ///   person is written then), or a write error.
    ///
    /// ```swift
    /// let writer = try PersonWriter(path: directory + "/persons.ndjson", format: .ndjson)
    /// try writer.write(data.person(1))
    /// try writer.finish()
    /// print(writer.count)   // 1
    /// ```
    public func write(_ p: Person) throws(InterchangeError) {
        try Representable.person(p, csv: format == .csv)
        switch format {
        case .csv: writeCSV(p)
        case .ndjson: writeNDJSON(p)
        }
        count += 1
        try main.check()
        try events?.check()
    }

    private func writeCSV(_ p: Person) {
        let s = main
        s.append(decimal: p.id); s.append(UInt8(ascii: ","))
        s.appendCSV(p.fullName); s.append(UInt8(ascii: ","))
        if let d = p.birthDate { s.append(day: d) }; s.append(UInt8(ascii: ","))
        s.append(p.sex.code); s.append(UInt8(ascii: ","))
        if let n = p.nationalID { s.appendCSV(n) }; s.append(UInt8(ascii: ","))
        s.append(decimal: Int(p.commune.commune)); s.append(UInt8(ascii: ","))
        if let v = p.village { s.appendCSV(v) }; s.append(UInt8(ascii: ","))
        if let c = p.permanentCommune { s.append(decimal: Int(c.commune)) }; s.append(UInt8(ascii: ","))
        if let v = p.permanentVillage { s.appendCSV(v) }; s.append(UInt8(ascii: ","))
        if let o = p.occupation { s.appendCSV(o) }; s.append(UInt8(ascii: ","))
        if !p.drugs.isEmpty { s.appendCSV(p.drugs.count == 1 ? p.drugs[0] : p.drugs.joined(separator: ";")) }; s.append(UInt8(ascii: ","))
        s.append(day: p.fileOpened); s.append(UInt8(ascii: ","))
        s.append(p.notPresent ? UInt8(ascii: "1") : UInt8(ascii: "0")); s.append(UInt8(ascii: ","))
        s.append(p.fromAnotherLocality ? UInt8(ascii: "1") : UInt8(ascii: "0"))
        s.appendNamedPlaceCSV(p.namedPlace)
        s.append("\r\n" as StaticString)
        guard let e = events else { return }
        for ev in p.events {
            e.append(decimal: p.id); e.append(UInt8(ascii: ","))
            e.append(decimal: ev.sequence); e.append(UInt8(ascii: ","))
            e.append(day: ev.date); e.append(UInt8(ascii: ","))
            e.append(ev.kind.code); e.append(UInt8(ascii: ","))
            if let o = ev.outcome { e.append(o.code) }; e.append(UInt8(ascii: ","))
            if let g = ev.program { e.append(g.code) }; e.append(UInt8(ascii: ","))
            if let m = ev.termMonths { e.append(decimal: m) }; e.append(UInt8(ascii: ","))
            if let c = ev.commune { e.append(decimal: Int(c.commune)) }; e.append(UInt8(ascii: ","))
            if let st = ev.carriedStatus { e.append(st.code) }; e.append(UInt8(ascii: ","))
            if let d = ev.carriedTermEnd { e.append(day: d) }; e.append(UInt8(ascii: ","))
            if let v = ev.voids { e.append(decimal: v) }; e.append(UInt8(ascii: ","))
            if let n = ev.note { e.appendCSV(n) }
            e.append("\r\n" as StaticString)
        }
    }

    private func writeNDJSON(_ p: Person) {
        let s = main
        s.appendKey("id", first: true); s.append(decimal: p.id)
        s.appendKey("full_name"); s.appendJSON(p.fullName)
        if let d = p.birthDate { s.appendKey("birth_date"); s.append(UInt8(ascii: "\"")); s.append(day: d); s.append(UInt8(ascii: "\"")) }
        s.appendKey("sex"); s.append(UInt8(ascii: "\"")); s.append(p.sex.code); s.append(UInt8(ascii: "\""))
        if let n = p.nationalID { s.appendKey("national_id"); s.appendJSON(n) }
        s.appendKey("commune_code"); s.append(decimal: Int(p.commune.commune))
        if let v = p.village { s.appendKey("village"); s.appendJSON(v) }
        if let c = p.permanentCommune { s.appendKey("permanent_commune_code"); s.append(decimal: Int(c.commune)) }
        if let v = p.permanentVillage { s.appendKey("permanent_village"); s.appendJSON(v) }
        if let o = p.occupation { s.appendKey("occupation"); s.appendJSON(o) }
        s.appendKey("drugs"); s.append(UInt8(ascii: "["))
        for (i, d) in p.drugs.enumerated() { if i > 0 { s.append(UInt8(ascii: ",")) }; s.appendJSON(d) }
        s.append(UInt8(ascii: "]"))
        s.appendKey("file_opened"); s.append(UInt8(ascii: "\"")); s.append(day: p.fileOpened); s.append(UInt8(ascii: "\""))
        s.appendKey("not_present"); s.append(p.notPresent ? "true" as StaticString : "false")
        s.appendKey("from_another_locality"); s.append(p.fromAnotherLocality ? "true" as StaticString : "false")
        s.appendNamedPlaceJSON(p.namedPlace)
        s.appendKey("events"); s.append(UInt8(ascii: "["))
        for (i, e) in p.events.enumerated() {
            if i > 0 { s.append(UInt8(ascii: ",")) }
            s.appendKey("sequence", first: true); s.append(decimal: e.sequence)
            s.appendKey("date"); s.append(UInt8(ascii: "\"")); s.append(day: e.date); s.append(UInt8(ascii: "\""))
            s.appendKey("kind"); s.append(UInt8(ascii: "\"")); s.append(e.kind.code); s.append(UInt8(ascii: "\""))
            if let o = e.outcome { s.appendKey("outcome"); s.append(UInt8(ascii: "\"")); s.append(o.code); s.append(UInt8(ascii: "\"")) }
            if let g = e.program { s.appendKey("program"); s.append(UInt8(ascii: "\"")); s.append(g.code); s.append(UInt8(ascii: "\"")) }
            if let m = e.termMonths { s.appendKey("term_months"); s.append(decimal: m) }
            if let c = e.commune { s.appendKey("commune_code"); s.append(decimal: Int(c.commune)) }
            if let st = e.carriedStatus { s.appendKey("carried_status"); s.append(UInt8(ascii: "\"")); s.append(st.code); s.append(UInt8(ascii: "\"")) }
            if let d = e.carriedTermEnd { s.appendKey("carried_term_end"); s.append(UInt8(ascii: "\"")); s.append(day: d); s.append(UInt8(ascii: "\"")) }
            if let v = e.voids { s.appendKey("voids"); s.append(decimal: v) }
            if let n = e.note { s.appendKey("note"); s.appendJSON(n) }
            s.append(UInt8(ascii: "}"))
        }
        s.append("]}\n" as StaticString)
    }

    /// Flushes the files and moves them into place. Without it, nothing appears.
    ///
    /// ```swift
    /// let writer = try PersonWriter(path: directory + "/persons.ndjson", format: .ndjson)
    /// try writer.finish()
    /// print(FileManager.default.fileExists(atPath: directory + "/persons.ndjson"))   // true
    /// ```
    public func finish() throws(InterchangeError) {
        try main.finish()
        try events?.finish()
    }

    /// Writes all of `persons` and finishes; returns how many were written.
    ///
    /// ```swift
    /// let n = try PersonWriter.export(data.persons(), to: directory + "/persons.csv", format: .csv)
    /// print(n)   // 10
    /// ```
    @discardableResult
    public static func export<S: Sequence<Person>>(_ persons: S, to path: String, format: InterchangeFormat,
                                                   personEventsPath: String? = nil, byteOrderMark: Bool = false) throws(InterchangeError) -> Int {
        let writer = try PersonWriter(path: path, format: format, personEventsPath: personEventsPath, byteOrderMark: byteOrderMark)
        for p in persons { try writer.write(p) }
        try writer.finish()
        return writer.count
    }
}

/// Writes case events, streaming, to CSV or NDJSON, exactly as ``ImportReader`` reads them
/// back. The file appears only when ``finish()`` succeeds.
///
/// ```swift
/// let writer = try CaseEventWriter(path: directory + "/events.ndjson", format: .ndjson)
/// for e in data.events() { try writer.write(e) }
/// try writer.finish()
/// print(writer.count)   // 20
/// ```
public final class CaseEventWriter {
    /// The format written.
    ///
    /// ```swift
    /// let writer = try CaseEventWriter(path: directory + "/events.csv", format: .csv)
    /// print(writer.format)   // csv
    /// ```
    public let format: InterchangeFormat
    /// Events written so far.
    ///
    /// ```swift
    /// let writer = try CaseEventWriter(path: directory + "/events.csv", format: .csv)
    /// print("\(writer.count) written")   // 0 written
    /// ```
    public private(set) var count = 0
    private let sink: ByteSink

    /// Creates the file; with `byteOrderMark` a CSV file starts with a UTF-8 byte order mark.
    ///
    /// ```swift
    /// let writer = try CaseEventWriter(path: directory + "/events.csv", format: .csv, byteOrderMark: true)
    /// print(writer.format)   // csv
    /// ```
    public init(path: String, format: InterchangeFormat, byteOrderMark: Bool = false) throws(InterchangeError) {
        self.format = format
        sink = try ByteSink(path: path)
        if format == .csv {
            if byteOrderMark { sink.append([0xEF, 0xBB, 0xBF]) }
            sink.appendCSVLine(CaseEventColumn.written)
        }
    }

    /// Writes one event.
    ///
    /// - Throws: ``InterchangeError/unrepresentable(record:field:value:reason:)`` (nothing of the
    ///   event is written then), or a write error.
    ///
    /// ```swift
    /// let writer = try CaseEventWriter(path: directory + "/events.csv", format: .csv)
    /// try writer.write(data.event(1))
    /// try writer.finish()
    /// print(writer.count)   // 1
    /// ```
    public func write(_ e: CaseEvent) throws(InterchangeError) {
        try Representable.caseEvent(e)
        let s = sink
        switch format {
        case .csv:
            s.append(decimal: e.id); s.append(UInt8(ascii: ","))
            s.append(e.kind.code); s.append(UInt8(ascii: ","))
            s.append(decimal: Int(e.commune.commune)); s.append(UInt8(ascii: ","))
            s.append(day: e.date); s.append(UInt8(ascii: ","))
            for (i, id) in e.personIDs.enumerated() { if i > 0 { s.append(UInt8(ascii: ";")) }; s.append(decimal: id) }
            s.append(UInt8(ascii: ","))
            if let a = e.offenceArticle { s.append(decimal: a) }; s.append(UInt8(ascii: ","))
            if let st = e.stage { s.append(st.code) }; s.append(UInt8(ascii: ","))
            s.append(decimal: e.arrested); s.append(UInt8(ascii: ","))
            s.append(decimal: e.areaM2); s.append(UInt8(ascii: ","))
            s.append(decimal: e.plants); s.append(UInt8(ascii: ","))
            s.append(decimal: e.quantity); s.append(UInt8(ascii: ","))
            if let o = e.tipOutcome { s.append(o.code) }; s.append(UInt8(ascii: ","))
            if let d = e.resolvedDate { s.append(day: d) }; s.append(UInt8(ascii: ","))
            s.append(e.mobileTrial ? UInt8(ascii: "1") : UInt8(ascii: "0")); s.append(UInt8(ascii: ","))
            if let n = e.note { s.appendCSV(n) }; s.append(UInt8(ascii: ","))
            if e.extensions != 0 { s.append(decimal: e.extensions) }; s.append(UInt8(ascii: ","))
            if let r = e.reforms { s.append(decimal: r) }
            s.appendNamedPlaceCSV(e.namedPlace)
            s.append("\r\n" as StaticString)
        case .ndjson:
            s.appendKey("id", first: true); s.append(decimal: e.id)
            s.appendKey("kind"); s.append(UInt8(ascii: "\"")); s.append(e.kind.code); s.append(UInt8(ascii: "\""))
            s.appendKey("commune_code"); s.append(decimal: Int(e.commune.commune))
            s.appendKey("date"); s.append(UInt8(ascii: "\"")); s.append(day: e.date); s.append(UInt8(ascii: "\""))
            s.appendKey("person_ids"); s.append(UInt8(ascii: "["))
            for (i, id) in e.personIDs.enumerated() { if i > 0 { s.append(UInt8(ascii: ",")) }; s.append(decimal: id) }
            s.append(UInt8(ascii: "]"))
            if let a = e.offenceArticle { s.appendKey("offence_article"); s.append(decimal: a) }
            if let st = e.stage { s.appendKey("stage"); s.append(UInt8(ascii: "\"")); s.append(st.code); s.append(UInt8(ascii: "\"")) }
            s.appendKey("arrested"); s.append(decimal: e.arrested)
            s.appendKey("area_m2"); s.append(decimal: e.areaM2)
            s.appendKey("plants"); s.append(decimal: e.plants)
            s.appendKey("quantity"); s.append(decimal: e.quantity)
            if let o = e.tipOutcome { s.appendKey("tip_outcome"); s.append(UInt8(ascii: "\"")); s.append(o.code); s.append(UInt8(ascii: "\"")) }
            if let d = e.resolvedDate { s.appendKey("resolved_date"); s.append(UInt8(ascii: "\"")); s.append(day: d); s.append(UInt8(ascii: "\"")) }
            s.appendKey("mobile_trial"); s.append(e.mobileTrial ? "true" as StaticString : "false")
            if let n = e.note { s.appendKey("note"); s.appendJSON(n) }
            if e.extensions != 0 { s.appendKey("extensions"); s.append(decimal: e.extensions) }
            if let r = e.reforms { s.appendKey("reforms"); s.append(decimal: r) }
            s.appendNamedPlaceJSON(e.namedPlace)
            s.append("}\n" as StaticString)
        }
        count += 1
        try s.check()
    }

    /// Flushes the file and moves it into place.
    ///
    /// ```swift
    /// let writer = try CaseEventWriter(path: directory + "/events.csv", format: .csv)
    /// try writer.finish()
    /// print(FileManager.default.fileExists(atPath: directory + "/events.csv"))   // true
    /// ```
    public func finish() throws(InterchangeError) { try sink.finish() }

    /// Writes all of `events` and finishes; returns how many were written.
    ///
    /// ```swift
    /// let n = try CaseEventWriter.export(data.events(), to: directory + "/events.csv", format: .csv)
    /// print(n)   // 20
    /// ```
    @discardableResult
    public static func export<S: Sequence<CaseEvent>>(_ events: S, to path: String, format: InterchangeFormat,
                                                      byteOrderMark: Bool = false) throws(InterchangeError) -> Int {
        let writer = try CaseEventWriter(path: path, format: format, byteOrderMark: byteOrderMark)
        for e in events { try writer.write(e) }
        try writer.finish()
        return writer.count
    }
}

/// Writes rejected rows for a clerk to correct and import again. CSV: each row's original text
/// with two more columns, `line` and `reason` (the reason names the field), after an optional
/// header (the original header plus `,line,reason`); a row cut inside a quoted field gets the
/// closing quote first. Every rejected row is one valid RFC 4180 record: a field that is not
/// already one (a clean unquoted field, or a closed quoted one) is written quoted with its
/// original bytes as its value — an unquoted field holding a CR, LF or quote, a quoted field
/// with text after its closing quote. NDJSON: one object per row,
/// `{"line":…,"field":…,"reason":…,"text":…}` (`field` only when one is at fault).
///
/// ```swift
/// let input = directory + "/events.csv"
/// try CaseEventWriter.export(data.events(), to: input, format: .csv)
/// let reader = try ImportReader.caseEvents(at: input, format: .csv)
/// let rejects = try RejectWriter(path: directory + "/events.rejects.csv", format: .csv, header: reader.headers[reader.file])
/// for row in reader { if let e = row.error { try rejects.write(e) } }
/// try rejects.finish()
/// print(rejects.count)   // 0
/// ```
public final class RejectWriter {
    /// The format written.
    ///
    /// ```swift
    /// let rejects = try RejectWriter(path: directory + "/rejects.csv", format: .csv, header: "id,kind")
    /// print(rejects.format)   // csv
    /// ```
    public let format: InterchangeFormat
    /// Rows written so far.
    ///
    /// ```swift
    /// let rejects = try RejectWriter(path: directory + "/rejects.csv", format: .csv, header: "id,kind")
    /// print("\(rejects.count) written")   // 0 written
    /// ```
    public private(set) var count = 0
    private let sink: ByteSink

    /// Creates the file; a CSV `header` (the rejected file's header line) is written first,
    /// with `,line,reason` added.
    ///
    /// ```swift
    /// let rejects = try RejectWriter(path: directory + "/rejects.ndjson", format: .ndjson)
    /// print(rejects.format)   // ndjson
    /// ```
    public init(path: String, format: InterchangeFormat, header: String? = nil) throws(InterchangeError) {
        self.format = format
        sink = try ByteSink(path: path)
        if format == .csv, let header {
            appendCSVRecord(Array(header.utf8))
            sink.append(",line,reason\r\n" as StaticString)
        }
    }

    /// Writes one rejected row.
    ///
    /// ```swift
    /// let rejects = try RejectWriter(path: directory + "/rejects.ndjson", format: .ndjson)
    /// let error = RowError(file: "persons.csv", line: 3, field: "id", reason: "is not a whole number", raw: Array("x,An".utf8))
    /// try rejects.write(error)
    /// try rejects.finish()
    /// print(rejects.count)   // 1
    /// ```
    public func write(_ error: RowError) throws(InterchangeError) {
        let reason = (error.field.map { "\($0): " } ?? "") + error.reason
        switch format {
        case .csv:
            appendCSVRecord(error.raw)
            sink.append(UInt8(ascii: ",")); sink.append(decimal: error.line)
            sink.append(UInt8(ascii: ",")); sink.appendCSV(reason)
            sink.append("\r\n" as StaticString)
        case .ndjson:
            sink.appendKey("line", first: true); sink.append(decimal: error.line)
            if let f = error.field { sink.appendKey("field"); sink.appendJSON(f) }
            sink.appendKey("reason"); sink.appendJSON(error.reason)
            sink.appendKey("text"); sink.appendJSON(error.text)
            sink.append("}\n" as StaticString)
        }
        count += 1
        try sink.check()
    }

    /// Flushes the file and moves it into place.
    ///
    /// ```swift
    /// let rejects = try RejectWriter(path: directory + "/rejects.ndjson", format: .ndjson)
    /// try rejects.finish()
    /// print(FileManager.default.fileExists(atPath: directory + "/rejects.ndjson"))   // true
    /// ```
    public func finish() throws(InterchangeError) { try sink.finish() }

    /// Writes the fields of a CSV row (split as ``CSVScanner`` splits them) as valid RFC 4180
    /// fields, without a line end: a clean field as it was; a field cut short inside its quotes
    /// (the row ends there) with the closing quote added, so that line and reason stay columns
    /// of their own; any other field quoted, holding its original bytes. A CR or LF is then
    /// never outside quotes.
    func appendCSVRecord(_ raw: [UInt8]) {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        let n = raw.count
        func appendQuoted(_ from: Int, _ to: Int) {
            sink.append(quote)
            for k in from..<to {
                sink.append(raw[k])
                if raw[k] == quote { sink.append(quote) }
            }
            sink.append(quote)
        }
        func toComma(_ from: Int) -> Int {
            var k = from
            while k < n && raw[k] != comma { k += 1 }
            return k
        }
        raw.withUnsafeBytes { all in
            var i = 0
            while true {
                if i < n && raw[i] == quote {
                    var j = i + 1
                    var closed = false
                    while j < n {
                        if raw[j] == quote {
                            if j + 1 < n && raw[j + 1] == quote { j += 2; continue }
                            closed = true
                            break
                        }
                        j += 1
                    }
                    guard closed else {
                        // Cut short: the field runs to the end of the row, and its quotes are all doubled.
                        sink.append(UnsafeRawBufferPointer(rebasing: all[i..<n]))
                        sink.append(quote)
                        return
                    }
                    if j + 1 >= n || raw[j + 1] == comma {
                        sink.append(UnsafeRawBufferPointer(rebasing: all[i...j]))
                        i = j + 1
                    } else {
                        // Text after the closing quote: the whole field, quoted.
                        let end = toComma(j + 1)
                        appendQuoted(i, end)
                        i = end
                    }
                } else {
                    let end = toComma(i)
                    var clean = true
                    for k in i..<end where raw[k] == quote || raw[k] == cr || raw[k] == lf { clean = false; break }
                    if clean { sink.append(UnsafeRawBufferPointer(rebasing: all[i..<end])) } else { appendQuoted(i, end) }
                    i = end
                }
                guard i < n else { return }
                sink.append(comma)
                i += 1
            }
        }
    }
}
