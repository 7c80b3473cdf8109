import Foundation
import Testing

@testable import Ingest

/// Scans `text` with a default scanner.
func scan(_ text: String, _ scanner: RecordScanner = RecordScanner()) -> Result<ScannedRecord, QuarantineDetail> {
    scan(Array(text.utf8), scanner)
}

func scan(_ bytes: [UInt8], _ scanner: RecordScanner = RecordScanner()) -> Result<ScannedRecord, QuarantineDetail> {
    bytes.withUnsafeBytes { scanner.scan($0) }
}

func reason(_ result: Result<ScannedRecord, QuarantineDetail>) -> QuarantineReason? {
    if case .failure(let detail) = result { return detail.reason }
    return nil
}

@Suite struct RecordScannerTests {
    @Test func findsFieldsAndBodyRange() throws {
        let line =
            #"  {"x":[1,{"id":"no"}],"id":"m-1","conversation":"c1","sender":"ann","timestamp":"#
            + #""2024-05-01T12:00:00Z","body":"hi \"you\"","extra":null} "#
        let record = try scan(line).get()
        #expect(record.id == "m-1")
        #expect(record.conversation == "c1")
        #expect(record.sender == "ann")
        #expect(record.timestamp == 1_714_564_800_000_000)
        let bytes = Array(line.utf8)
        let body = try #require(record.body)
        #expect(String(decoding: bytes[body], as: UTF8.self) == #""hi \"you\"""#)
    }

    @Test func unescapesIdsIncludingSurrogatePairs() throws {
        let escaped = try scan(#"{"id":"caf\u00e9-\ud83d\ude00\n\/","timestamp":0}"#).get()
        let plain = try scan(#"{"id":"café-😀\n/","timestamp":0}"#).get()
        #expect(escaped.id == "café-😀\n/")
        #expect(escaped.id == plain.id)
    }

    @Test func keepsEighteenDigitIdsExact() throws {
        let a = try scan(#"{"id":"123456789012345678","timestamp":1}"#).get()
        let b = try scan(#"{"id":"123456789012345679","timestamp":1}"#).get()
        #expect(a.id == "123456789012345678")
        #expect(a.id != b.id)
    }

    @Test func firstTopLevelOccurrenceWins() throws {
        let record = try scan(#"{"meta":{"id":"inner"},"id":"first","id":"second","timestamp":1}"#).get()
        #expect(record.id == "first")
    }

    @Test func missingOptionalFieldsAreEmptyAndNumbersKeepTheirDigits() throws {
        let record = try scan(#"{"id":"a","conversation":4711,"sender":null,"timestamp":1}"#).get()
        #expect(record.conversation == "4711")
        #expect(record.sender == "")
        #expect(record.body == nil)
    }

    @Test func usesConfiguredFieldNames() throws {
        var fields = FieldNames()
        fields.id = "msg_id"
        fields.timestamp = "ts"
        let scanner = RecordScanner(fields: fields, timestampFormat: .epochMillis)
        let record = try scan(#"{"id":"wrong","msg_id":"right","ts":1714564800123}"#, scanner).get()
        #expect(record.id == "right")
        #expect(record.timestamp == 1_714_564_800_123_000)
    }

    @Test(arguments: [
        ("", QuarantineReason.notJSONObject),
        ("hello", .notJSONObject),
        ("[1,2]", .notJSONObject),
        (#"{"id":"a","conv"#, .notJSONObject),
        (#"{"id":"a","timestamp":1} x"#, .notJSONObject),
        (#"{"id":"a","timestamp":1}{}"#, .notJSONObject),
        (#"{"id":"a","timestamp":1,}"#, .notJSONObject),
        (#"{"id":"a","timestamp":01}"#, .notJSONObject),
        (#"{"id":"a","timestamp":1,"x":[1,}"#, .notJSONObject),
        (#"{"id":"a","timestamp":1,"x":"\q"}"#, .notJSONObject),
        (#"{"id":"a","timestamp":1,"x":tru}"#, .notJSONObject),
        ("{\"id\":\"a\",\"timestamp\":1,\"x\":\"tab\there\"}", .notJSONObject),
        (#"{"timestamp":1}"#, .missingId),
        (#"{"id":123456789012345678,"timestamp":1}"#, .missingId),
        (#"{"id":"","timestamp":1}"#, .missingId),
        (#"{"id":{"a":1},"timestamp":1}"#, .missingId),
        (#"{"id":"a"}"#, .badTimestamp),
        (#"{"id":"a","timestamp":"2024-02-30T00:00:00Z"}"#, .badTimestamp),
        (#"{"id":"a","timestamp":"2024-05-01 25:00:00Z"}"#, .badTimestamp),
        (#"{"id":"a","timestamp":-1}"#, .badTimestamp),
        (#"{"id":"a","timestamp":1e300}"#, .badTimestamp),
        (#"{"id":"a","timestamp":"10000-01-01T00:00:00Z"}"#, .badTimestamp),
        (#"{"id":"a","timestamp":[1]}"#, .badTimestamp),
        (#"{"id":"\udc00","timestamp":1}"#, .invalidUTF8),
    ])
    func quarantines(line: String, expected: QuarantineReason) {
        #expect(reason(scan(line)) == expected)
    }

    @Test func rejectsInvalidUTF8BeforeAnythingElse() {
        for bad: [UInt8] in [[0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xF4, 0x90, 0x80, 0x80]] {
            let line = Array(#"{"id":"a","timestamp":1,"body":""#.utf8) + bad + Array(#""}"#.utf8)
            #expect(reason(scan(line)) == .invalidUTF8)
        }
    }

    @Test func refusesDeepNesting() {
        let deep =
            #"{"id":"a","timestamp":1,"x":"# + String(repeating: "[", count: 500)
            + String(repeating: "]", count: 500) + "}"
        #expect(reason(scan(deep)) == .notJSONObject)
        let fine =
            #"{"id":"a","timestamp":1,"x":"# + String(repeating: "[", count: 100)
            + String(repeating: "]", count: 100) + "}"
        #expect(reason(scan(fine)) == nil)
    }

    @Test func numericIdMessageSaysIdsMustBeStrings() throws {
        guard case .failure(let detail) = scan(#"{"id":42,"timestamp":1}"#) else {
            Issue.record("a numeric id was accepted")
            return
        }
        #expect(detail.message.contains("number"))
    }
}

@Suite struct FieldNamesTests {
    @Test func decodingKeepsDefaultsForNamesLeftOut() throws {
        let fields = try JSONDecoder().decode(FieldNames.self, from: Data(#"{"id":"msg_id","body":"text"}"#.utf8))
        #expect(fields.id == "msg_id")
        #expect(fields.body == "text")
        #expect(fields.conversation == "conversation")
        #expect(fields.timestamp == "timestamp")
    }
}
