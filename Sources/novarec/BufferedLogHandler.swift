import Foundation
import Logging
import Synchronization

/// A swift-log handler for busy servers: formats each entry into a shared buffer and writes the
/// buffer to standard error in large chunks (when it passes 32 KiB, and at least every 200 ms
/// from a timer), instead of one locked, flushed `write` per line as `StreamLogHandler` does.
/// Timestamps are UTC with milliseconds; the second-resolution prefix is cached.
struct BufferedLogHandler: LogHandler {
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    private let label: String
    private let sink: Sink

    init(label: String, sink: Sink) {
        self.label = label
        self.sink = sink
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = event.metadata.map { metadata.merging($0) { $1 } } ?? metadata
        let fields = merged.isEmpty ? "" : " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        sink.append(level: event.level, label: label, message: event.message.description, fields: fields)
    }

    /// The shared buffer, its periodic flush, and the cached timestamp prefix.
    final class Sink: Sendable {
        private struct State {
            var buffer: [UInt8] = []
            var second = 0
            var prefix = ""
        }

        private let state = Mutex(State())
        nonisolated(unsafe) private let timer: DispatchSourceTimer
        private let threshold = 32 * 1024

        init(flushInterval: DispatchTimeInterval = .milliseconds(200)) {
            timer = DispatchSource.makeTimerSource(queue: .global(qos: .utility))
            timer.schedule(deadline: .now() + flushInterval, repeating: flushInterval)
            timer.setEventHandler { [weak self] in self?.flush() }
            timer.resume()
        }

        deinit { timer.cancel() }

        /// Appends one line — timestamp, level, label, message, fields — straight into the
        /// buffer under one lock (the access log writes one per request).
        func append(level: Logger.Level, label: String, message: String, fields: String) {
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            let full: [UInt8]? = state.withLock { state in
                if state.second != now.tv_sec { (state.second, state.prefix) = (now.tv_sec, Sink.format(seconds: now.tv_sec)) }
                state.buffer.append(contentsOf: state.prefix.utf8)
                let milliseconds = now.tv_nsec / 1_000_000
                state.buffer.append(contentsOf: [
                    UInt8(ascii: "."), UInt8(48 + milliseconds / 100), UInt8(48 + milliseconds / 10 % 10), UInt8(48 + milliseconds % 10),
                    UInt8(ascii: "Z"), UInt8(ascii: " ")
                ])
                state.buffer.append(contentsOf: level.rawValue.utf8)
                state.buffer.append(UInt8(ascii: " "))
                state.buffer.append(contentsOf: label.utf8)
                state.buffer.append(contentsOf: ": ".utf8)
                state.buffer.append(contentsOf: message.utf8)
                state.buffer.append(contentsOf: fields.utf8)
                state.buffer.append(UInt8(ascii: "\n"))
                guard state.buffer.count >= threshold else { return nil }
                defer { state.buffer.removeAll(keepingCapacity: true) }
                return state.buffer
            }
            if let full { write(full) }
        }

        func flush() {
            let pending = state.withLock { state in
                defer { state.buffer.removeAll(keepingCapacity: true) }
                return state.buffer
            }
            if !pending.isEmpty { write(pending) }
        }

        private static func format(seconds: Int) -> String {
            var time = seconds
            var parts = tm()
            gmtime_r(&time, &parts)
            return String(
                format: "%04d-%02d-%02dT%02d:%02d:%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                parts.tm_hour, parts.tm_min, parts.tm_sec)
        }

        private func write(_ bytes: [UInt8]) {
            bytes.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let written = Glibc.write(STDERR_FILENO, raw.baseAddress! + offset, raw.count - offset)
                    if written < 0 && errno == EINTR { continue }
                    guard written > 0 else { return }
                    offset += written
                }
            }
        }
    }
}
