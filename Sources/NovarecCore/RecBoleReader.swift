import Foundation

/// Reads a RecBole atomic leave-one-out split (UniSRec layout) and rebuilds each user's full
/// sequence.
///
/// Files, for a prefix `NAME`: `NAME.{train,valid,test}.inter` with rows
/// `user<TAB>history<TAB>target` (histories cut to their last 50 items, train rows one per
/// position), optional `NAME.item2index` / `NAME.user2index` (`original_id<TAB>index`) to restore
/// the original ids, and optional `NAME.text` (`item_id<TAB>text`) for item titles.
/// The rebuilt sequence is the shortest history followed by the targets in position order; every
/// row is checked against it, so an inconsistent file fails with its line number.
enum RecBoleReader {
    private struct Row {
        let line: Int
        let history: [String]
        let target: String
    }

    static func read(path: String) throws(DatasetError) -> Dataset {
        let prefix = try filePrefix(for: path)
        let train = try readRows(path: prefix + ".train.inter")
        let valid = try readRows(path: prefix + ".valid.inter")
        let test = try readRows(path: prefix + ".test.inter")
        let itemIDs = try readIndex(path: prefix + ".item2index")
        let userIDs = try readIndex(path: prefix + ".user2index")
        var accumulator = InteractionAccumulator()
        for (user, testRow) in test.rows {
            guard let validRow = valid.rows[user] else {
                throw DatasetError(file: valid.path, reason: "user '\(user)' has a test row but no validation row")
            }
            let trainRows = train.multiRows[user, default: []].reversed()
            let sequence = try rebuild(trainRows: Array(trainRows), valid: validRow, test: testRow, paths: (train.path, valid.path, test.path))
            let userID = userIDs[user] ?? user
            for (position, item) in sequence.enumerated() {
                accumulator.add(user: userID, item: itemIDs[item] ?? item, time: Double(position), tieBreak: 0)
            }
        }
        guard !test.rows.isEmpty else { throw DatasetError(file: test.path, reason: "no rows") }
        let metadata = try readText(path: prefix + ".text")
        return accumulator.build(name: (prefix as NSString).lastPathComponent, timed: false, metadata: metadata)
    }

    private static func filePrefix(for path: String) throws(DatasetError) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DatasetError(file: path, reason: "no such file or directory")
        }
        guard isDirectory.boolValue else {
            for suffix in [".train.inter", ".valid.inter", ".test.inter", ".inter", ".text", ".item2index", ".user2index"]
            where path.hasSuffix(suffix) {
                return String(path.dropLast(suffix.count))
            }
            return path
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        guard let test = names.sorted().first(where: { $0.hasSuffix(".test.inter") }) else {
            throw DatasetError(file: path, reason: "directory has no '*.test.inter' file")
        }
        return (path as NSString).appendingPathComponent(String(test.dropLast(".test.inter".count)))
    }

    private static func readRows(path: String) throws(DatasetError) -> (path: String, rows: [String: Row], multiRows: [String: [Row]]) {
        let file = try TextFile(path: path)
        var rows: [String: Row] = [:]
        var multiRows: [String: [Row]] = [:]
        for (number, text) in file.contentLines where number > 1 || !text.hasPrefix("user_id") {
            let fields = text.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 3 else {
                throw file.error(line: number, "expected 'user<TAB>history<TAB>target', found \(fields.count) field(s)")
            }
            let history = fields[1].split(separator: " ").map(String.init)
            let target = fields[2].trimmingCharacters(in: .whitespaces)
            guard !fields[0].isEmpty, !history.isEmpty, !target.isEmpty else {
                throw file.error(line: number, "empty user, history or target")
            }
            let row = Row(line: number, history: history, target: target)
            rows[String(fields[0])] = row
            multiRows[String(fields[0]), default: []].append(row)
        }
        return (path, rows, multiRows)
    }

    private static func rebuild(
        trainRows: [Row], valid: Row, test: Row, paths: (train: String, valid: String, test: String)
    ) throws(DatasetError) -> [String] {
        let ordered = trainRows.map { ($0, paths.train) } + [(valid, paths.valid), (test, paths.test)]
        var sequence = ordered[0].0.history
        for (row, _) in ordered { sequence.append(row.target) }
        var position = ordered[0].0.history.count
        for (row, file) in ordered {
            let expected = sequence[max(0, position - row.history.count)..<position]
            guard row.history.count <= position, Array(expected) == row.history else {
                throw DatasetError(file: file, line: row.line, reason: "history does not match the user's other rows")
            }
            position += 1
        }
        return sequence
    }

    private static func readIndex(path: String) throws(DatasetError) -> [String: String] {
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        let file = try TextFile(path: path)
        var originalByIndex: [String: String] = [:]
        for (number, text) in file.contentLines {
            let fields = text.split(separator: "\t")
            guard fields.count == 2 else {
                throw file.error(line: number, "expected 'original_id<TAB>index', found \(fields.count) field(s)")
            }
            originalByIndex[String(fields[1])] = String(fields[0])
        }
        return originalByIndex
    }

    private static func readText(path: String) throws(DatasetError) -> [String: ItemMetadata] {
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        let file = try TextFile(path: path)
        var metadata: [String: ItemMetadata] = [:]
        for (number, text) in file.contentLines where number > 1 || !text.hasPrefix("item_id") {
            let fields = text.split(separator: "\t", maxSplits: 1)
            guard fields.count == 2 else { throw file.error(line: number, "expected 'item_id<TAB>text'") }
            metadata[String(fields[0])] = ItemMetadata(title: fields[1].trimmingCharacters(in: .whitespaces))
        }
        return metadata
    }
}
