import Foundation
import Ingest
import Testing

@testable import ChatExports

@Suite struct DiscordExportReaderTests {
    static func read(_ name: String) throws -> [ExportItem] {
        try ExportFixtures.items(DiscordExportReader(path: ExportFixtures.path(name), limits: ExportLimits()))
    }

    @Test func takesTheConversationFromTheChannelAndKeepsSnowflakesAsStrings() throws {
        let records = ExportFixtures.records(try Self.read("discord-run1.json"))
        #expect(records.count == 7)
        for record in records {
            #expect(ExportFixtures.field(record, "/context/conversation") == "1000000000000000123")
            #expect(ExportFixtures.field(record, "/context/guild") == "900000000000000001")
            #expect(ExportFixtures.field(record, "/context/id") == ExportFixtures.field(record, "/message/id"))
        }
        // An author id above 2^53 survives digit for digit.
        #expect(records.contains { $0.contains(#""author":{"id":"459136077417021488""#) })
        let ids = records.compactMap { ExportFixtures.field($0, "/context/id") }
        #expect(Set(ids).count == 6, "the fixture repeats one message")
        #expect(ids.allSatisfy { UInt64($0)! > 1 << 53 })
    }

    @Test func quarantinesAMalformedMessageAndKeepsTheOthers() throws {
        let items = try Self.read("discord-bad.json")
        let failures = ExportFixtures.failures(items)
        #expect(failures.count == 1)
        #expect(failures.first?.position == 3)
        #expect(failures.first?.reason == .notJSONObject)
        #expect(ExportFixtures.records(items).count == 6)
    }

    @Test func messagesBeforeTheChannelCannotBePlaced() throws {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("dce-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: tmp) }
        try Data(#"{"messages":[{"id":"1"}],"channel":{"id":"2"}}"#.utf8).write(to: tmp)
        let items = try ExportFixtures.items(DiscordExportReader(path: tmp.path, limits: ExportLimits()))
        #expect(ExportFixtures.failures(items).map(\.reason) == [.badExport])
    }
}

@Suite struct MattermostExportReaderTests {
    static func read() throws -> (items: [ExportItem], skipped: Int) {
        let reader = try MattermostExportReader(path: ExportFixtures.path("mattermost.jsonl"), limits: ExportLimits())
        return (try ExportFixtures.items(reader), reader.skipped)
    }

    @Test func flattensRepliesAndSkipsOtherLineTypes() throws {
        let (items, skipped) = try Self.read()
        let records = ExportFixtures.records(items)
        #expect(
            records.map { ExportFixtures.field($0, "/context/type") ?? "" } == [
                "post", "reply", "reply", "post", "direct_post", "reply",
            ])
        #expect(skipped == 6, "version, team, channel, two users, direct_channel")
        // The torn last line is quarantined.
        #expect(ExportFixtures.failures(items).map(\.reason) == [.notJSONObject])
    }

    @Test func aPostKeepsEverythingButItsReplies() throws {
        let records = ExportFixtures.records(try Self.read().items)
        #expect(
            records[0]
                == #"{"context":{"format":"mattermost","type":"post","conversation":"eng/town-square","id":"\#(ExportFixtures.field(records[0], "/context/id")!)"},"message":{"team":"eng","channel":"town-square","user":"alice","message":"parent post","props":{},"create_at":1736467257086,"reactions":[]}}"#
        )
        let parent = ExportFixtures.field(records[0], "/context/id")
        #expect(ExportFixtures.field(records[1], "/context/parent") == parent)
        #expect(
            records[1].hasSuffix(
                #""message":{"user":"bob","message":"a reply older than its parent","create_at":1736467184976}}"#))
        #expect(ExportFixtures.field(records[4], "/context/conversation") == "alice,bob")
        #expect(
            records[4].contains(
                #""message":{"channel_members":["bob","alice"],"user":"bob","message":"hi alice \"quoted\"","create_at":1736553600000}}"#
            ))
    }

    @Test func theSyntheticIdIsADigestOfItsDocumentedParts() throws {
        let records = ExportFixtures.records(try Self.read().items)
        let expected = MattermostExportReader.syntheticId(
            conversation: "eng/town-square", user: "bob", createAt: "1736467184976",
            message: "a reply older than its parent")
        #expect(ExportFixtures.field(records[1], "/context/id") == expected)
        #expect(expected.count == 32)
        let ids = records.compactMap { ExportFixtures.field($0, "/context/id") }
        #expect(Set(ids).count == ids.count)
    }

    @Test(arguments: [
        (#"{"a":1,"replies":[1],"b":2}"#, #"{"a":1,"b":2}"#),
        (#"{"replies":[1],"b":2}"#, #"{"b":2}"#),
        (#"{"a":1, "replies" : [1]}"#, #"{"a":1}"#),
        (#"{"replies":[]}"#, #"{}"#),
    ])
    func removesTheRepliesMember(object: String, expected: String) throws {
        let bytes = Array(object.utf8)
        let range = try #require(bytes.withUnsafeBytes { JSONProbe.raw(in: $0, at: "replies") })
        #expect(
            String(decoding: MattermostExportReader.removing(member: range, from: bytes), as: UTF8.self) == expected)
    }
}
