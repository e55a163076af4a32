import Foundation

/// A text file read whole and split into lines, with 1-based line numbers for error messages.
/// Accepts LF and CRLF line ends and UTF-8 content.
struct TextFile {
    let path: String
    let lines: [Substring]

    init(path: String) throws(DatasetError) {
        self.path = path
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot read file" : "no such file"
            throw DatasetError(file: path, reason: reason)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw DatasetError(file: path, reason: "file is not valid UTF-8")
        }
        if text.contains("\0") {
            throw DatasetError(file: path, reason: "file contains NUL bytes (binary file?)")
        }
        // "\r\n" is one Character in Swift, so it is a separator of its own.
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        if lines.last?.isEmpty == true { lines.removeLast() }
        self.lines = lines
    }

    /// Lines with their 1-based numbers, skipping blank lines and `#` comments.
    var contentLines: [(number: Int, text: Substring)] {
        lines.enumerated().compactMap { offset, line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { return nil }
            return (offset + 1, line)
        }
    }

    func error(line: Int, _ reason: String) -> DatasetError {
        DatasetError(file: path, line: line, reason: reason)
    }
}
