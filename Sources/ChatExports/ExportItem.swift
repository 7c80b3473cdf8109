import Ingest

/// One message of a chat export as a record to archive, or why a message (or a whole file or ZIP entry) could
/// not become one.
package struct ExportItem {
    /// What the reader made of it.
    package enum Content {
        /// The archived record: `{"context":{...},"message":<the message's JSON>}` on one line.
        case record([UInt8])
        /// A message, file or entry to quarantine: what was kept of it and its full length.
        case failure(QuarantineDetail, raw: [UInt8], length: Int)
    }

    /// The file or ZIP entry inside the export it came from (`general/2025-01-10.json`), nil for a one-file export.
    package var entry: String?
    /// Its 1-based position in the entry (or file): the array element, or the line of a JSON Lines export.
    package var position: Int
    package var content: Content

    /// A failure of the message at `position`, keeping `raw`.
    static func failure(
        _ entry: String?, _ position: Int, _ reason: QuarantineReason, _ message: String, raw: [UInt8] = [],
        length: Int? = nil
    ) -> ExportItem {
        ExportItem(
            entry: entry, position: position,
            content: .failure(QuarantineDetail(reason, message), raw: raw, length: length ?? raw.count))
    }
}

/// Items a reader has made but not yet handed out, first in first out.
struct PendingItems {
    private var items: [ExportItem] = []
    private var head = 0

    mutating func append(_ item: ExportItem) { items.append(item) }

    /// The oldest item; nil, with the queue emptied, when none is left.
    mutating func next() -> ExportItem? {
        if head < items.count {
            defer { head += 1 }
            return items[head]
        }
        items.removeAll(keepingCapacity: true)
        head = 0
        return nil
    }
}

/// Reads one chat export, message by message, never holding more than one file or ZIP entry of it.
package protocol ChatExportReader: AnyObject {
    /// The export's path, for quarantine entries and logs.
    var path: String { get }
    /// Lines, files or entries that hold no message (Mattermost `user` lines, Slack's `channels.json`), skipped.
    var skipped: Int { get }
    /// The next message or failure; nil at the end.
    /// - Throws: `IngestError` or `ChatExportError` when the export cannot be read at all.
    func next() throws -> ExportItem?
}

/// Limits that keep a hostile export from exhausting memory.
package struct ExportLimits: Sendable {
    /// Bytes one message may have (whitespace between tokens dropped); longer ones are quarantined.
    package var maxMessageBytes: Int
    /// Bytes a ZIP entry may inflate to; a larger one (a zip bomb) is quarantined, unread.
    package var maxEntryBytes: Int64

    package init(maxMessageBytes: Int = 1 << 20, maxEntryBytes: Int64 = 256 << 20) {
        self.maxMessageBytes = maxMessageBytes
        self.maxEntryBytes = maxEntryBytes
    }
}

/// Opens the reader of `format` for the export at `path`.
/// - Throws: `ChatExportError.unreadable` when it cannot be opened.
package func openChatExport(_ format: SourceFormat, at path: String, limits: ExportLimits) throws
    -> any ChatExportReader
{
    switch format {
    case .slack: try SlackExportReader(path: path, limits: limits)
    case .discord: try DiscordExportReader(path: path, limits: limits)
    default: try MattermostExportReader(path: path, limits: limits)
    }
}
