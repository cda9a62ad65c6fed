import Foundation
import Testing
@testable import HosoReports

@Suite struct StoredZipTests {
    /// The check value every CRC-32 (ISO 3309) implementation publishes.
    @Test func crcOfTheStandardCheckString() {
        #expect(StoredZip.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(StoredZip.crc32([]) == 0)
    }

    /// Python's zipfile, an independent reader, lists and tests the entries and reads them back.
    @Test func pythonsZipfileReadsTheArchiveBack() throws {
        var zip = StoredZip()
        let entries = [("a.txt", "xin chào"), ("thư mục/b.xml", "<x>Lạng Sơn</x>"), ("empty", "")]
        for (name, text) in entries { zip.add(name, Array(text.utf8)) }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hoso-zip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("t.zip")
        try Data(zip.finish()).write(to: file)
        let script = """
        import sys, zipfile, json
        z = zipfile.ZipFile(sys.argv[1])
        assert z.testzip() is None
        print(json.dumps([[i.filename, z.read(i).decode('utf-8')] for i in z.infolist()], ensure_ascii=False))
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script, file.path]
        let pipe = Pipe(); p.standardOutput = pipe
        try p.run(); p.waitUntilExit()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(p.terminationStatus == 0, "python3 zipfile failed: \(out)")
        let read = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String]]
        #expect(read == entries.map { [$0.0, $0.1] })
    }
}
