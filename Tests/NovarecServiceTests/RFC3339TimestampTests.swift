import Foundation
import Testing
@testable import NovarecService

/// Event timestamps read strictly, against instants computed by hand.
struct RFC3339TimestampTests {
    private let now = Date(timeIntervalSince1970: 1_796_000_000)  // 2026-11-30

    private func parse(_ text: String) -> Result<Date, RFC3339Timestamp.Failure> { RFC3339Timestamp.parse(text, now: now) }

    @Test(arguments: [
        ("2026-11-29T12:00:00Z", 1_795_953_600.0),
        ("2026-11-29t12:00:00z", 1_795_953_600),
        ("2026-11-29T13:30:00+01:30", 1_795_953_600),
        ("2026-11-29T10:00:00-02:00", 1_795_953_600),
        ("2026-11-29T12:00:00.25Z", 1_795_953_600.25),
        ("2026-11-29T12:00:00.123456789Z", 1_795_953_600.123456789),
        ("2024-02-29T00:00:00Z", 1_709_164_800),
        ("2000-02-29T00:00:00Z", 951_782_400),
        ("1970-01-01T00:00:00Z", 0),
        ("2016-12-31T23:59:60Z", 1_483_228_800)
    ])
    func readsRFC3339DateTimes(text: String, seconds: Double) throws {
        let date = try parse(text).get()
        #expect(abs(date.timeIntervalSince1970 - seconds) < 1e-6, "\(text)")
    }

    @Test(arguments: [
        "2026-02-30T00:00:00Z", "2025-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-31T00:00:00Z",
        "2026-11-29T24:00:00Z", "2026-11-29T12:60:00Z", "2026-11-29T12:00:61Z", "2026-11-29T12:00:00Z junk", "2026-1-9T1:2:3Z",
        "2026-11-29T12:00:00+25:00", "2026-11-29T12:00:00+0100", "2026-11-29T12:00:00", "2026-11-29 12:00:00Z", "2026-11-29T12:00:00.Z",
        "300000-01-01T00:00:00Z", "-9999-01-01T00:00:00Z", "２026-11-29T12:00:00Z", ""
    ])
    func refusesWhatIsNotExactlyOne(text: String) {
        #expect(parse(text) == .failure(.malformed), "\(text)")
    }

    @Test func refusesTimesNoEventCanHave() {
        #expect(parse("1969-12-31T23:59:59Z") == .failure(.outOfRange))
        #expect(parse("2026-12-01T01:00:00Z") == .failure(.outOfRange), "more than a day after now")
        #expect((try? parse("2026-11-30T20:00:00Z").get()) != nil, "within a day of now: a client clock running ahead")
    }
}
