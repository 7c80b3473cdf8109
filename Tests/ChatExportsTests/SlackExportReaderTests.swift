import Foundation
import Ingest
import Testing

@testable import ChatExports

@Suite struct SlackExportReaderTests {
    static func read(_ name: String, limits: ExportLimits = ExportLimits()) throws -> (
        items: [ExportItem], skipped: Int
    ) {
        let reader = try SlackExportReader(path: ExportFixtures.path(name), limits: limits)
        return (try ExportFixtures.items(reader), reader.skipped)
    }

    @Test func theFolderAndItsZipGiveTheSameRecords() throws {
        let folder = try Self.read("slack")
        let zip = try Self.read("slack.zip")
        #expect(ExportFixtures.records(folder.items) == ExportFixtures.records(zip.items))
        #expect(ExportFixtures.records(folder.items).count == 13)
        #expect(ExportFixtures.failures(zip.items).isEmpty)
        // channels.json, users.json, integration_logs.json hold no messages.
        #expect(folder.skipped == 3)
        #expect(zip.skipped == 3)
    }

    @Test func keysAMessageByItsFolderAndExactTs() throws {
        let records = ExportFixtures.records(try Self.read("slack.zip").items)
        let first = try #require(records.first { $0.contains("1736380801.000001") })
        #expect(
            first.hasPrefix(
                #"{"context":{"format":"slack","conversation":"general","day":"2025-01-09","id":"general/1736380801.000001"},"message":{"type":"message""#
            ))
        #expect(ExportFixtures.field(first, "/message/ts") == "1736380801.000001")
        // The same ts digits in another channel are another message.
        let ids = records.compactMap { ExportFixtures.field($0, "/context/id") }
        #expect(Set(ids).count == ids.count)
        #expect(ids.contains("random/1736467201.000001"))
    }

    @Test func keepsTombstonesThreadsEditsBotsAndFiles() throws {
        let records = ExportFixtures.records(try Self.read("slack").items)
        #expect(records.contains { $0.contains(#""subtype":"tombstone""#) && $0.contains(#""reply_count":2"#) })
        #expect(records.filter { $0.contains(#""thread_ts":"1736467200.000100""#) }.count == 3)
        #expect(records.contains { $0.contains(#""edited":{"user":"U01ALICE","ts":"1736467400.000000"}"#) })
        #expect(records.contains { $0.contains(#""subtype":"bot_message""#) })
        #expect(records.contains { $0.contains(#""files":[{"id":"F01LOG","name":"build.log""#) })
        // Strings keep their escapes and spacing byte for byte.
        #expect(records.contains { $0.contains(#""and \"quotes\", \\ backslashes, été and 😀""#) })
    }

    @Test func quarantinesEachDamagedEntryAndKeepsTheRest() throws {
        let read = try Self.read("slack-bad.zip", limits: ExportLimits(maxEntryBytes: 1 << 20))
        let failures = ExportFixtures.failures(read.items)
        #expect(failures.contains { $0.entry == "../escape/2025-01-12.json" && $0.reason == .unsafePath })
        #expect(failures.contains { $0.entry == "bomb/2025-01-12.json" && $0.reason == .entryTooLarge })
        #expect(failures.contains { $0.entry == "general/2025-01-13.json" && $0.reason == .badExport })
        #expect(
            failures.contains {
                $0.entry == "general/2025-01-12.json" && $0.position == 2 && $0.reason == .notJSONObject
            })
        #expect(failures.count == 4)
        let texts = ExportFixtures.records(read.items).compactMap { ExportFixtures.field($0, "/message/text") }
        #expect(texts == ["before", "after", "good 1", "good 2", "good 3"])
    }

    @Test func theLimitIsOnTheInflatedSize() throws {
        // The bomb entry inflates to 2 MiB + 2 bytes.
        let read = try Self.read("slack-bad.zip", limits: ExportLimits(maxEntryBytes: 3 << 20))
        #expect(!ExportFixtures.failures(read.items).contains { $0.reason == .entryTooLarge })
        let tight = try Self.read("slack-bad.zip", limits: ExportLimits(maxEntryBytes: 2 << 20))
        #expect(ExportFixtures.failures(tight.items).contains { $0.reason == .entryTooLarge })
    }

    @Test func aTruncatedZipIsOneQuarantinedFailure() throws {
        let items = try Self.read("slack-truncated.zip").items
        let failures = ExportFixtures.failures(items)
        #expect(failures.count == 1)
        #expect(failures.first?.reason == .badExport)
        #expect(items.count == 1)
    }

    @Test func aDayFileCutShortKeepsTheMessagesBeforeTheCut() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("slack-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("general"), withIntermediateDirectories: true)
        try Data(#"[{"ts":"1.000001","text":"kept"},{"ts":"1.000002","te"#.utf8).write(
            to: root.appendingPathComponent("general/2025-01-10.json"))
        try Data("[]".utf8).write(to: root.appendingPathComponent("general/notes.txt"))
        let reader = try SlackExportReader(path: root.path, limits: ExportLimits())
        let items = try ExportFixtures.items(reader)
        #expect(ExportFixtures.records(items).compactMap { ExportFixtures.field($0, "/message/text") } == ["kept"])
        let failures = ExportFixtures.failures(items)
        #expect(failures.count == 1)
        #expect(failures.first?.entry == "general/2025-01-10.json")
        #expect(failures.first?.position == 2)
        #expect(failures.first?.reason == .badExport)
        #expect(reader.skipped == 1)
    }

    @Test func ordersTsAsDecimalsNotAsText() {
        #expect(SlackTreeWriter.precedes("999999999.9", "1000000000.1"))
        #expect(SlackTreeWriter.precedes("1736380801.000001", "1736380801.00001"))
        #expect(!SlackTreeWriter.precedes("1736380801.10", "1736380801.1"))
        #expect(SlackTreeWriter.precedes("1736380801", "1736380801.000001"))
    }

    @Test(arguments: ["", ".", "..", "a/b", "../../etc"])
    func refusesConversationsThatAreNotOneFileName(name: String) {
        #expect(!SlackTreeWriter.isSafe(name))
    }
}
