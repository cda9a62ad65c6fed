import Foundation
import Testing
@testable import HosoDomain
import HosoStore

/// A persons import sends the rejected rows of person_events.csv to a reject file of their own,
/// with that file's header, and its summary counts the rows of each file apart.
@Suite struct ImportRejectFilesTests {
    typealias F = InterchangeFixtures

    @Test func personEventRejectsHaveTheirOwnFileAndHeader() throws {
        let dir = try F.directory()
        let store = try Store(directory: dir + "store")
        let program = try ProgramTenant.create(in: store, name: "lang-son", provinceCode: 20)
        let commune = program.settings.communes[0].ref.commune
        try F.write("""
            id,full_name,commune_code,file_opened
            1,Nguyễn Văn An,\(commune),2025-03-10
            2,Trần Văn Bình,\(commune),2025-03-10
            3,Lê Văn Cường,999999,2025-03-10

            """, to: dir + "persons.csv")
        try F.write("""
            person_id,sequence,date,kind
            1,1,2025-03-10,test_result
            2,1,2025-13-10,test_result

            """, to: dir + "person_events.csv")
        let summary = try TableTransfer.importFile(dir + "persons.csv", table: .persons, into: program)
        #expect(summary.loaded == 1 && summary.rejected == 3)
        #expect(summary.rejectsByFile.map { ($0.file as NSString).lastPathComponent } == ["person_events.csv", "persons.csv"]
                || summary.rejectsByFile.map { ($0.file as NSString).lastPathComponent } == ["persons.csv", "person_events.csv"])
        #expect(summary.rejectsByFile.first { $0.file.hasSuffix("persons.csv") && !$0.file.hasSuffix("person_events.csv") }?.rows == 2)
        #expect(summary.rejectsByFile.first { $0.file.hasSuffix("person_events.csv") }?.rows == 1)
        #expect(summary.text.contains("2 rows of persons.csv") && summary.text.contains("1 rows of person_events.csv"))
        let events = String(decoding: try F.bytes(dir + "person_events.csv.rejects.csv"), as: UTF8.self)
        #expect(events.hasPrefix("person_id,sequence,date,kind,line,reason\r\n2,1,2025-13-10,test_result,3,"))
        let persons = String(decoding: try F.bytes(dir + "persons.csv.rejects.csv"), as: UTF8.self)
        #expect(persons.hasPrefix("id,full_name,commune_code,file_opened,line,reason\r\n"))
        #expect(!persons.contains("2025-13-10,test_result"))
        // An id already in the tenant is refused naming what to do, not an API call.
        let again = try TableTransfer.importFile(dir + "persons.csv", table: .persons, into: program, rejects: dir + "again.csv")
        let text = String(decoding: try F.bytes(dir + "again.csv"), as: UTF8.self)
        #expect(again.loaded == 0 && text.contains("is already in the tenant: an import adds new files only") && !text.contains("use update"))
    }
}
