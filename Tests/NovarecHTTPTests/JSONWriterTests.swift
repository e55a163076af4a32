import Foundation
import NovarecHTTP
import Testing

/// `JSONWriter` against `JSONEncoder` (sorted keys) and `JSONSerialization`.
struct JSONWriterTests {
    struct Sample: Encodable {
        let a: String
        let b: [Double]
        let c: Bool
        let d: [[String: String]]
    }

    @Test func writesWhatJSONEncoderWrites() throws {
        let text = "quote \" backslash \\ tab \t newline \n bell \u{7} é ✓ /"
        let numbers = [0, 1, -2, 0.1, 1e-7, 123_456.789, 0.7364950002285888, 1e300]
        var json = JSONWriter()
        json.beginObject()
        json.key("a")
        json.string(text)
        json.key("b")
        json.beginArray()
        for number in numbers { json.number(number) }
        json.endArray()
        json.key("c")
        json.bool(true)
        json.key("d")
        json.beginArray()
        for value in ["x", "y"] {
            json.beginObject()
            json.key("k")
            json.string(value)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let expected = try encoder.encode(Sample(a: text, b: numbers, c: true, d: [["k": "x"], ["k": "y"]]))
        #expect(String(decoding: json.bytes, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
        let parsed = try JSONSerialization.jsonObject(with: Data(json.bytes)) as? [String: Any]
        #expect(parsed?["a"] as? String == text)
    }

    /// Strings are scanned for bytes to escape eight at a time, then byte by byte: each byte
    /// that must be escaped, and its harmless neighbours, at every offset of a long string.
    @Test func escapesAByteAtEveryOffsetOfALongString() throws {
        let plain = Array("abcdefghijklmnopqrstuvwxyz0123456789ABCDEF".utf8)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        for special: UInt8 in [0x00, 0x1F, 0x22, 0x5C, 0x20, 0x21, 0x5B, 0x7F] {
            for offset in plain.indices {
                var bytes = plain
                bytes[offset] = special
                let text = String(decoding: bytes, as: UTF8.self)
                var json = JSONWriter()
                json.string(text)
                let expected = try encoder.encode(text)
                #expect(json.bytes == Array(expected), "byte \(special) at \(offset)")
            }
        }
    }

    @Test func nonFiniteNumbersBecomeNull() throws {
        var json = JSONWriter()
        json.beginArray()
        json.number(Double.nan)
        json.number(Double.infinity)
        json.number(Float.nan)
        json.number(2.5)
        json.endArray()
        #expect(String(decoding: json.bytes, as: UTF8.self) == "[null,null,null,2.5]")
    }

    @Test func aFloatIsWrittenInItsOwnShortestFormAndReadsBackAsTheSameFloat() throws {
        let values: [Float] = [0.1, -3.4028235e38, 1.1754944e-38, 7, 0.33333334, -0.0]
        var json = JSONWriter()
        json.beginArray()
        values.forEach { json.number($0) }
        json.endArray()
        #expect(String(decoding: json.bytes, as: UTF8.self) == "[0.1,-3.4028235e+38,1.1754944e-38,7.0,0.33333334,-0.0]")
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.bytes)) as? [NSNumber])
        #expect(parsed.map(\.floatValue) == values)
    }
}
