import CEpoll
import Dispatch
import Foundation
import NovarecCore
import Synchronization

/// One thread that waits on `epoll` for the descriptors it owns (the listening socket,
/// connections) and runs their callbacks, the tasks other threads hand it and the deadline
/// checks, all on that thread. The server runs one per core and gives each connection to one
/// loop for its life, so a request is read, parsed, routed to a fast handler and answered
/// without changing threads; only slow handlers leave the loop (for the handler queue).
///
/// Readiness is level-triggered and a descriptor is in the epoll set only while its channel
/// wants something (reading or writing): a hung-up socket whose channel waits for neither is
/// not reported over and over. Everything except `execute`, `stop` and `inEventLoop` must be
/// called on the loop's thread (hence `@unchecked Sendable`).
final class EventLoop: @unchecked Sendable {
    private struct Registration {
        let channel: any EventLoopChannel
        var interest: UInt32 = 0
    }

    private static let maxEventsPerWait = 64

    private let epollFD: Int32
    /// Written by `execute` from other threads to wake `epoll_wait`.
    let wakeFD: Int32
    /// Tasks handed to the loop; whether `wakeFD` has been written since the loop last drained
    /// them (one write suffices); whether the loop has ended (tasks are then dropped, and
    /// `wakeFD`, closed, is never written: the write happens under this lock, which the loop
    /// takes to mark its end before closing it).
    private let handed = Mutex<(tasks: [@Sendable () -> Void], wakePending: Bool, ended: Bool)>(([], false, false))
    /// The loop thread's `pthread_self()`, 0 before it runs.
    private let threadID = Atomic<UInt>(0)
    private var registrations: [Int32: Registration] = [:]
    /// Work postponed to the end of this turn (`EndOfTurn`): run after the turn's events and the
    /// tasks they queued, so answers ready in this turn are written before it starts.
    private var endOfTurn: [@Sendable () -> Void] = []
    /// When the channels' deadlines must next be checked (uptime nanoseconds; `.max`: never).
    private var nextDeadlineCheck = UInt64.max
    private var running = true
    /// Told when the loop has ended (`stop(then:)`).
    private var ended: (@Sendable () -> Void)?
    /// False once the loop has closed its descriptors (a loop never started closes them when released).
    private var descriptorsOpen = true
    /// The time deadlines are measured on.
    let clock: UptimeClock

    init(clock: UptimeClock = .system) throws {
        self.clock = clock
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epollFD >= 0 else { throw SocketError("epoll_create1") }
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        // Fully initialised from here: when this throws, `deinit` closes `epollFD`.
        guard wakeFD >= 0 else { throw SocketError("eventfd") }
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.u64 = UInt64(UInt32(bitPattern: wakeFD))
        epoll_ctl(epollFD, EPOLL_CTL_ADD, wakeFD, &event)
    }

    /// Starts the loop's thread.
    func start(name: String) {
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.start()
    }

    /// Ends the loop after the tasks already handed to it; its descriptors are closed then, and
    /// tasks handed to it later are dropped; `ended` is called after that, on the loop's thread.
    /// Channels still registered are abandoned, so the server stops a loop only once its
    /// connections are closed.
    func stop(then ended: (@Sendable () -> Void)? = nil) {
        execute { [self] in
            running = false
            self.ended = ended
        }
    }

    deinit {
        guard descriptorsOpen else { return }
        if wakeFD >= 0 { Glibc.close(wakeFD) }
        Glibc.close(epollFD)
    }

    var inEventLoop: Bool { threadID.load(ordering: .relaxed) == UInt(pthread_self()) }

    /// Runs `task` on the loop's thread: after the current event's callbacks when called from
    /// the loop itself (never re-entrantly), otherwise as soon as the loop wakes.
    func execute(_ task: @escaping @Sendable () -> Void) {
        let onLoop = inEventLoop
        handed.withLock { handed in
            guard !handed.ended else { return }
            handed.tasks.append(task)
            guard !onLoop, !handed.wakePending else { return }
            handed.wakePending = true
            var one: UInt64 = 1
            _ = Glibc.write(wakeFD, &one, MemoryLayout<UInt64>.size)
        }
    }

