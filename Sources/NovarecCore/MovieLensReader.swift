import Foundation

/// Reads MovieLens CSV: `ratings.csv` (`userId,movieId,rating,timestamp`, every rating counts as
/// an interaction, ties broken by `(timestamp, movieId)`) and, when present beside it,
/// `movies.csv` (`movieId,title,genres`) for titles and genres.
enum MovieLensReader {
    static func read(path: String) throws(DatasetError) -> Dataset {
        let directory = path.hasSuffix(".csv") ? (path as NSString).deletingLastPathComponent : path
        let ratingsPath = path.hasSuffix(".csv") ? path : (path as NSString).appendingPathComponent("ratings.csv")
        let accumulator = try readRatings(path: ratingsPath)
        let moviesPath = (directory as NSString).appendingPathComponent("movies.csv")
        let metadata = FileManager.default.fileExists(atPath: moviesPath) ? try readMovies(path: moviesPath) : [:]
        let name = (directory as NSString).lastPathComponent
        return accumulator.build(name: name.isEmpty ? "movielens" : name, timed: true, metadata: metadata)
    }

    private static func readRatings(path: String) throws(DatasetError) -> InteractionAccumulator {
        let file = try TextFile(path: path)
        let lines = file.contentLines
        guard let header = lines.first, header.text.lowercased().hasPrefix("userid,movieid,rating,timestamp") else {
            throw DatasetError(file: path, line: 1, reason: "expected header 'userId,movieId,rating,timestamp'")
        }
        var accumulator = InteractionAccumulator()
        for (number, text) in lines.dropFirst() {
            let fields = text.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == 4 else {
                throw file.error(line: number, "expected 4 comma-separated fields, found \(fields.count)")
            }
            guard let movie = Int64(fields[1]) else {
                throw file.error(line: number, "movieId '\(fields[1])' is not an integer")
            }
            guard let rating = Double(fields[2]), rating.isFinite else {
                throw file.error(line: number, "rating '\(fields[2])' is not a number")
            }
            guard let time = Double(fields[3]), time.isFinite else {
                throw file.error(line: number, "timestamp '\(fields[3])' is not a number")
            }
            guard !fields[0].isEmpty else { throw file.error(line: number, "empty userId") }
            accumulator.add(user: String(fields[0]), item: String(fields[1]), time: time, tieBreak: movie)
        }
        return accumulator
    }

    private static func readMovies(path: String) throws(DatasetError) -> [String: ItemMetadata] {
        let file = try TextFile(path: path)
        var metadata: [String: ItemMetadata] = [:]
        for (number, text) in file.contentLines.dropFirst() {
            let fields: [String]
            do {
                fields = try CSVRecord.fields(of: text)
            } catch {
                throw file.error(line: number, "unterminated quoted field")
            }
            guard fields.count == 3 else {
                throw file.error(line: number, "expected 'movieId,title,genres', found \(fields.count) field(s)")
            }
            let genres = fields[2] == "(no genres listed)" ? [] : fields[2].split(separator: "|").map(String.init)
            metadata[fields[0]] = ItemMetadata(title: fields[1], categories: genres)
        }
        return metadata
    }
}
