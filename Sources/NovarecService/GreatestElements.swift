/// The `capacity` greatest elements of a stream, kept in O(log capacity) per element and
/// O(capacity) memory however long the stream: a binary min-heap whose root, the least element
/// kept, gives way to any greater one.
struct GreatestElements<Element: Comparable> {
    private var heap: [Element] = []
    let capacity: Int

    init(capacity: Int) { self.capacity = max(capacity, 0) }

    var count: Int { heap.count }

    mutating func offer(_ element: Element) {
        if heap.count < capacity {
            heap.append(element)
            siftUp(from: heap.count - 1)
            return
        }
        guard let least = heap.first, least < element else { return }
        heap[0] = element
        siftDown(from: 0)
    }

    /// The elements kept, least first.
    consuming func ascending() -> [Element] {
        heap.sort()
        return heap
    }

    private mutating func siftUp(from start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child] < heap[parent] else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(from start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var least = parent
            if left < heap.count, heap[left] < heap[least] { least = left }
            if right < heap.count, heap[right] < heap[least] { least = right }
            guard least != parent else { return }
            heap.swapAt(parent, least)
            parent = least
        }
    }
}
