import CBLAS

/// Catalogue items' text vectors by dense index (`itemCount × width`, unit rows, zero rows for
/// items without text), with the shopper's text profile (`NewItemPlacement.profile`): what the
/// text-driven parts of a served model read.
public struct ItemTextVectors: Sendable {
    public let values: [Float]
    public let width: Int

    public init(values: [Float], width: Int) {
        precondition(width > 0 && values.count % width == 0, "whole rows of \(width) values")
        self.values = values
        self.width = width
    }

    public var itemCount: Int { values.count / width }

    /// Whether `item` has text (a non-zero row).
    public func hasText(_ item: Int) -> Bool {
        values[(item * width)..<((item + 1) * width)].contains { $0 != 0 }
    }

    /// Runs `body` with a lookup of an item's row (nil for an item without text).
    public func withRows<Result>(_ body: ((Int32) -> UnsafeBufferPointer<Float>?) -> Result) -> Result {
        values.withUnsafeBufferPointer { text in
            body { item in
                let row = UnsafeBufferPointer(rebasing: text[(Int(item) * width)..<((Int(item) + 1) * width)])
                return row.contains { $0 != 0 } ? row : nil
            }
        }
    }

    /// The text profile of `history` (nil when none of its latest items has text).
    public func profile(of history: ArraySlice<Int32>) -> [Float]? {
        withRows { row in NewItemPlacement.profile(of: history, vector: row) }
    }

    /// `scores[i] += weight · cos(text_i, profile)` for every item.
    public func addSimilarities(to profile: [Float], weight: Float, into scores: UnsafeMutableBufferPointer<Float>) {
        precondition(scores.count == itemCount && profile.count == width, "one score per item, a profile of the text width")
        cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(itemCount), Int32(width), weight, values, Int32(width), profile, 1, 1, scores.baseAddress, 1)
    }
}
