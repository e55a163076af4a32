/// Splits one CSV line (RFC 4180 quoting: `"a, b"`, doubled `""` inside quotes) into fields.
enum CSVRecord {
    enum Failure: Error { case unterminatedQuote }

    static func fields(of line: Substring) throws(Failure) -> [String] {
        var fields: [String] = []
        var current = ""
        var inQuotes = false
        var iterator = line.makeIterator()
        while let character = iterator.next() {
            if inQuotes {
                if character != "\"" {
                    current.append(character)
                    continue
                }
                guard let following = iterator.next() else {
                    inQuotes = false
                    break
                }
                if following == "\"" {
                    current.append("\"")
                } else {
                    inQuotes = false
                    if following == "," {
                        fields.append(current)
                        current = ""
                    } else {
                        current.append(following)
                    }
                }
                continue
            }
            switch character {
            case "\"": inQuotes = true
            case ",":
                fields.append(current)
                current = ""
            default: current.append(character)
            }
        }
        if inQuotes { throw .unterminatedQuote }
        fields.append(current)
        return fields
    }
}
