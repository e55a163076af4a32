import Foundation

/// An event's time as a client writes it: an RFC 3339 date-time (`2026-11-29T12:00:00Z`,
/// `2026-11-29T12:00:00.25+01:00`), read strictly — Foundation's ISO 8601 formatter takes
/// `2026-02-30` as 2 March, ignores text after the date and takes years the database cannot
/// store — and bounded to the times an event can have happened.
enum RFC3339Timestamp {
    /// Events dated before this are refused: nothing a shop records is older.
    static let earliest = Date(timeIntervalSince1970: 0)
    /// How far ahead of this server's clock a client's clock may run.
    static let allowedSkew: TimeInterval = 86_400

    enum Failure: Error, Equatable {
        /// Not exactly an RFC 3339 date-time (or a date that does not exist).
        case malformed
        /// A real date-time, but before `earliest` or more than `allowedSkew` after `now`.
        case outOfRange
    }

    static func parse(_ text: String, now: Date = Date()) -> Result<Date, Failure> {
        guard let date = instant(Array(text.utf8)) else { return .failure(.malformed) }
        guard date >= earliest, date <= now.addingTimeInterval(allowedSkew) else { return .failure(.outOfRange) }
        return .success(date)
    }

    /// `YYYY-MM-DD"T"hh:mm:ss[.fraction]("Z" | ±hh:mm)`, `T` and `Z` in either case, a leap
    /// second (`:60`) read as the next second.
    private static func instant(_ bytes: [UInt8]) -> Date? {
        var reader = Reader(bytes: bytes)
        guard let year = reader.digits(4), reader.take("-"), let month = reader.digits(2), reader.take("-"),
            let day = reader.digits(2), reader.take("Tt"), let hour = reader.digits(2), reader.take(":"),
            let minute = reader.digits(2), reader.take(":"), let second = reader.digits(2), let fraction = reader.fraction(),
            let offset = reader.offset(), reader.atEnd
        else { return nil }
        guard (1...12).contains(month), (1...days(in: month, of: year)).contains(day), hour < 24, minute < 60, second <= 60 else { return nil }
        let seconds = daysSinceEpoch(year: year, month: month, day: day) * 86_400 + hour * 3_600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    private static func days(in month: Int, of year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to the given proleptic Gregorian date (Hinnant's `days_from_civil`).
    private static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let shifted = month <= 2 ? year - 1 : year
        let era = shifted / 400
        let yearOfEra = shifted - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Reads the text front to back; every method moves past what it read only when it fits.
    private struct Reader {
        let bytes: [UInt8]
        var position = 0

        var atEnd: Bool { position == bytes.count }

        /// Exactly `count` ASCII digits.
        mutating func digits(_ count: Int) -> Int? {
            guard position + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[position..<(position + count)] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            position += count
            return value
        }

        /// One byte among `allowed`.
        mutating func take(_ allowed: StaticString) -> Bool {
            guard position < bytes.count,
                UnsafeBufferPointer(start: allowed.utf8Start, count: allowed.utf8CodeUnitCount).contains(bytes[position])
            else { return false }
            position += 1
            return true
        }

        /// `.` and one digit or more, as a fraction of a second; 0 when there is no `.`.
        mutating func fraction() -> Double? {
            guard take(".") else { return 0 }
            var (value, scale, start) = (0.0, 0.1, position)
            while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
                value += Double(bytes[position] - UInt8(ascii: "0")) * scale
                scale /= 10
                position += 1
            }
            return position > start ? value : nil
        }

        /// `Z` (0) or `±hh:mm`, in seconds east of UTC.
        mutating func offset() -> Int? {
            if take("Zz") { return 0 }
            let east = position < bytes.count && bytes[position] == UInt8(ascii: "+")
            guard take("+-"), let hours = digits(2), take(":"), let minutes = digits(2), hours < 24, minutes < 60 else { return nil }
            return (east ? 1 : -1) * (hours * 3_600 + minutes * 60)
        }
    }
}
