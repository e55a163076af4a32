/// Lets `novarec serve` take every option from the environment too, as container deployments
/// configure services: an option `--foo-bar` absent from the command line takes the value of
/// `NOVAREC_FOO_BAR` when that is set (`--database-url` also takes `DATABASE_URL`). The values
/// join the arguments before parsing, so they are validated exactly like typed ones, and a bad
/// one stops start-up with the usual message plus the variable it came from (a database URL's
/// password masked).
enum EnvironmentArguments {
    /// The `serve` options that the environment can set (every one; a test keeps this list
    /// equal to the options `novarec serve --help` shows).
    static let serveOptions = [
        "host", "port", "data-dir", "database-url", "api-keys-file", "read-keys-file", "admin-keys-file", "checkpoint", "candidate-cache-users",
        "history-users", "popularity-items", "text-model", "new-item-rank", "new-item-threshold",
        "retrain-events", "retrain-interval", "event-retention-days", "train-max-minutes", "trainer-threads", "poll-interval", "warm-start-max-new-items",
        "gate-ndcg-margin",
        "gate-novelty-margin", "gate-coverage-margin", "handover-seconds", "replica-name", "checkpoint-dir",
        "max-header-bytes", "max-header-count", "max-body-bytes", "max-body-bytes-in-flight", "max-connections",
        "max-requests-per-connection", "header-timeout", "idle-timeout",
        "body-timeout", "write-timeout", "shutdown-grace", "event-loops", "log-level"
    ]

    /// The variable for an option: `--max-body-bytes` → `NOVAREC_MAX_BODY_BYTES`.
    static func variable(for option: String) -> String {
        "NOVAREC_" + option.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    /// `arguments` (without the program name) plus `--option=value` for every `serve` option
    /// set in `environment` but not on the command line, and which variable supplied each.
    static func merge(_ arguments: [String], environment: [String: String]) -> (arguments: [String], sources: [String]) {
        guard arguments.first == "serve", !arguments.contains("--help"), !arguments.contains("-h") else { return (arguments, []) }
        var merged = arguments
        var sources: [String] = []
        for option in serveOptions where !arguments.contains(where: { $0 == "--\(option)" || $0.hasPrefix("--\(option)=") }) {
            let names = option == "database-url" ? [variable(for: option), "DATABASE_URL"] : [variable(for: option)]
            guard let name = names.first(where: { environment[$0] != nil }), let value = environment[name] else { continue }
            merged.append("--\(option)=\(value)")
            sources.append("\(name)=\(option == "database-url" ? SecretRedaction.connectionString(value) : value)")
        }
        return (merged, sources)
    }
}
