/// Finds id, conversation, sender, timestamp and body in one JSON line without decoding the whole object.
///
/// One pass over the bytes: UTF-8 is checked first (8 ASCII bytes at a time), then the line must be exactly one
/// JSON object, whitespace around it allowed; nested values are skipped but validated. A field is a top-level key,
/// or a JSON Pointer (RFC 6901: `/u/username`, `/ts/$date`, `/attachments/0/id`; `~1` for `/`, `~0` for `~`)
/// into nested objects and arrays; the first occurrence of a key wins. Field rules:
/// - id: a non-empty string; a number is not an id (`missing_id`).
/// - conversation, sender: a string (unescaped); any other value counts as its raw JSON text (`42`, `true`);
///   `null` or absent is the empty string.
/// - timestamp: see `TimestampParser`; absent or unreadable is `bad_timestamp`.
/// - body: the byte range of its raw JSON value, quotes included, or nil when absent.
/// An escape for an unpaired UTF-16 surrogate in id, conversation or sender is `invalid_utf8`: it has no UTF-8
/// form, and replacing it would make distinct ids equal.
package struct RecordScanner: Sendable {
    /// Nesting deeper than this is refused rather than walked, so a hostile line cannot exhaust the stack.
    static let maxDepth = 128

    package let fields: FieldNames
    let timestampFormat: TimestampFormat
    /// The five fields as paths of UTF-8 tokens (one token for a plain key), in `Field` order.
    let paths: [[[UInt8]]]

    /// A scanner for logs that name their fields `fields` and write timestamps as `timestampFormat`.
    package init(fields: FieldNames = FieldNames(), timestampFormat: TimestampFormat = .auto) {
        self.fields = fields
        self.timestampFormat = timestampFormat
        paths = [fields.id, fields.conversation, fields.sender, fields.timestamp, fields.body].map(Self.path)
    }

    /// The tokens of a field: a JSON Pointer's reference tokens, unescaped, or a plain key as one token.
    static func path(_ field: String) -> [[UInt8]] {
        guard field.hasPrefix("/") else { return [Array(field.utf8)] }
        return field.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            Array($0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~").utf8)
        }
    }

    /// The instant at `field` of `line` read as `format`, if it reads so: for hints, never the ingest path.
    static func timestamp(in line: UnsafeRawBufferPointer, at field: String, format: TimestampFormat) -> Int64? {
        guard let value = value(in: line, at: field) else { return nil }
        return try? TimestampParser.micros(line, value, format: format, field: field)
    }

    /// The string at `field` of `line`, unescaped, if there is one: for hints, never the ingest path.
    static func string(in line: UnsafeRawBufferPointer, at field: String) -> String? {
        guard let value = value(in: line, at: field), case .string(let range, let escaped) = value.kind else {
            return nil
        }
        let raw = UnsafeRawBufferPointer(rebasing: line[range])
        return (escaped ? JSONUnescape.bytes(raw) : Array(raw)).map { String(decoding: $0, as: UTF8.self) }
    }

    private static func value(in line: UnsafeRawBufferPointer, at field: String) -> JSONValue? {
        var walker = JSONWalker(bytes: line)
        var found = FoundFields()
        guard (try? walker.topLevelObject(paths: [path(field)], found: &found)) != nil else { return nil }
        return found[0]
    }

    /// Scans one line (without its newline).
    package func scan(_ line: UnsafeRawBufferPointer) -> Result<ScannedRecord, QuarantineDetail> {
        do {
            return .success(try scanRecord(line))
        } catch {
            return .failure(error)
        }
    }

    /// Scans one line held in an array slice (a `LogLine`'s bytes).
    package func scan(_ line: ArraySlice<UInt8>) -> Result<ScannedRecord, QuarantineDetail> {
        line.withUnsafeBytes { scan($0) }
    }

    /// Scans one line (without its newline) into byte ranges, allocating nothing: the ingest hot path.
    ///
    /// Returns `.escaped` when id, conversation or sender holds a backslash escape, so its text differs from its
    /// bytes; the caller then uses `scan`, which unescapes. Failures are the ones `scan` reports.
    package func scanFields(_ line: UnsafeRawBufferPointer) -> FieldScan {
        do throws(QuarantineDetail) {
            let found = try walk(line)
            guard let idValue = found[0], case .string(let id, let idEscaped) = idValue.kind, !idEscaped, !id.isEmpty
            else { return .record(try scanRecord(line)) }
            guard let conversation = plainRange(found[1]), let sender = plainRange(found[2]) else {
                return .record(try scanRecord(line))
            }
            guard let timeValue = found[3] else {
                throw QuarantineDetail(
                    .badTimestamp, "The line has no '\(fields.timestamp)' field.", missing: .timestamp)
            }
            let timestamp = try TimestampParser.micros(
                line, timeValue, format: timestampFormat, field: fields.timestamp)
            return .fields(
                RecordFields(
                    id: id, conversation: conversation, sender: sender, timestamp: timestamp, body: found[4]?.range))
        } catch {
            return .failure(error)
        }
    }

    /// The bytes of a conversation or sender value that are its text; nil for an escaped string.
    private func plainRange(_ value: JSONValue?) -> Range<Int>? {
        guard let value else { return 0..<0 }
        switch value.kind {
        case .string(let range, let escaped): return escaped ? nil : range
        case .null: return 0..<0
        default: return value.range
        }
    }

    /// Walks the object, returning the first top-level value of each field. A walk to the end has checked UTF-8
    /// (`JSONWalker`), so only a line the walk rejects is checked whole, to name its first bad byte: a separate
    /// pass over every line was 3% of a compaction.
    private func walk(_ line: UnsafeRawBufferPointer) throws(QuarantineDetail) -> FoundFields {
        var walker = JSONWalker(bytes: line)
        var found = FoundFields()
        do {
            try walker.topLevelObject(paths: paths, found: &found)
        } catch {
            if let bad = UTF8Check.firstInvalidByte(line) {
                throw QuarantineDetail(.invalidUTF8, "The line is not valid UTF-8 (first bad byte at offset \(bad)).")
            }
            throw error
        }
        return found
    }

    private func scanRecord(_ line: UnsafeRawBufferPointer) throws(QuarantineDetail) -> ScannedRecord {
        let found = try walk(line)
        guard let idValue = found[0] else {
            throw QuarantineDetail(.missingId, "The line has no '\(fields.id)' field.", missing: .id)
        }
        guard case .string(let idRange, let idEscaped) = idValue.kind else {
            let what = idValue.kind.isNumber ? "a number; ids must be JSON strings" : "not a string"
            throw QuarantineDetail(.missingId, "The '\(fields.id)' field is \(what).")
        }
        let id = try text(line, idRange, escaped: idEscaped, field: fields.id)
        if id.isEmpty {
            throw QuarantineDetail(.missingId, "The '\(fields.id)' field is an empty string.")
        }
        let conversation = try fieldText(line, found[1], field: fields.conversation)
        let sender = try fieldText(line, found[2], field: fields.sender)
        guard let timeValue = found[3] else {
            throw QuarantineDetail(
                .badTimestamp, "The line has no '\(fields.timestamp)' field.", missing: .timestamp)
        }
        let timestamp = try TimestampParser.micros(line, timeValue, format: timestampFormat, field: fields.timestamp)
        return ScannedRecord(
            id: id, conversation: conversation, sender: sender, timestamp: timestamp, body: found[4]?.range)
    }

    private func fieldText(
        _ line: UnsafeRawBufferPointer, _ value: JSONValue?, field: String
    ) throws(QuarantineDetail) -> String {
        guard let value else { return "" }
        switch value.kind {
        case .string(let range, let escaped): return try text(line, range, escaped: escaped, field: field)
        case .null: return ""
        default: return String(decoding: UnsafeRawBufferPointer(rebasing: line[value.range]), as: UTF8.self)
        }
    }

    private func text(
        _ line: UnsafeRawBufferPointer, _ range: Range<Int>, escaped: Bool, field: String
    ) throws(QuarantineDetail) -> String {
        let raw = UnsafeRawBufferPointer(rebasing: line[range])
        if !escaped { return String(decoding: raw, as: UTF8.self) }
        guard let bytes = JSONUnescape.bytes(raw) else {
            throw QuarantineDetail(
                .invalidUTF8,
                "The '\(field)' field holds an unpaired UTF-16 surrogate escape, which has no UTF-8 form.")
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// What `RecordScanner.scanFields` found in one line.
package enum FieldScan: Sendable {
    /// A valid line whose id, conversation and sender are their bytes in the line.
    case fields(RecordFields)
    /// A valid line with an escaped id, conversation or sender, scanned the slow way (`scan`).
    case record(ScannedRecord)
    /// A line to quarantine.
    case failure(QuarantineDetail)
}

/// A valid line's fields as byte ranges of the line (0-based in the scanned buffer).
package struct RecordFields: Sendable, Equatable {
    /// The id's bytes (non-empty, no escapes).
    package var id: Range<Int>
    /// The conversation's bytes: a string's content, another value's raw JSON text, empty for null or absent.
    package var conversation: Range<Int>
    /// The sender's bytes, as for the conversation.
    package var sender: Range<Int>
    /// Microseconds since the Unix epoch, UTC.
    package var timestamp: Int64
    /// The body's raw JSON value, quotes included, if present.
    package var body: Range<Int>?
}

/// A quarantine reason with a sentence saying what was wrong.
package struct QuarantineDetail: Error, Sendable, Equatable {
    /// The machine-readable reason code.
    package var reason: QuarantineReason
    /// A sentence for the quarantine file saying what was wrong with the line.
    package var message: String
    /// The field the line lacks, when that is what was wrong (a hint that the source names it otherwise).
    package var missing: MappedField?
    /// A detail with `reason` and `message`.
    package init(_ reason: QuarantineReason, _ message: String, missing: MappedField? = nil) {
        self.reason = reason
        self.message = message
        self.missing = missing
    }
}
