import Foundation

extension Report {
    /// The report as an Excel workbook (minimal SpreadsheetML in a stored ZIP, ``StoredZip``): a
    /// first sheet `report` with the title and period, then one sheet per section named after
    /// it, its first row the column headings. Numbers are numeric cells; texts and codes
    /// (national IDs, commune codes) inline strings, so leading zeros and Vietnamese stay intact.
    public func xlsx() throws -> [UInt8] {
        var sheets: [(name: String, xml: String)] = []
        let info: [[ReportCell]] = [[.text(title)], [.text("Kỳ báo cáo"), .text(request.period)], [.text("Từ ngày"), .text(request.first.description)],
                                   [.text("Đến ngày"), .text(request.last.description)], [.text("Đơn vị"), .text(tenantLabel)],
                                   [.text("Địa bàn"), .text(areaName)], [.text("Mẫu"), .text(template)]]
        sheets.append(("report", Self.sheetXML(header: nil, rows: info.map { ($0, false) })))
        for t in tables {
            sheets.append((Self.sheetName(t.id), Self.sheetXML(header: t.columns.map(\.label), rows: t.rows.map { ($0.cells, $0.isTotal) })))
        }
        var files: [(String, String)] = [
            ("[Content_Types].xml", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
            <Default Extension="xml" ContentType="application/xml"/>\
            <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
            <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
            \(sheets.indices.map { "<Override PartName=\"/xl/worksheets/sheet\($0 + 1).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>" }.joined())\
            </Types>
            """),
            ("_rels/.rels", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
            </Relationships>
            """),
            ("xl/workbook.xml", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
            <sheets>\(sheets.enumerated().map { "<sheet name=\"\(Self.xml($0.element.name))\" sheetId=\"\($0.offset + 1)\" r:id=\"rId\($0.offset + 1)\"/>" }.joined())</sheets>\
            </workbook>
            """),
            ("xl/_rels/workbook.xml.rels", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            \(sheets.indices.map { "<Relationship Id=\"rId\($0 + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\($0 + 1).xml\"/>" }.joined())\
            <Relationship Id="rId\(sheets.count + 1)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
            </Relationships>
            """),
            ("xl/styles.xml", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
            <fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>\
            <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
            <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
            <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
            <cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>\
            <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
            </styleSheet>
            """),
        ]
        for (i, s) in sheets.enumerated() { files.append(("xl/worksheets/sheet\(i + 1).xml", s.xml)) }
        var zip = StoredZip()
        for (path, text) in files { zip.add(path, Array(text.utf8)) }
        return zip.finish()
    }

    /// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
    static func sheetName(_ s: String) -> String {
        String(s.map { "[]:*?/\\".contains($0) ? "_" : $0 }.prefix(31))
    }

    static func column(_ i: Int) -> String {
        var n = i + 1, s = ""
        while n > 0 { let r = (n - 1) % 26; s = String(UnicodeScalar(UInt8(65 + r))) + s; n = (n - 1) / 26 }
        return s
    }

    static func sheetXML(header: [String]?, rows: [([ReportCell], Bool)]) -> String {
        var s = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
        var r = 0
        func text(_ ref: String, _ v: String, bold: Bool) -> String {
            "<c r=\"\(ref)\" t=\"inlineStr\"\(bold ? " s=\"1\"" : "")><is><t xml:space=\"preserve\">\(xml(v))</t></is></c>"
        }
        if let header {
            r += 1
            s += "<row r=\"\(r)\">" + header.enumerated().map { text("\(column($0.offset))\(r)", $0.element, bold: true) }.joined() + "</row>"
        }
        for (cells, bold) in rows {
            r += 1
            s += "<row r=\"\(r)\">"
            for (c, cell) in cells.enumerated() {
                let ref = "\(column(c))\(r)"
                switch cell {
                case .int(let n): s += "<c r=\"\(ref)\"\(bold ? " s=\"1\"" : "")><v>\(n)</v></c>"
                case .decimal(let d): if let d, d.isFinite { s += "<c r=\"\(ref)\"\(bold ? " s=\"1\"" : "")><v>\(d)</v></c>" }
                case .text(let t), .code(let t): if !t.isEmpty { s += text(ref, t, bold: bold) }
                }
            }
            s += "</row>"
        }
        return s + "</sheetData></worksheet>"
    }

    static func xml(_ s: String) -> String {
        var o = ""
        for u in s.unicodeScalars {
            switch u {
            case "&": o += "&amp;"
            case "<": o += "&lt;"
            case ">": o += "&gt;"
            case "\"": o += "&quot;"
            default:
                if u.value < 0x20 && u != "\t" && u != "\n" && u != "\r" { continue }
                o.unicodeScalars.append(u)
            }
        }
        return o
    }
}
