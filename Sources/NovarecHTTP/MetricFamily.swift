/// One Prometheus metric family: its name, help, type and samples. Every component with
/// figures for `/metrics` hands over families; `PrometheusText` alone turns them into the text
/// format, so headers, label escaping and number formatting are decided in one place.
public struct MetricFamily: Sendable {
    public enum Kind: String, Sendable {
        case counter, gauge, histogram
    }

    /// A sample's number: counts print as integers, measurements in Swift's shortest form.
    public enum Value: Sendable, Equatable {
        case integer(Int)
        case real(Double)
    }

    public struct Sample: Sendable {
        /// Appended to the family's name (`_bucket`, `_sum`, `_count` of a histogram).
        public var suffix: String
        public var labels: [(name: String, value: String)]
        public var value: Value

        public init(suffix: String = "", labels: [(name: String, value: String)] = [], _ value: Value) {
            self.suffix = suffix
            self.labels = labels
            self.value = value
        }
    }

    public let name: String
    public let kind: Kind
    public let help: String
    public let samples: [Sample]

    public init(_ name: String, _ kind: Kind, help: String, samples: [Sample]) {
        self.name = name
        self.kind = kind
        self.help = help
        self.samples = samples
    }

    /// A family of one unlabelled sample.
    public init(_ name: String, _ kind: Kind, help: String, _ value: Value) {
        self.init(name, kind, help: help, samples: [Sample(value)])
    }
}

/// The Prometheus text exposition format (version 0.0.4) of metric families.
public enum PrometheusText {
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    public static func render(_ families: [MetricFamily]) -> String {
        var text = ""
        for family in families {
            text += "# HELP \(family.name) \(family.help)\n# TYPE \(family.name) \(family.kind.rawValue)\n"
            for sample in family.samples {
                text += family.name + sample.suffix + labels(sample.labels) + " " + format(sample.value) + "\n"
            }
        }
        return text
    }

    private static func labels(_ labels: [(name: String, value: String)]) -> String {
        guard !labels.isEmpty else { return "" }
        return "{" + labels.map { "\($0.name)=\"\(escape($0.value))\"" }.joined(separator: ",") + "}"
    }

    private static func format(_ value: MetricFamily.Value) -> String {
        switch value {
        case .integer(let number): String(number)
        case .real(let number) where number.isNaN: "NaN"
        case .real(let number) where number.isInfinite: number > 0 ? "+Inf" : "-Inf"
        case .real(let number): String(number)
        }
    }

    private static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
