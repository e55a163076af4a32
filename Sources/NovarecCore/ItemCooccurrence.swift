/// Sparse item–item co-occurrence: for items `i ≠ j`, the number of distinct users whose
/// training part contains both. Symmetric, stored row by row (CSR) with sorted columns.
///
/// One structure serves ItemKNN's cosine similarities and the ILD metric's item distances, so
/// both use exactly the same counts. Building costs Σ_u |distinct items of u|².
public struct ItemCooccurrence: Sendable {
    public let itemCount: Int
    /// `rowStart[i]..<rowStart[i+1]` indexes `columns` and `counts` for item `i`.
    public let rowStart: [Int]
    public let columns: [Int32]
    public let counts: [Float]

    public init(itemCount: Int, trainingSequences: [ArraySlice<Int32>]) {
        let userSets = trainingSequences.map { Array(Set($0)) }
        var usersOfItem = Array(repeating: [Int32](), count: itemCount)
        for (user, items) in userSets.enumerated() {
            for item in items { usersOfItem[Int(item)].append(Int32(user)) }
        }
        let itemUsers = usersOfItem
        let rows = Parallel.mapChunks(count: itemCount, chunks: 64) { range in
            ItemCooccurrence.rows(range, usersOfItem: itemUsers, userSets: userSets)
        }
        var rowStart = [0]
        var columns: [Int32] = []
        var counts: [Float] = []
        for (rowLengths, rowColumns, rowCounts) in rows {
            for length in rowLengths { rowStart.append(rowStart[rowStart.count - 1] + length) }
            columns += rowColumns
            counts += rowCounts
        }
        self.itemCount = itemCount
        self.rowStart = rowStart
        self.columns = columns
        self.counts = counts
    }

    /// The number of distinct users who have both `i` and `j` (0 when none, or when `i == j`).
    public func count(_ i: Int32, _ j: Int32) -> Float {
        var low = rowStart[Int(i)]
        var high = rowStart[Int(i) + 1]
        while low < high {
            let middle = (low + high) / 2
            if columns[middle] == j { return counts[middle] }
            if columns[middle] < j { low = middle + 1 } else { high = middle }
        }
        return 0
    }

    public var nonZeroCount: Int { columns.count }

    private static func rows(
        _ range: Range<Int>, usersOfItem: [[Int32]], userSets: [[Int32]]
    ) -> ([Int], [Int32], [Float]) {
        var accumulator = Array(repeating: Float(0), count: usersOfItem.count)
        var touched: [Int32] = []
        var lengths: [Int] = []
        var columns: [Int32] = []
        var counts: [Float] = []
        for item in range {
            for user in usersOfItem[item] {
                for other in userSets[Int(user)] where Int(other) != item {
                    if accumulator[Int(other)] == 0 { touched.append(other) }
                    accumulator[Int(other)] += 1
                }
            }
            touched.sort()
            lengths.append(touched.count)
            for other in touched {
                columns.append(other)
                counts.append(accumulator[Int(other)])
                accumulator[Int(other)] = 0
            }
            touched.removeAll(keepingCapacity: true)
        }
        return (lengths, columns, counts)
    }
}
