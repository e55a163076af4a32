import Testing
@testable import NovarecCore

struct PairsFileReaderTests {
    @Test func ordersByTimestampKeepingFileOrderOnTies() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("events.tsv", "user\titem\ttime\nu1\tb\t20\nu1\ta\t10\nu1\tc\t20\nu2,a,5\n")
        let dataset = try DatasetLoader.load(path: path, format: .pairs)
        #expect(dataset.sequences[0].map { dataset.items.id(at: $0) } == ["a", "b", "c"])
        #expect(dataset.timestamps?[0] == [10, 20, 20])
        #expect(dataset.users.ids == ["u1", "u2"])
    }

    @Test func withoutTimestampsFileOrderIsTimeOrder() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("pairs.txt", "7 3\n7 1\n8 1\n7 2\n")
        let dataset = try DatasetLoader.load(path: path, format: .pairs)
        #expect(dataset.sequences[0].map { dataset.items.id(at: $0) } == ["3", "1", "2"])
        #expect(dataset.timestamps == nil)
    }

    @Test func malformedLinesNameTheirLine() throws {
        let directory = try TemporaryDirectory()
        let badTime = try directory.write("a.tsv", "u1 i1 100\nu1 i2 yesterday\n")
        #expect(throws: DatasetError(file: badTime, line: 2, reason: "timestamp 'yesterday' is not a number")) {
            try DatasetLoader.load(path: badTime, format: .pairs)
        }
        let mixed = try directory.write("b.tsv", "u1 i1 100\nu1 i2\n")
        #expect(throws: DatasetError(file: mixed, line: 2, reason: "timestamp column present on some lines and missing on others")) {
            try DatasetLoader.load(path: mixed, format: .pairs)
        }
        let tooMany = try directory.write("c.tsv", "u1 i1 1 2\n")
        #expect(throws: DatasetError(file: tooMany, line: 1, reason: "expected 'user item [timestamp]', found 4 field(s)")) {
            try DatasetLoader.load(path: tooMany, format: .pairs)
        }
    }

    @Test func formatIsDetectedFromThePath() throws {
        let directory = try TemporaryDirectory()
        #expect(DatasetFormat.detect(path: try directory.write("x.tsv", "")) == .pairs)
        #expect(DatasetFormat.detect(path: try directory.write("x.csv", "")) == .pairs)
        #expect(DatasetFormat.detect(path: try directory.write("Beauty.txt", "")) == .seq)
        try directory.write("ratings.csv", "")
        #expect(DatasetFormat.detect(path: directory.path) == .movielens)
    }
}
