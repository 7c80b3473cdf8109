// SKELETON: helper C owns the Ingest module; these names are the contract the Pipeline uses.

/// JSON field names a log uses for the fields msgarchive reads.
package struct FieldNames: Sendable, Codable, Equatable {
    package var id: String = "id"
    package var conversation: String = "conversation"
    package var sender: String = "sender"
    package var timestamp: String = "timestamp"
    package var body: String = "body"
    package init() {}
}

/// How timestamps are written in a log.
package enum TimestampFormat: String, Sendable, Codable, CaseIterable {
    /// RFC 3339 strings, or numbers in epoch seconds or milliseconds told apart by magnitude.
    case auto
    case rfc3339
    case epochSeconds = "epoch_seconds"
    case epochMillis = "epoch_millis"
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
    /// Byte range of the body's raw JSON value in the line, if present (for content dedup).
    package var body: Range<Int>?
}

/// Why a line was quarantined.
package enum QuarantineReason: String, Sendable, Codable, CaseIterable {
    case notJSONObject = "not_json_object"
    case missingId = "missing_id"
    case badTimestamp = "bad_timestamp"
    case invalidUTF8 = "invalid_utf8"
    case tooLong = "too_long"
}
