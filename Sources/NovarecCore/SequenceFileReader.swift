/// Reads sequence-per-line files: `user item item ...`, items oldest first, whitespace separated.
enum SequenceFileReader {
    static func read(path: String) throws(DatasetError) -> Dataset {
        let file = try TextFile(path: path)
        var accumulator = InteractionAccumulator()
        var seenUsers: Set<Substring> = []
        for (number, text) in file.contentLines {
            let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2 else {
                throw file.error(line: number, "expected 'user item [item ...]', found \(fields.count) field(s)")
            }
            let user = fields[0]
            guard seenUsers.insert(user).inserted else {
                throw file.error(line: number, "user '\(user)' already has a sequence on an earlier line")
            }
            for (position, item) in fields.dropFirst().enumerated() {
                accumulator.add(user: String(user), item: String(item), time: Double(position), tieBreak: 0)
            }
        }
        guard !seenUsers.isEmpty else { throw DatasetError(file: path, reason: "no sequences in file") }
        return accumulator.build(name: DatasetLoader.datasetName(for: path), timed: false)
    }
}
