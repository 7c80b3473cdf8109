/// JSON field names a log uses for the fields msgarchive reads.
package struct FieldNames: Sendable, Codable, Equatable {
    /// The message id's key (default `id`).
    package var id: String = "id"
    /// The conversation's key (default `conversation`).
    package var conversation: String = "conversation"
    /// The sender's key (default `sender`).
    package var sender: String = "sender"
    /// The timestamp's key (default `timestamp`).
    package var timestamp: String = "timestamp"
    /// The message body's key (default `body`), used by content dedup.
    package var body: String = "body"
    /// The default names.
    package init() {}

    /// Decodes the names a pipeline file gives; a name left out keeps its default.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(String.self, forKey: .id) ?? id
        conversation = try container.decodeIfPresent(String.self, forKey: .conversation) ?? conversation
        sender = try container.decodeIfPresent(String.self, forKey: .sender) ?? sender
        timestamp = try container.decodeIfPresent(String.self, forKey: .timestamp) ?? timestamp
        body = try container.decodeIfPresent(String.self, forKey: .body) ?? body
    }
}

/// What a source's lines are: JSON Lines messages with our field names, or a chat store's own (each line one
/// message, read through the field mapping its documentation gives; explicit `fields` still win).
package enum SourceFormat: String, Sendable, Codable, CaseIterable {
    /// One message per line, fields named `id`, `conversation`, `sender`, `timestamp`, `body` (the default).
    case jsonl
    /// Synapse `export-data` room event files: `event_id`, `room_id`, `sender`, `origin_server_ts` (ms),
    /// `/content/body`.
    case matrix
    /// `mongoexport` of `rocketchat_message`, relaxed or canonical EJSON: `_id`, `rid`, `/u/username`,
    /// `ts` (`{"$date": ...}`), `msg`.
    case rocketchat
    /// A Slack workspace export (`.zip` or its folder); records are `{"context":…,"message":…}` (see
    /// `docs/segment-format.md`), read at `/context/id`, `/context/conversation`, `/message/user`, `/message/ts`,
    /// `/message/text`.
    case slack
    /// DiscordChatExporter JSON, one channel a file; records as for `slack`, with `/message/author/id`,
    /// `/message/timestamp` and `/message/content`.
    case discord
    /// `mmctl export` bulk JSON Lines; records as for `slack`, with `/message/user`, `/message/create_at` (ms)
    /// and `/message/message`.
    case mattermost

    /// Whether sources of this format are exports that msgarchive turns into `{"context","message"}` records,
    /// rather than JSON Lines archived line by line.
    package var isContainer: Bool {
        switch self {
        case .jsonl, .matrix, .rocketchat: false
        case .slack, .discord, .mattermost: true
        }
    }

    /// The field names this format's lines use.
    package var fields: FieldNames {
        var names = FieldNames()
        switch self {
        case .jsonl:
            break
        case .matrix:
            (names.id, names.conversation, names.sender) = ("event_id", "room_id", "sender")
            (names.timestamp, names.body) = ("origin_server_ts", "/content/body")
        case .rocketchat:
            (names.id, names.conversation, names.sender, names.timestamp, names.body) = (
                "_id", "rid", "/u/username", "ts", "msg"
            )
        case .slack:
            (names.id, names.conversation) = ("/context/id", "/context/conversation")
            (names.sender, names.timestamp, names.body) = ("/message/user", "/message/ts", "/message/text")
        case .discord:
            (names.id, names.conversation) = ("/context/id", "/context/conversation")
            (names.sender, names.timestamp, names.body) = (
                "/message/author/id", "/message/timestamp", "/message/content"
            )
        case .mattermost:
            (names.id, names.conversation) = ("/context/id", "/context/conversation")
            (names.sender, names.timestamp, names.body) = ("/message/user", "/message/create_at", "/message/message")
        }
        return names
    }
}

/// How timestamps are written in a log.
package enum TimestampFormat: String, Sendable, Codable, CaseIterable {
    /// RFC 3339 strings, or numbers (and numeric strings, `"1736478514.897649"`) in epoch seconds,
    /// milliseconds, microseconds or nanoseconds told apart by magnitude: below 1e11 seconds, below 1e14
    /// milliseconds, below 1e17 microseconds, else nanoseconds.
    case auto
    /// RFC 3339 strings only.
    case rfc3339
    /// Numbers (or numeric strings) of seconds since the epoch, fractions allowed.
    case epochSeconds = "epoch_seconds"
    /// Numbers (or numeric strings) of milliseconds since the epoch, fractions allowed.
    case epochMillis = "epoch_millis"
    /// Numbers (or numeric strings) of microseconds since the epoch (ejabberd, Slack's `event_ts` * 1e6).
    case epochMicros = "epoch_micros"
    /// Numbers (or numeric strings) of nanoseconds since the epoch; truncated to the microsecond in the index,
    /// kept exactly in the record's own bytes.
    case epochNanos = "epoch_nanos"
}

/// What the scanner found in one valid line; the line's bytes themselves are never re-serialised.
package struct ScannedRecord: Sendable, Equatable {
    /// The id, unescaped.
    package var id: String
    /// The conversation id, unescaped; empty when the line has none.
    package var conversation: String
    /// The sender, unescaped; empty when the line has none.
    package var sender: String
    /// Microseconds since the Unix epoch, UTC.
    package var timestamp: Int64
    /// Byte range of the body's raw JSON value in the line, if present (for content dedup); 0-based in the
    /// scanned buffer, so for a `LogLine` use `LogLine.body(of:)`, which adds the slice's start index.
    package var body: Range<Int>?
}

/// Why a line was quarantined.
package enum QuarantineReason: String, Sendable, Codable, CaseIterable {
    /// The line is not exactly one well-formed JSON object (torn, trailing bytes, an array, empty).
    case notJSONObject = "not_json_object"
    /// No id, or an id that is not a non-empty string (numbers are not ids).
    case missingId = "missing_id"
    /// No timestamp, an unreadable one, or one outside the years 1970-9999.
    case badTimestamp = "bad_timestamp"
    /// Bytes that are not UTF-8, or an unpaired surrogate escape in id, conversation or sender.
    case invalidUTF8 = "invalid_utf8"
    /// Longer than the reader's `maxLineBytes`; set by the pipeline from `LogLine.tooLong`.
    case tooLong = "too_long"
    /// A chat export's file or ZIP entry that cannot be read as its format says (not JSON, a truncated ZIP, a
    /// JSON array cut short); its messages before the damage are kept.
    case badExport = "bad_export"
    /// A ZIP entry whose path leaves the export's folder (`../`, an absolute path); it is never read.
    case unsafePath = "unsafe_path"
    /// A ZIP entry that inflates past the reader's limit (a zip bomb); it is read no further.
    case entryTooLarge = "entry_too_large"
}
