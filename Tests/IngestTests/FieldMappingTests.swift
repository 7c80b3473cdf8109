import Foundation
import Testing

@testable import Ingest

@Suite struct FieldMappingTests {
    @Test func jsonPointersReachNestedMembersAndArrayElements() throws {
        var fields = FieldNames()
        fields.id = "/_id/$oid"
        fields.sender = "/u/username"
        fields.conversation = "/a~1b/0"
        fields.timestamp = "/ts/$date"
        let scanner = RecordScanner(fields: fields)
        let line =
            #"{"_id":{"$oid":"65a1"},"u":{"_id":"x","username":"ann"},"a/b":["room-1","room-2"],"#
            + #""ts":{"$date":"2024-05-01T12:00:00.123Z"},"msg":"hi"}"#
        let record = try scan(line, scanner).get()
        #expect(record.id == "65a1")
        #expect(record.sender == "ann")
        #expect(record.conversation == "room-1")
        #expect(record.timestamp == 1_714_564_800_123_000)
        let fast = Array(line.utf8).withUnsafeBytes { scanner.scanFields($0) }
        guard case .fields(let found) = fast else {
            Issue.record("expected the byte-range scan, got \(fast)")
            return
        }
        #expect(String(decoding: Array(line.utf8)[found.sender], as: UTF8.self) == "ann")
    }

    @Test func tildeEscapesAndAMissingPointerTarget() throws {
        var fields = FieldNames()
        fields.id = "/m~0n"
        fields.timestamp = "/t/9"
        let scanner = RecordScanner(fields: fields)
        #expect(reason(scan(#"{"m~n":"x","t":[1,2]}"#, scanner)) == .badTimestamp)
        #expect(try scan(#"{"m~n":"x","t":[0,0,0,0,0,0,0,0,0,1714564800]}"#, scanner).get().id == "x")
    }

    @Test(arguments: [
        (TimestampFormat.epochSeconds, #""1736478514.897649""#, Int64(1_736_478_514_897_649)),
        (.epochMillis, "1736478514897", 1_736_478_514_897_000),
        (.epochMicros, "1736478514897649", 1_736_478_514_897_649),
        (.epochNanos, #""1736478514897649123""#, 1_736_478_514_897_649),
        (.auto, "1736478514897649123", 1_736_478_514_897_649),
        (.auto, #""1736478514.897649""#, 1_736_478_514_897_649),
    ])
    func epochUnitsReadExactly(format: TimestampFormat, value: String, micros: Int64) throws {
        let scanner = RecordScanner(timestampFormat: format)
        #expect(try scan(#"{"id":"a","timestamp":\#(value)}"#, scanner).get().timestamp == micros)
    }

    @Test func aHintNamesTheKeyThatHoldsTheMissingField() {
        let sample = Array(#"{"id":"m1","channel":"c","ts":"2018-04-10T10:00:00Z","text":"hi"}"#.utf8)
        let hint = FieldHint.make(
            file: "/logs/2018-04-10.jsonl", lines: 2731, lacking: 2731, field: .timestamp, key: "timestamp",
            sample: sample, total: true)
        #expect(
            hint.message
                == "2018-04-10.jsonl: 2,731 of 2,731 lines lack 'timestamp'; they have 'ts' (RFC 3339): use --field "
                + "timestamp=ts or fields.timestamp: ts")
        let matrix = Array(#"{"event_id":"$e:x","room_id":"!r:x","origin_server_ts":1736478514897}"#.utf8)
        let ms = FieldHint.make(
            file: "r.jsonl", lines: 3, lacking: 3, field: .timestamp, key: "timestamp", sample: matrix, total: true)
        #expect(ms.candidate == "origin_server_ts")
        #expect(ms.candidateFormat == "epoch milliseconds")
        let id = FieldHint.make(
            file: "r.jsonl", lines: 3, lacking: 3, field: .id, key: "id", sample: matrix, total: true)
        #expect(id.candidate == "event_id")
        let rocket = Array(#"{"_id":"x1","rid":"GENERAL","ts":{"$date":1736478514897}}"#.utf8)
        let nested = FieldHint.make(
            file: "m.json", lines: 1, lacking: 1, field: .timestamp, key: "timestamp", sample: rocket, total: true)
        #expect(nested.candidate == "ts")
        #expect(nested.candidateFormat == "epoch milliseconds")
        let none = FieldHint.make(
            file: "x.jsonl", lines: 4, lacking: 3, field: .timestamp, key: "timestamp",
            sample: Array(#"{"id":"a","b":true}"#.utf8), total: false)
        #expect(none.candidate == nil)
        #expect(
            none.message.hasSuffix(
                "they have 'id', 'b': name the key with --field timestamp=KEY or fields.timestamp: KEY"))
    }
}
