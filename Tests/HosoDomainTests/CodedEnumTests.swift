import Testing
@testable import HosoDomain

/// Every enumeration with codes, written once: the codes round-trip, are unique and well
/// formed, and every reader of codes (files, queries) takes them from the enumeration.
@Suite struct CodedEnumTests {
    /// Every `CodedEnum` of the domain (the shell's are checked in its own tests).
    static let all: [any CodedEnum.Type] = [
        Status.self, Person.Sex.self, PersonEvent.Kind.self, PersonEvent.Outcome.self, PersonEvent.Program.self,
        CaseEvent.Kind.self, CaseEvent.Stage.self, CaseEvent.TipOutcome.self, CaseEvent.Measure.self,
        InterchangeFormat.self, TransferTable.self,
    ]

    static func check<E: CodedEnum>(_ type: E.Type) {
        let codes = E.allCases.map(\.code)
        #expect(Set(codes).count == codes.count, "\(E.self): codes are not unique: \(codes)")
        #expect(E.codes == codes)
        for value in E.allCases {
            #expect(E(code: value.code) == value, "\(E.self).\(value): code → case")
            #expect(E(code: value.code)?.code == value.code, "\(E.self).\(value): case → code → case → code")
            #expect((try? E.parse(value.code.uppercased())) == value, "\(E.self).\(value): parse ignores case")
            #expect("\(value)" == value.code)
            #expect(!value.label.isEmpty)
            #expect(value.code.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" },
                    "\(E.self).\(value): code '\(value.code)' is not lowercase ASCII with '_'")
            // Files read every code from the enumeration.
            let read = Array(value.code.utf8).withUnsafeBufferPointer { b in try? FieldText.code(E.self, "f", b) }
            #expect(read == value, "\(E.self).\(value): FieldText reads its code")
        }
        #expect(E(code: "no_such_code") == nil)
        let list = E.codeList
        #expect(list.name == E.codeName && list.codes == codes && list.labels == E.allCases.map(\.label))
        #expect(list.help == codes.joined(separator: ", "))
        do {
            _ = try E.parse("no such code")
            Issue.record("\(E.self) parsed an unknown code")
        } catch {
            #expect(error.codes == codes && error.name == E.codeName)
            #expect(error.description.hasPrefix("unknown \(E.codeName) 'no such code'"))
            #expect(error.description.hasSuffix("(known: \(codes.joined(separator: ", ")))"))
        }
    }

    @Test func everyCodedEnumRoundTripsAndHasUniqueCodes() {
        for type in Self.all { Self.check(type) }
    }

    @Test func theStoredValuesDoNotChange() {
        // Codes are a file format and raw values a record format: neither may drift.
        #expect(Status.codes == ["none", "illegal_user", "addict", "voluntary_rehab", "compulsory_rehab", "methadone",
                                 "post_rehab", "released_prisoner", "high_risk", "imprisoned", "deceased"])
        #expect(Status.allCases.map(\.rawValue) == Array(0...10))
        #expect(CaseEvent.Kind.codes == ["tip", "drug_case", "hotspot", "cultivation", "propaganda", "commitment", "prevention_model", "training"])
        #expect(CaseEvent.Measure.codes == ["arrested", "area_m2", "plants", "quantity"])
        #expect(PersonEvent.Outcome.codes == ["positive", "negative", "addicted", "not_addicted", "completed", "voluntary_exit", "forced_exit"])
        #expect(Person.Sex.codes == ["unknown", "male", "female"])
        #expect(Status.addict.vietnameseName == Status.addict.label)
    }

    @Test func unknownCodesSayWhatWasMeant() {
        #expect(Status.codeList.suggestion(for: "adict") == "addict")
        #expect(CaseEvent.Kind.codeList.suggestion(for: "drugcase") == "drug_case")
        #expect(CaseEvent.Kind.codeList.suggestion(for: "zzzzzzzz") == nil)
        #expect(CodeError(Status.codeList, text: "adict").description
                == "unknown status 'adict' — did you mean 'addict'? (known: \(Status.codes.joined(separator: ", ")))")
        #expect(CaseEvent.Kind.codeList.completions(of: "P") == ["propaganda", "prevention_model"])
        #expect(Status.codeList.code(matching: "ADDICT") == "addict")
        // The reason of a row whose code is unknown.
        let failure = [UInt8]("robbery".utf8).withUnsafeBufferPointer { b -> FieldFailure? in
            do throws(FieldFailure) { _ = try FieldText.code(CaseEvent.Kind.self, "kind", b); return nil } catch { return error }
        }
        #expect(failure?.reason == "'robbery' is not a known event kind; use one of: " + CaseEvent.Kind.codes.joined(separator: ", "))
    }
}
