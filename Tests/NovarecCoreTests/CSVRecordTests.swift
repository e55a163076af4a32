import Testing
@testable import NovarecCore

struct CSVRecordTests {
    @Test func splitsQuotedFields() throws {
        #expect(try CSVRecord.fields(of: "a,b,c") == ["a", "b", "c"])
        #expect(try CSVRecord.fields(of: #"1,"x, y",z"#) == ["1", "x, y", "z"])
        #expect(try CSVRecord.fields(of: #"1,"say ""hi""",z"#) == ["1", #"say "hi""#, "z"])
        #expect(try CSVRecord.fields(of: "a,,") == ["a", "", ""])
    }

    @Test func unterminatedQuoteFails() {
        #expect(throws: CSVRecord.Failure.self) { try CSVRecord.fields(of: #"1,"open"#) }
    }
}
