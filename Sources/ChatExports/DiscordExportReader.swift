import Foundation
import Ingest

/// Reads a DiscordChatExporter JSON file: one channel, `{"guild":{...},"channel":{...},...,"messages":[...]}`.
///
/// The file is split as it is read, so a multi-GB channel never sits in memory. The channel id lives outside
/// the messages, so each becomes
/// `{"context":{"format":"discord","conversation":<channel id>,"guild":<guild id>,"id":<message id>},"message":...}`;
/// snowflake ids stay the strings they are. DiscordChatExporter writes `guild` and `channel` before `messages`;
/// a file whose messages come first is quarantined, as its messages cannot be placed.
package final class DiscordExportReader: ChatExportReader {
    package let path: String
    package let skipped = 0
    private let limits: ExportLimits
    private var file: SplitFile?
    private var channel: String?
    private var guild: String?
    private var pending = PendingItems()

    /// - Throws: `ChatExportError.unreadable` when the file cannot be opened.
    package init(path: String, limits: ExportLimits) throws {
        self.path = path
        self.limits = limits
        file = try SplitFile(URL(fileURLWithPath: path), entry: nil, shape: .member("messages"), limits: limits)
    }

    package func next() throws -> ExportItem? {
        while true {
            if let item = pending.next() { return item }
            guard let file else { return nil }
            do {
                if try !file.step(take) { self.file = nil }
            } catch let error as JSONArraySplitter.Malformed {
                pending.append(malformedItem(nil, file.splitter, error))
                self.file = nil
            }
        }
    }

    private func take(_ event: JSONArraySplitter.Event) {
        switch event {
        case .member(let key, let value):
            guard key == "channel" || key == "guild", let value else { return }
            let id = value.withUnsafeBytes { JSONProbe.string(in: $0, at: "id") }
            if key == "channel" { channel = id } else { guild = id }
        case .element(let element):
            let message = element.bytes
            if let problem = ArchivedRecord.problem(message, length: element.length, limit: limits.maxMessageBytes) {
                pending.append(
                    ExportItem(
                        entry: nil, position: element.position,
                        content: .failure(problem, raw: message, length: element.length)))
                return
            }
            guard let channel else {
                pending.append(
                    .failure(
                        nil, element.position, .badExport,
                        "The message comes before the file's 'channel' (with its 'id'), so its channel is "
                            + "unknown; export the channel again with DiscordChatExporter.", raw: message))
                return
            }
            guard let id = message.withUnsafeBytes({ JSONProbe.string(in: $0, at: "id") }), !id.isEmpty else {
                pending.append(
                    .failure(
                        nil, element.position, .missingId, "The message has no string 'id' (its snowflake).",
                        raw: message))
                return
            }
            var context = [("format", "discord"), ("conversation", channel)]
            if let guild { context.append(("guild", guild)) }
            context.append(("id", id))
            pending.append(
                ExportItem(
                    entry: nil, position: element.position,
                    content: .record(ArchivedRecord.make(context: context, message: message))))
        }
    }
}
