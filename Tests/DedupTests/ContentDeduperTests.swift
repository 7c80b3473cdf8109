import Testing

@testable import Dedup

@Suite struct ContentDeduperTests {
    let body = Array(#""see you at noon 🎉""#.utf8)[...]

    @Test func dropsEchoesWithinTheWindowEitherWayEdgesIncluded() {
        var deduper = ContentDeduper(window: 2_000_000)
        #expect(!deduper.isEcho(conversation: "c", sender: "s", body: body, timestamp: 10_000_000))
        #expect(deduper.isEcho(conversation: "c", sender: "s", body: body, timestamp: 12_000_000))  // exactly 2 s
        #expect(deduper.isEcho(conversation: "c", sender: "s", body: body, timestamp: 8_000_000))  // 2 s before
        #expect(!deduper.isEcho(conversation: "c", sender: "s", body: body, timestamp: 12_000_001))  // kept
        #expect(deduper.isEcho(conversation: "c", sender: "s", body: body, timestamp: 13_500_000))
        #expect(!deduper.isEcho(conversation: "c", sender: "s", body: body, timestamp: 7_999_999))
        #expect(deduper.keyCount == 1)
    }

    @Test func judgesEchoesAgainstKeptRecordsOnly() {
        var deduper = ContentDeduper(window: 2_000_000)
        #expect(!deduper.isEcho(conversation: "c", sender: "s", body: body, timestamp: 0))
        #expect(deduper.isEcho(conversation: "c", sender: "s", body: body, timestamp: 1_500_000))
        // 3 s after the kept one, 1.5 s after the echo: the echo was not remembered, so this is kept.
        #expect(!deduper.isEcho(conversation: "c", sender: "s", body: body, timestamp: 3_000_000))
    }

    @Test func differentConversationSenderOrBodyBytesAreNotEchoes() {
        var deduper = ContentDeduper(window: 2_000_000)
        #expect(!deduper.isEcho(conversation: "c", sender: "s", body: body, timestamp: 0))
        #expect(!deduper.isEcho(conversation: "d", sender: "s", body: body, timestamp: 0))
        #expect(!deduper.isEcho(conversation: "c", sender: "t", body: body, timestamp: 0))
        #expect(!deduper.isEcho(conversation: "c", sender: "s", body: Array(#""see you at noon \ud83c\udf89""#.utf8)[...],
                                timestamp: 0))
        // Field boundaries are part of the key: ("ab", "c") is not ("a", "bc").
        #expect(!deduper.isEcho(conversation: "ab", sender: "c", body: body, timestamp: 0))
        #expect(!deduper.isEcho(conversation: "a", sender: "bc", body: body, timestamp: 0))
        #expect(deduper.keyCount == 6)
    }
}
