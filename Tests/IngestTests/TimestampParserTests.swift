import Testing

@testable import Ingest

/// 2024-05-01T12:00:00Z in microseconds.
private let may1: Int64 = 1_714_564_800_000_000

@Suite struct TimestampParserTests {
    func micros(_ raw: String, _ format: TimestampFormat = .auto) -> Int64? {
        let line = #"{"id":"a","timestamp":"# + raw + "}"
        guard case .success(let record) = scan(line, RecordScanner(timestampFormat: format)) else { return nil }
        return record.timestamp
    }

    static let autoCases: [(String, Int64)] = [
        (#""2024-05-01T12:00:00Z""#, may1),
        (#""2024-05-01t12:00:00z""#, may1),
        (#""2024-05-01 12:00:00Z""#, may1),
        (#""2024-05-01T12:00:00""#, may1),
        (#""2024-05-01T12:00:00.5Z""#, may1 + 500_000),
        (#""2024-05-01T14:00:00.123456+02:00""#, may1 + 123_456),
        (#""2024-05-01T06:30:00.123456789-05:30""#, may1 + 123_456),
        (#""2024-05-01T11:59:60Z""#, may1),
        (#""2024-02-29T00:00:00Z""#, 1_709_164_800_000_000),
        (#""1970-01-01T00:00:00Z""#, 0),
        (#""9999-12-31T23:59:59.999999Z""#, 253_402_300_799_999_999),
        ("1714564800", may1),
        ("1714564800.25", may1 + 250_000),
        ("1714564800123", may1 + 123_000),
        ("1714564800123456", may1 + 123_456),
        ("1714564800123456789", may1 + 123_456),
        ("1.7145648e9", may1),
        (#""1714564800""#, may1),
        (#""1714564800.000001""#, may1 + 1),
    ]

    @Test(arguments: autoCases)
    func parsesAuto(raw: String, expected: Int64) {
        #expect(micros(raw) == expected)
    }

    @Test func explicitFormatsForceTheUnit() {
        #expect(micros("1714564800", .epochMillis) == 1_714_564_800_000)
        #expect(micros("1714564800123", .epochSeconds) == nil)  // year 56000: out of range
        #expect(micros(#""2024-05-01T12:00:00Z""#, .epochSeconds) == nil)
        #expect(micros("1714564800", .rfc3339) == nil)
        #expect(micros(#""2024-05-01T12:00:00Z""#, .rfc3339) == may1)
    }

    @Test func neverRoundsThroughDouble() {
        // 2^53 + 1 microseconds: a Double would round it to 2^53.
        #expect(micros("9007199254740993") == 9_007_199_254_740_993)
    }

    @Test(arguments: [
        #""2024-13-01T00:00:00Z""#, #""2023-02-29T00:00:00Z""#, #""2024-05-01T12:00Z""#, #""2024-05-01T12:00:00+2""#,
        #""2024-05-01T12:00:00.Z""#, #""2024-05-01T12:00:00Zjunk""#, #""1969-12-31T23:59:59Z""#, #""""#,
        #""12abc""#, "true", "null",
    ])
    func rejects(raw: String) {
        #expect(micros(raw) == nil)
    }
}
