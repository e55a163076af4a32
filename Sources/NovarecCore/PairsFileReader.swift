import Foundation

/// Reads one interaction per line: `user item [timestamp]`, separated by whitespace or commas.
///
/// With timestamps, each user's items are ordered by time, ties kept in file order; without,
/// file order is the time order. A header line is allowed when it starts with `user`.
///
/// A directory (as `novarec generate` and `DatasetWriter` write it) holds `events.tsv` in this
/// format and, optionally, `items.tsv`: `item<TAB>title<TAB>category|category`, for item text.
enum PairsFileReader {
    static func read(path: String) throws(DatasetError) -> Dataset {
        guard isDirectory(path) else { return try readEvents(path: path, metadata: [:]) }
        let items = (path as NSString).appendingPathComponent("items.tsv")
        let metadata = FileManager.default.fileExists(atPath: items) ? try readItems(path: items) : [:]
        return try readEvents(path: (path as NSString).appendingPathComponent("events.tsv"), metadata: metadata)
    }

    static func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }

    /// `items.tsv`: a header line, then `item<TAB>title<TAB>categories` (categories `|`-separated, may be empty).
    private static func readItems(path: String) throws(DatasetError) -> [String: ItemMetadata] {
        let file = try TextFile(path: path)
        var metadata: [String: ItemMetadata] = [:]
        for (number, text) in file.contentLines {
            let fields = text.split(separator: "\t", omittingEmptySubsequences: false)
            if number == 1, fields.first == "item" { continue }
            guard fields.count == 2 || fields.count == 3, !fields[0].isEmpty else {
                throw file.error(line: number, "expected 'item<TAB>title[<TAB>categories]', found \(fields.count) field(s)")
            }
            let categories = fields.count == 3 ? fields[2].split(separator: "|").map(String.init) : []
            metadata[String(fields[0])] = ItemMetadata(title: String(fields[1]), categories: categories)
        }
        return metadata
    }

    private static func readEvents(path: String, metadata: [String: ItemMetadata]) throws(DatasetError) -> Dataset {
        let file = try TextFile(path: path)
        var accumulator = InteractionAccumulator()
        var hasTimestamps: Bool?
        var count = 0
        for (number, text) in file.contentLines {
            let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," })
            if count == 0, fields.first?.lowercased().hasPrefix("user") == true { continue }
            guard fields.count == 2 || fields.count == 3 else {
                throw file.error(line: number, "expected 'user item [timestamp]', found \(fields.count) field(s)")
            }
            let timed = fields.count == 3
            if let hasTimestamps, hasTimestamps != timed {
                throw file.error(line: number, "timestamp column present on some lines and missing on others")
            }
            hasTimestamps = timed
            var time = Double(count)
            if timed {
                guard let value = Double(fields[2]), value.isFinite else {
                    throw file.error(line: number, "timestamp '\(fields[2])' is not a number")
                }
                time = value
            }
            accumulator.add(user: String(fields[0]), item: String(fields[1]), time: time, tieBreak: Int64(count))
            count += 1
        }
        guard count > 0 else { throw DatasetError(file: path, reason: "no interactions in file") }
        return accumulator.build(name: DatasetLoader.datasetName(for: path), timed: hasTimestamps == true, metadata: metadata)
    }
}
