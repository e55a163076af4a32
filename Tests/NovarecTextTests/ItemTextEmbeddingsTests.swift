import Foundation
import NovarecCore
import NovarecML
import Testing
@testable import NovarecText

/// `novarec embed`'s output file and the text it embeds per item.
struct ItemTextEmbeddingsTests {
    @Test func roundTripsThroughSafeTensorsWithItemIDsInTheMetadata() throws {
        let scratch = try ScratchDirectory()
        let url = scratch.url.appendingPathComponent("item-text.safetensors")
        let embeddings = ItemTextEmbeddings(itemIDs: ["b", "a", "c"], dimension: 2, vectors: [1, 0, 0, 1, 0.6, 0.8], model: "tiny")
        try embeddings.write(to: url)
        #expect(try ItemTextEmbeddings.read(from: url) == embeddings)
        let metadata = try SafeTensors.decode(Data(contentsOf: url)).metadata
        #expect(metadata[CheckpointFile.itemsKey] == #"["b","a","c"]"# && metadata[CheckpointFile.kindKey] == "item-text")
    }

    @Test func embedsTitlesWithTheirCategoriesAndSkipsItemsWithoutText() {
        let dataset = Dataset(
            name: "shop", users: Vocabulary(orderedIDs: ["u"]), items: Vocabulary(orderedIDs: ["i1", "i2", "i3"]), sequences: [[0, 1, 2]],
            itemMetadata: [0: ItemMetadata(title: "Toy Story (1995)", categories: ["Animation", "Comedy"]), 2: ItemMetadata(title: "Glue.")])
        let (ids, texts) = ItemTextEmbeddings.texts(of: dataset)
        #expect(ids == ["i1", "i3"])
        #expect(texts == ["Toy Story (1995). Animation, Comedy", "Glue."])
    }
}
