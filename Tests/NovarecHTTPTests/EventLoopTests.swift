import Foundation
import Synchronization
import NovarecCore
import Testing
@testable import NovarecHTTP

/// The event loop on real descriptors (a socket pair): tasks run on its thread in order, a
/// watched descriptor's readiness reaches its channel, an unwatched one's does not, and a
/// deadline that is due is checked.
struct EventLoopTests {
    /// Records what the loop delivers; touched on the loop's thread only.
    private final class RecordingChannel: EventLoopChannel, @unchecked Sendable {
        let fd: Int32
        let loop: EventLoop
        let events = Mutex<[String]>([])
        let delivered = DispatchSemaphore(value: 0)

        init(fd: Int32, loop: EventLoop) { (self.fd, self.loop) = (fd, loop) }

        func readable() {
            var byte: UInt8 = 0
            let count = read(fd, &byte, 1)
            note(count == 1 ? "read \(Character(UnicodeScalar(byte)))" : "read end")
        }

        /// Writability stays true, so the channel stops watching at once.
        func writable() {
            loop.watch(fd, reading: false, writing: false)
            note("writable")
        }

        func checkDeadline(now: UInt64) { note("deadline") }

        private func note(_ event: String) {
            events.withLock { $0.append(event) }
            delivered.signal()
        }
    }

    private func withLoop(_ body: (EventLoop) throws -> Void) throws {
        let loop = try EventLoop()
        loop.start(name: "test.loop")
        defer { loop.stop() }
        try body(loop)
    }