    /// Handles on the loop what is ready now — its descriptors, then the deadlines at the clock's
    /// time — and then calls `done` there. A loop does this by itself each turn; this is for a
    /// clock that jumps (a test's manual `UptimeClock`), which wakes no loop.
    func checkNow(then done: @escaping @Sendable () -> Void) {
        execute { [self] in
            let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: EventLoop.maxEventsPerWait)
            defer { events.deallocate() }
            let count = epoll_wait(epollFD, events, Int32(EventLoop.maxEventsPerWait), 0)
            for index in 0..<max(0, Int(count)) { deliver(events[index]) }
            nextDeadlineCheck = 0
            checkDeadlinesIfDue()
            done()
        }
    }

    // MARK: Descriptors (on the loop's thread)

    /// Starts delivering `fd`'s events to `channel`; it is watched for nothing until
    /// `watch(_:reading:writing:)` says otherwise.
    func register(_ fd: Int32, _ channel: any EventLoopChannel) {
        registrations[fd] = Registration(channel: channel)
    }

    /// What `fd`'s channel wants to hear about.
    func watch(_ fd: Int32, reading: Bool, writing: Bool) {
        guard var registration = registrations[fd] else { return }
        let interest = (reading ? EPOLLIN.rawValue : 0) | (writing ? EPOLLOUT.rawValue : 0)
        guard interest != registration.interest else { return }
        var event = epoll_event()
        event.events = interest
        event.data.u64 = UInt64(UInt32(bitPattern: fd))
        let operation = registration.interest == 0 ? EPOLL_CTL_ADD : interest == 0 ? EPOLL_CTL_DEL : EPOLL_CTL_MOD
        epoll_ctl(epollFD, operation, fd, &event)
        registration.interest = interest
        registrations[fd] = registration
    }

    /// Stops delivering `fd`'s events; call before closing it.
    func deregister(_ fd: Int32) {
        watch(fd, reading: false, writing: false)
        registrations[fd] = nil
    }

    /// Makes the loop ask every channel to check its deadline no later than `deadline` (uptime
    /// nanoseconds). A channel whose deadline moved later simply asks again when checked.
    func checkDeadlines(by deadline: UInt64) {
        nextDeadlineCheck = min(nextDeadlineCheck, deadline)
    }

    // MARK: The loop

    private func run() {
        threadID.store(UInt(pthread_self()), ordering: .relaxed)
        EndOfTurn.install { [unowned self] work in endOfTurn.append(work) }
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: EventLoop.maxEventsPerWait)
        defer {
            EndOfTurn.install(nil)
            events.deallocate()
            // Tasks still queued are dropped, released after the lock (their captures may hand over more).
            _ = handed.withLock { handed in
                defer { handed = ([], true, true) }
                return handed.tasks
            }
            Glibc.close(wakeFD)
            Glibc.close(epollFD)
            descriptorsOpen = false
            ended?()
        }
        while running {
            let count = epoll_wait(epollFD, events, Int32(EventLoop.maxEventsPerWait), waitMilliseconds())
            for index in 0..<max(0, Int(count)) { deliver(events[index]) }
            runTasks()
            runEndOfTurn()
            checkDeadlinesIfDue()
        }
    }

    /// 0 when tasks wait, otherwise until the next deadline check (-1: no deadline).
    private func waitMilliseconds() -> Int32 {
        if handed.withLock({ !$0.tasks.isEmpty }) { return 0 }
        guard nextDeadlineCheck != .max else { return -1 }
        let now = clock.now()
        guard nextDeadlineCheck > now else { return 0 }
        let left = nextDeadlineCheck - now
        return Int32(min(left / 1_000_000 + (left % 1_000_000 == 0 ? 0 : 1), UInt64(Int32.max)))
    }

    private func deliver(_ event: epoll_event) {
        let fd = Int32(bitPattern: UInt32(truncatingIfNeeded: event.data.u64))
        if fd == wakeFD {
            var value: UInt64 = 0
            _ = Glibc.read(wakeFD, &value, MemoryLayout<UInt64>.size)
            return
        }
        guard let registration = registrations[fd] else { return }
        let failed = event.events & (EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0
        // A hang-up or error goes to whichever side the channel waits on; its read or send
        // then sees the end or the error.
        if event.events & EPOLLIN.rawValue != 0 || (failed && registration.interest & EPOLLIN.rawValue != 0) {
            registration.channel.readable()
        }
        guard event.events & EPOLLOUT.rawValue != 0 || (failed && registration.interest & EPOLLOUT.rawValue != 0),
            let current = registrations[fd], current.channel === registration.channel, current.interest & EPOLLOUT.rawValue != 0
        else { return }
        current.channel.writable()
    }

    /// Runs the queued tasks, and those they queue, swapping the queue with one buffer that is
    /// reused, so handing over tasks allocates nothing.
    private func runTasks() {
        var batch: [@Sendable () -> Void] = []
        while true {
            handed.withLock { handed in
                handed.wakePending = false
                swap(&handed.tasks, &batch)
            }
            guard !batch.isEmpty else { return }
            batch.forEach { $0() }
            batch.removeAll(keepingCapacity: true)
        }
    }

    /// Runs the work postponed to the end of the turn, each piece followed by the tasks it
    /// queued (e.g. writing the answers it produced).
    private func runEndOfTurn() {
        var next = 0
        while next < endOfTurn.count {
            endOfTurn[next]()
            next += 1
            runTasks()
        }
        endOfTurn.removeAll(keepingCapacity: true)
    }

    private func checkDeadlinesIfDue() {
        let now = clock.now()
        guard now >= nextDeadlineCheck else { return }
        nextDeadlineCheck = .max
        for registration in Array(registrations.values) { registration.channel.checkDeadline(now: now) }
    }
}

/// What an `EventLoop` drives: one descriptor's readiness and one deadline, called only on the
/// loop's thread.
protocol EventLoopChannel: AnyObject {
    /// The descriptor has bytes (or its end, or an error) to read.
    func readable()
    /// The descriptor takes more output (or has an error a send will report).
    func writable()
    /// A deadline announced with `EventLoop.checkDeadlines(by:)` may have passed (`now`, uptime
    /// nanoseconds): act on it, or announce it again.
    func checkDeadline(now: UInt64)
}
