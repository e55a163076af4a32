import Testing
@testable import NovarecCore

struct MovieLensReaderTests {
    private func writeFiles(ratings: String) throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try directory.write("ratings.csv", ratings)
        try directory.write(
            "movies.csv",
            """
            movieId,title,genres\r
            1,Toy Story (1995),Adventure|Animation\r
            2,"American President, The (1995)",Comedy|Drama|Romance\r
            3,Plain,(no genres listed)\r

            """)
        return directory
    }

    @Test func tiesAreBrokenByTimestampThenMovieID() throws {
        let directory = try writeFiles(
            ratings: """
                userId,movieId,rating,timestamp\r
                1,3,4.0,100\r
                1,2,3.5,100\r
                1,1,5.0,50\r
                2,1,1.0,7\r

                """)
        let dataset = try DatasetLoader.load(path: directory.path)
        #expect(dataset.sequences[0].map { dataset.items.id(at: $0) } == ["1", "2", "3"])
        #expect(dataset.timestamps?[0] == [50, 100, 100])
    }

    @Test func titlesWithQuotedCommasAndGenresAreRead() throws {
        let directory = try writeFiles(ratings: "userId,movieId,rating,timestamp\n1,2,4,1\n1,3,4,2\n")
        let dataset = try DatasetLoader.load(path: directory.path + "/ratings.csv", format: .movielens)
        let president = try #require(dataset.items.index(of: "2"))
        #expect(dataset.itemMetadata[president] == ItemMetadata(title: "American President, The (1995)", categories: ["Comedy", "Drama", "Romance"]))
        let plain = try #require(dataset.items.index(of: "3"))
        #expect(dataset.itemMetadata[plain]?.categories == [])
    }

    @Test func badRatingLineIsReported() throws {
        let directory = try writeFiles(ratings: "userId,movieId,rating,timestamp\n1,2,4,1\n1,x,4,2\n")
        #expect(throws: DatasetError(file: directory.path + "/ratings.csv", line: 3, reason: "movieId 'x' is not an integer")) {
            try DatasetLoader.load(path: directory.path)
        }
        let missingHeader = try writeFiles(ratings: "1,2,4,1\n")
        let error = #expect(throws: DatasetError.self) { try DatasetLoader.load(path: missingHeader.path) }
        #expect(error?.line == 1)
    }
}
