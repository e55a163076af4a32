import Foundation

/// Writes a dataset as files that `DatasetLoader` reads back: `events.tsv` in the pairs format
/// (`user<TAB>item<TAB>time`, time = Unix seconds, or the position when the dataset has no
/// times) and `items.tsv` (`item<TAB>title<TAB>category|category`) for item text.
public enum DatasetWriter {
    public static func write(_ dataset: Dataset, to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var events = "user\titem\ttime\n"
        for (user, sequence) in dataset.sequences.enumerated() {
            let userID = dataset.users.id(at: Int32(user))
            for (position, item) in sequence.enumerated() {
                let time = dataset.timestamps?[user][position] ?? Double(position)
                events += "\(userID)\t\(dataset.items.id(at: item))\t\(Int64(time))\n"
            }
        }
        try events.write(to: directory.appendingPathComponent("events.tsv"), atomically: true, encoding: .utf8)
        var items = "item\ttitle\tcategories\n"
        for (index, metadata) in dataset.itemMetadata.sorted(by: { $0.key < $1.key }) {
            items += "\(dataset.items.id(at: index))\t\(metadata.title)\t\(metadata.categories.joined(separator: "|"))\n"
        }
        try items.write(to: directory.appendingPathComponent("items.tsv"), atomically: true, encoding: .utf8)
    }
}
