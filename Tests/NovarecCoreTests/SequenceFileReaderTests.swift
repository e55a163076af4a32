import Testing
@testable import NovarecCore

struct SequenceFileReaderTests {
    @Test func readsSequencesWithOriginalIDs() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("seq.txt", "1 5 3 5\n2 3 7\n\n10 7 5 3\n")
        let dataset = try DatasetLoader.load(path: path, format: .seq)
        #expect(dataset.users.ids == ["1", "2", "10"])
        #expect(dataset.items.ids == ["3", "5", "7"])
        #expect(dataset.sequences[0].map { dataset.items.id(at: $0) } == ["5", "3", "5"])
        #expect(dataset.sequences[2].map { dataset.items.id(at: $0) } == ["7", "5", "3"])
        #expect(dataset.interactionCount == 8)
        #expect(dataset.timestamps == nil)
    }

    @Test func lineWithoutItemsNamesFileAndLine() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("bad.txt", "1 2 3\n2\n")
        #expect(throws: DatasetError(file: path, line: 2, reason: "expected 'user item [item ...]', found 1 field(s)")) {
            try DatasetLoader.load(path: path, format: .seq)
        }
    }

    @Test func repeatedUserIsAnError() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("dup.txt", "1 2 3\n1 4 5\n")
        let error = #expect(throws: DatasetError.self) { try DatasetLoader.load(path: path, format: .seq) }
        #expect(error?.line == 2)
        #expect(error?.description.hasPrefix("\(path):2: user '1'") == true)
    }

    @Test func missingAndEmptyFilesAreErrors() throws {
        let directory = try TemporaryDirectory()
        #expect(throws: DatasetError(file: directory.path + "/none.txt", reason: "no such file")) {
            try DatasetLoader.load(path: directory.path + "/none.txt", format: .seq)
        }
        let empty = try directory.write("empty.txt", "\n# only a comment\n")
        #expect(throws: DatasetError(file: empty, reason: "no sequences in file")) {
            try DatasetLoader.load(path: empty, format: .seq)
        }
    }

    @Test func binaryContentIsRejected() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("nul.txt", "1 2\0 3\n")
        let error = #expect(throws: DatasetError.self) { try DatasetLoader.load(path: path, format: .seq) }
        #expect(error?.reason.contains("NUL") == true)
    }
}
