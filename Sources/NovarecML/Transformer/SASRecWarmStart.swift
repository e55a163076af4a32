extension SASRec {
    /// This model's weights carried over to a new catalogue, to continue training from them:
    /// every tensor is copied, and the item embedding rows follow their items (by id) to the new
    /// positions; items this model has never seen get fresh Normal(0, 0.02) rows.
    /// - Parameters:
    ///   - itemIDs: this model's catalogue (`itemIDs[i]` is row `i`).
    ///   - newItemIDs: the new catalogue.
    /// - Returns: the remapped model and how many of the new items it knew.
    public func remapped(from itemIDs: [String], to newItemIDs: [String], seed: UInt64) throws(SASRecError) -> (model: SASRec, knownItems: Int) {
        precondition(itemIDs.count == itemCount, "one id per item row")
        guard configuration.textWidth == 0 else {
            throw .invalidConfiguration("a text-aware model needs the new catalogue's text vectors to move to it")
        }
        var configuration = configuration
        configuration.itemCount = newItemIDs.count
        let fresh = try SASRec(configuration: configuration, seed: seed)
        var parameters = fresh.parameters
        let d = configuration.dimension
        for entry in parameters.entries where entry.name != "item_embedding.weight" {
            let old = self.parameters.entry(entry.name)!
            parameters.values.replaceSubrange(entry.offset..<(entry.offset + entry.count), with: self.parameters.values[old.offset..<(old.offset + old.count)])
        }
        let oldRows = Dictionary(uniqueKeysWithValues: itemIDs.enumerated().map { ($1, $0) })
        let target = parameters.entry("item_embedding.weight")!.offset
        let source = layout.itemEmbedding
        var known = 0
        for (row, id) in newItemIDs.enumerated() {
            guard let oldRow = oldRows[id] else { continue }
            known += 1
            parameters.values.replaceSubrange(
                (target + row * d)..<(target + (row + 1) * d),
                with: self.parameters.values[(source + oldRow * d)..<(source + (oldRow + 1) * d)])
        }
        return (try SASRec(configuration: configuration, parameters: parameters), known)
    }
}
