/// WordPiece sub-word segmentation of one word, as Hugging Face `tokenizers`' `WordPiece`
/// model: greedy longest match first from the start of the word, later pieces spelled with the
/// continuation prefix (`##`); a word longer than `maxCharacters` scalars, or one with a
/// remainder no token matches, becomes the single unknown token.
struct WordPiece: Sendable {
    let vocabulary: WordPieceVocabulary
    let unknownID: Int32
    let continuationPrefix: [UInt8]
    let maxCharacters: Int

    /// Appends the ids of `word`'s pieces to `ids`.
    func append(_ word: ArraySlice<Unicode.Scalar>, to ids: inout [Int32]) {
        guard word.count <= maxCharacters else { return ids.append(unknownID) }
        var bytes: [UInt8] = []
        var boundaries = [0]
        for scalar in word {
            bytes.append(contentsOf: UTF8.encode(scalar)!)
            boundaries.append(bytes.count)
        }
        var pieces: [Int32] = []
        var start = 0
        var key: [UInt8] = []
        while start < word.count {
            var end = word.count
            var found: Int32?
            while start < end {
                key.removeAll(keepingCapacity: true)
                if start > 0 { key.append(contentsOf: continuationPrefix) }
                key.append(contentsOf: bytes[boundaries[start]..<boundaries[end]])
                if key.count <= vocabulary.longestToken, let id = vocabulary.id(key) {
                    found = id
                    break
                }
                end -= 1
            }
            guard let found else { return ids.append(unknownID) }
            pieces.append(found)
            start = end
        }
        ids.append(contentsOf: pieces)
    }
}
