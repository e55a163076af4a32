import ArgumentParser
import NovarecML

/// Where an item nobody has interacted with yet is shown, by its text (`NewItemPlacement`):
/// the same two flags for `train`/`eval` (offline, with `--item-text`) and `serve`.
struct NewItemOptions: ParsableArguments {
    @Option(
        name: .customLong("new-item-rank"),
        help: ArgumentHelp(
            "Position of the item nobody has interacted with yet whose text best matches the shopper's latest items "
                + "(0: none; offline, text-aware models only)."))
    var rank = NewItemPlacement.standard.rank

    @Option(name: .customLong("new-item-threshold"), help: "Least cosine between that item's text and the shopper's latest items.")
    var threshold = NewItemPlacement.standard.threshold

    func validate() throws { _ = try placement() }

    /// The flags as a placement; nil for rank 0.
    func placement() throws -> NewItemPlacement? {
        guard (0...100).contains(rank) else { throw ValidationError("--new-item-rank must be between 0 (none) and 100") }
        guard threshold.isFinite, (-1...1).contains(threshold) else { throw ValidationError("--new-item-threshold must be a cosine between -1 and 1") }
        return rank == 0 ? nil : NewItemPlacement(rank: rank, threshold: threshold)
    }
}