    private func socketPair() -> (Int32, Int32) {
        var fds: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0)
        _ = fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK)
        return (fds[0], fds[1])
    }

    /// Runs `body` on the loop and waits for it.
    private func onLoop(_ loop: EventLoop, _ body: @escaping @Sendable () -> Void) {
        let done = DispatchSemaphore(value: 0)
        loop.execute {
            body()
            done.signal()
        }
        done.wait()
    }

    /// A loop that has ended closed its wake-up descriptor; a task handed to it later (a slow
    /// handler finishing after shutdown) is dropped, and nothing is written to that descriptor's
    /// number, which the process may have given to another file since.
    @Test func aLoopThatEndedDropsTasksAndWritesToNoDescriptor() throws {
        let (loop, reused) = try #require(endedLoopWithItsWakeNumberOnAPipe(), "a pipe's write end takes the closed descriptor's number")
        defer { reused.forEach { close($0) } }
        let ran = Mutex(false)
        loop.execute { ran.withLock { $0 = true } }
        var byte: UInt8 = 0
        #expect(read(reused[0], &byte, 1) == -1 && errno == EAGAIN, "nothing written to the reused number")
        #expect(!ran.withLock { $0 })
    }

    /// Ends a loop and moves a new pipe's write end onto the number of the loop's closed wake-up
    /// descriptor. Tests running alongside open descriptors too and may take that number first,
    /// so this tries again with a new loop, a few times.
    private func endedLoopWithItsWakeNumberOnAPipe() -> (EventLoop, [Int32])? {
        for _ in 0..<20 {
            guard let loop = try? EventLoop() else { return nil }
            let wakeFD = loop.wakeFD
            loop.start(name: "test.loop")
            let ended = DispatchSemaphore(value: 0)
            loop.stop { ended.signal() }
            ended.wait()
            var fds: [Int32] = [0, 0]
            guard pipe(&fds) == 0 else { return nil }
            _ = fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK)
            let moved = fds[1] == wakeFD ? wakeFD : fcntl(fds[1], F_DUPFD, wakeFD)
            if moved != fds[1] { close(fds[1]) }
            if moved == wakeFD { return (loop, [fds[0], moved]) }
            close(fds[0])
            if moved >= 0 { close(moved) }
        }
        return nil
    }

    @Test func tasksRunOnTheLoopInOrderAndNeverReentrantly() throws {
        try withLoop { loop in
            #expect(!loop.inEventLoop)
            let order = Mutex<[String]>([])
            onLoop(loop) {
                order.withLock { $0.append("outer start, on loop: \(loop.inEventLoop)") }
                loop.execute { order.withLock { $0.append("inner") } }
                order.withLock { $0.append("outer end") }
            }
            onLoop(loop) {}
            #expect(order.withLock { $0 } == ["outer start, on loop: true", "outer end", "inner"])
        }
    }

    @Test func workPostponedToTheEndOfTheTurnRunsOnTheLoopAfterTheTurnsTasks() throws {
        try withLoop { loop in
            let order = Mutex<[String]>([])
            let done = DispatchSemaphore(value: 0)
            onLoop(loop) {
                let scheduled = EndOfTurn.schedule {
                    order.withLock { $0.append("end of turn, on loop: \(loop.inEventLoop)") }
                    loop.execute {
                        order.withLock { $0.append("task queued at the end of the turn") }
                        done.signal()
                    }
                }
                order.withLock { $0.append("postponed: \(scheduled)") }
                loop.execute { order.withLock { $0.append("task") } }
            }
            done.wait()
            #expect(
                order.withLock { $0 } == [
                    "postponed: true", "task", "end of turn, on loop: true", "task queued at the end of the turn"
                ])
            #expect(!EndOfTurn.schedule {}, "a thread without turns postpones nothing")
        }
    }

    @Test func aWatchedDescriptorsReadinessReachesItsChannelAndAnUnwatchedOnesDoesNot() throws {
        try withLoop { loop in
            let (local, peer) = socketPair()
            defer { close(peer) }
            let channel = RecordingChannel(fd: local, loop: loop)
            onLoop(loop) { loop.register(local, channel) }
            #expect(write(peer, "a", 1) == 1)
            onLoop(loop) {}
            onLoop(loop) {}
            #expect(channel.events.withLock { $0 }.isEmpty, "registered but not watched: nothing delivered")
            onLoop(loop) { loop.watch(local, reading: true, writing: false) }
            channel.delivered.wait()
            #expect(channel.events.withLock { $0 } == ["read a"])
            onLoop(loop) { loop.watch(local, reading: true, writing: true) }
            channel.delivered.wait()
            close(peer)
            onLoop(loop) {}
            #expect(channel.events.withLock { $0 } == ["read a", "writable"], "the hang-up of an unwatched socket is not delivered")
            onLoop(loop) { loop.watch(local, reading: true, writing: false) }
            channel.delivered.wait()
            #expect(channel.events.withLock { $0 }.last == "read end")
            onLoop(loop) {
                loop.deregister(local)
                close(local)
            }
        }
    }

    @Test func aDueDeadlineIsChecked() throws {
        try withLoop { loop in
            let (local, peer) = socketPair()
            defer { close(peer) }
            let channel = RecordingChannel(fd: local, loop: loop)
            onLoop(loop) {
                loop.register(local, channel)
                loop.checkDeadlines(by: DispatchTime.now().uptimeNanoseconds)
            }
            channel.delivered.wait()
            #expect(channel.events.withLock { $0 } == ["deadline"])
            onLoop(loop) {
                loop.deregister(local)
                close(local)
            }
        }
    }

    /// A loop with nothing to do wakes by itself when a deadline ahead comes due (its `epoll_wait`
    /// times out then), so a quiet loop still times out its idle and slow connections.
    @Test func aLoopWithNothingToDoWakesForADeadlineAhead() throws {
        let clock = ManualUptimeClock()
        let loop = try EventLoop(clock: clock.clock)
        loop.start(name: "test.loop")
        defer { loop.stop() }
        let (local, peer) = socketPair()
        defer { close(peer) }
        let channel = RecordingChannel(fd: local, loop: loop)
        onLoop(loop) {
            loop.register(local, channel)
            loop.checkDeadlines(by: clock.clock.now() + 20_000_000)
        }
        // Moved on without waking the loop: it sleeps about 20 ms, then finds the deadline due.
        clock.advance(by: 0.02)
        #expect(channel.delivered.wait(timeout: .now() + 15) == .success)
        #expect(channel.events.withLock { $0 } == ["deadline"])
        onLoop(loop) {
            loop.deregister(local)
            close(local)
        }
    }
}
