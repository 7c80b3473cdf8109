import Testing

@testable import Dedup

@Suite struct ContentDeduperTests {
    static let body = Array(#""see you at noon 🎉""#.utf8)[...]

    /// Feeds (conversation, sender, body, timestamp) in order and returns which were echoes.
    func echoes(_ records: [(String, String, ArraySlice<UInt8>, Int64)], window: Int64 = 2_000_000) -> [Bool] {
        var deduper = ContentDeduper(window: window)
        return records.map { deduper.isEcho(conversation: $0.0, sender: $0.1, body: $0.2, timestamp: $0.3) }
    }

    @Test func dropsEchoesWithinTheWindowEitherWayEdgesIncluded() {
        let times: [Int64] = [10_000_000, 12_000_000, 8_000_000, 12_000_001, 13_500_000, 7_999_999]
        let result = echoes(times.map { ("c", "s", Self.body, $0) })
        // exactly 2 s after and before: echoes; 2 s + 1 µs: kept, and then it keeps its own echoes.
        #expect(result == [false, true, true, false, true, false])
    }

    @Test func judgesEchoesAgainstKeptRecordsOnly() {
        // 3 s after the kept one, 1.5 s after the echo: the echo was not remembered, so the last is kept.
        let result = echoes([
            ("c", "s", Self.body, 0), ("c", "s", Self.body, 1_500_000), ("c", "s", Self.body, 3_000_000),
        ])
        #expect(result == [false, true, false])
    }

    @Test func differentConversationSenderOrBodyBytesAreNotEchoes() {
        let escaped = Array(#""see you at noon \ud83c\udf89""#.utf8)[...]
        let result = echoes([
            ("c", "s", Self.body, 0), ("d", "s", Self.body, 0), ("c", "t", Self.body, 0), ("c", "s", escaped, 0),
            // Field boundaries are part of the key: ("ab", "c") is not ("a", "bc").
            ("ab", "c", Self.body, 0), ("a", "bc", Self.body, 0),
        ])
        #expect(result == [false, false, false, false, false, false])
    }

    @Test func countsDistinctContentKeys() {
        var deduper = ContentDeduper(window: 1)
        for k in 0..<100 {
            _ = deduper.isEcho(conversation: "c\(k % 10)", sender: "s", body: Self.body, timestamp: Int64(k))
        }
        #expect(deduper.keyCount == 10)
    }
}
