import Foundation
import Testing

@testable import Ingest

@Suite struct QuarantineWriterTests {
    @Test func createsNoFileWithoutEntries() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let url = dir.url.appendingPathComponent("quarantine.jsonl")
        let writer = try QuarantineWriter(url: url)
        try writer.close()
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }

    @Test func writesOneJSONObjectPerBadLine() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let url = dir.url.appendingPathComponent("quarantine.jsonl")
        let writer = try QuarantineWriter(url: url)
        let text = Array("{\"id\":\"a\",\"conv\t\u{1}é".utf8)
        try writer.append(
            file: "logs/a.jsonl", line: 3, detail: QuarantineDetail(.notJSONObject, "Torn \"line\"."),
            raw: text[...], fullLength: text.count)
        let binary: [UInt8] = [0x7B, 0xFF, 0x7D]
        try writer.append(
            file: "b.jsonl", line: 9, detail: QuarantineDetail(.invalidUTF8, "Bad bytes."), raw: binary[...],
            fullLength: 3)
        try writer.append(
            file: "c.jsonl", line: 1, detail: QuarantineDetail(.tooLong, "Too long."), raw: text[0..<4],
            fullLength: 5_000_000)
        try writer.close()

        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        let objects = try lines.map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(objects[0]["file"] as? String == "logs/a.jsonl")
        #expect(objects[0]["line"] as? Int == 3)
        #expect(objects[0]["reason"] as? String == "not_json_object")
        #expect(objects[0]["message"] as? String == "Torn \"line\".")
        #expect(objects[0]["raw"] as? String == String(decoding: text, as: UTF8.self))
        #expect(objects[1]["raw_base64"] as? String == Data(binary).base64EncodedString())
        #expect(objects[1]["raw"] == nil)
        #expect(objects[2]["length"] as? Int == 5_000_000)
        #expect(objects[2]["kept"] as? Int == 4)
        #expect(objects[2]["raw"] as? String == "{\"id")
    }
}
