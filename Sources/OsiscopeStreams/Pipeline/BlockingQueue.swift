import Foundation

/// A first-in first-out queue between threads: `pop` waits for an element, `push` waits while
/// `capacity` elements are waiting, which bounds the work in flight (and so memory).
final class BlockingQueue<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    /// Popped slots are emptied at once, so a queue that never runs dry holds only what waits.
    private var elements: [Element?] = []
    private var head = 0
    private let capacity: Int

    init(capacity: Int = .max) { self.capacity = capacity }

    func push(_ element: Element) {
        condition.lock()
        while elements.count - head >= capacity { condition.wait() }
        elements.append(element)
        condition.broadcast()
        condition.unlock()
    }

    func pop() -> Element {
        condition.lock()
        while head == elements.count { condition.wait() }
        let element = elements[head].take()!
        head += 1
        if head == elements.count {
            elements.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 64 && head * 2 >= elements.count {
            elements.removeFirst(head)
            head = 0
        }
        condition.broadcast()
        condition.unlock()
        return element
    }
}

/// A flag one thread raises and others look at.
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false

    var isRaised: Bool { lock.withLock { raised } }
    func raise() { lock.withLock { raised = true } }
}
