import Foundation

/// Polls `condition` every 20 ms until it holds (an error counts as "not yet"), for up to
/// `timeout` seconds, then asks it a last time: the one way tests wait for something another
/// thread or process does. Never a way to wait out time itself.
public func eventually(timeout: Double = 15, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if (try? condition()) == true { return true }
        usleep(20_000)
    }
    return try condition()
}
