import ArgumentParser
import NovarecCore
import NovarecEval

/// The `--dataset`/`--format` pair shared by every command that reads a dataset.
struct DatasetOptions: ParsableArguments {
    @Option(help: "Dataset file or directory.")
    var dataset: String

    @Option(help: "Dataset format: \(DatasetFormat.allCases.map(\.rawValue).joined(separator: ", ")) (default: detected from the path).")
    var format: DatasetFormat?

    /// Loads the dataset; a malformed file becomes a one-line `CommandFailure`.
    func load() throws -> Dataset {
        let data: Dataset
        do {
            data = try DatasetLoader.load(path: dataset, format: format)
        } catch {
            throw CommandFailure(description: error.description)
        }
        log("dataset \(data.name): \(data.users.count) users, \(data.items.count) items, \(data.interactionCount) interactions")
        return data
    }
}

extension DatasetFormat: ExpressibleByArgument {}

extension LeaveOneOutSplit {
    /// This split, which must hold a user to train and evaluate on.
    func checked() throws -> LeaveOneOutSplit {
        guard userCount > 0 else {
            throw CommandFailure(
                description: "dataset \(dataset.name): no user has 3 or more interactions, so nothing can be trained or evaluated "
                    + "(each user's last two are held out for validation and test)")
        }
        return self
    }
}

extension EvaluationContext {
    /// The context for `dataset`, which must hold a user to train and evaluate on.
    static func checked(_ dataset: Dataset) throws -> EvaluationContext {
        let context = EvaluationContext(dataset: dataset)
        _ = try context.split.checked()
        return context
    }
}
