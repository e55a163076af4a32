import Foundation

/// The dataset file layouts Novarec reads.
public enum DatasetFormat: String, CaseIterable, Sendable {
    /// One user per line: `user item item ...`, oldest first (S3-Rec / ICLRec files such as Beauty).
    case seq
    /// One interaction per line: `user item [timestamp]`, whitespace or comma separated; or a
    /// directory with `events.tsv` in that format and `items.tsv` for item text.
    case pairs
    /// A MovieLens directory (or its `ratings.csv`), with `movies.csv` for titles and genres.
    case movielens
    /// RecBole atomic files (`NAME.train/valid/test.inter`, `NAME.item2index`, `NAME.text`).
    case recbole

    /// Guesses the format from the path: a directory with `ratings.csv` is MovieLens, one with
    /// `*.inter` files is RecBole, one with `events.tsv` holds pairs (and `items.tsv`); a `.csv`,
    /// `.tsv` or `.pairs` file holds pairs; any other file holds sequences.
    public static func detect(path: String) -> DatasetFormat {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            if names.contains("ratings.csv") { return .movielens }
            if names.contains(where: { $0.hasSuffix(".inter") }) { return .recbole }
            if names.contains("events.tsv") { return .pairs }
            return .seq
        }
        if path.hasSuffix("ratings.csv") { return .movielens }
        if path.hasSuffix(".inter") { return .recbole }
        let pairExtensions = ["csv", "tsv", "pairs"]
        return pairExtensions.contains((path as NSString).pathExtension.lowercased()) ? .pairs : .seq
    }
}

/// Reads any supported dataset into a `Dataset`.
public enum DatasetLoader {
    /// Loads `path` in `format` (detected from the path when nil).
    /// - Throws: `DatasetError` naming the file, the line and the reason of the first problem.
    public static func load(path: String, format: DatasetFormat? = nil) throws(DatasetError) -> Dataset {
        switch format ?? DatasetFormat.detect(path: path) {
        case .seq: return try SequenceFileReader.read(path: path)
        case .pairs: return try PairsFileReader.read(path: path)
        case .movielens: return try MovieLensReader.read(path: path)
        case .recbole: return try RecBoleReader.read(path: path)
        }
    }

    static func datasetName(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingPathExtension().lastPathComponent
    }
}
