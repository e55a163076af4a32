import ArgumentParser

/// The `novarec` command line: one binary for every job.
struct NovarecCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "novarec",
        abstract: "Novarec: a recommendation service that finds items new to each shopper.",
        subcommands: [EvalCommand.self, TrainCommand.self, BenchCommand.self, GenerateCommand.self, ImportCommand.self, ServeCommand.self, EmbedCommand.self]
    )
}
