import Testing
@testable import HosoDomain

@Suite("CSVLine")
struct CSVLineTests {
    @Test func linesAndFields() {
        let text = "\u{FEFF}a,b,c\r\n1,\"x, \"\"y\"\"\",\r\nĐoàn Kết,\"\",z\n\nlast,1,2"
        let lines = CSVLine.lines(Array(text.utf8))
        #expect(lines.count == 5)
        #expect(CSVLine.fields(lines[0]) == ["a", "b", "c"])
        #expect(CSVLine.fields(lines[1]) == ["1", "x, \"y\"", ""])
        #expect(CSVLine.fields(lines[2]) == ["Đoàn Kết", "", "z"])
        #expect(CSVLine.fields(lines[3]) == [""])
        #expect(CSVLine.fields(lines[4]) == ["last", "1", "2"])
        #expect(CSVLine.fields(ArraySlice("\"open,1".utf8)) == nil)
        #expect(CSVLine.fields(ArraySlice("\"a\"b,1".utf8)) == nil)
        #expect(CSVLine.lines(Array("a\r\nb\r\n".utf8)).count == 2)
    }

    @Test func tableReportsProblems() {
        #expect(throws: GazetteerError.self) {
            try CSVTable(resource: "t.csv", bytes: Array("a,b\n1\n".utf8), columns: ["a"])
        }
        #expect(throws: GazetteerError.self) {
            try CSVTable(resource: "t.csv", bytes: Array("a,b\n1,2\n".utf8), columns: ["c"])
        }
        do {
            let t = try CSVTable(resource: "t.csv", bytes: Array("a,b\n1,x\n".utf8), columns: ["b", "a"])
            #expect(t.text(t.records[0], 0) == "x")
            #expect(try t.int32(t.records[0], 1) == 1)
            #expect(throws: GazetteerError(resource: "t.csv", line: 2, reason: "b is \"x\", not a code")) {
                try t.int32(t.records[0], 0)
            }
        } catch {
            Issue.record("\(error)")
        }
    }
}
