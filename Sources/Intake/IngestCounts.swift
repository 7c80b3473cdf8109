/// What one ingest did with the lines it read:
/// `linesRead == recordsArchived + duplicates + quarantined + linesReread`.
package struct IngestCounts: Sendable, Codable, Equatable {
    package var linesRead = 0
    package var recordsArchived = 0
    package var duplicatesById = 0
    package var duplicatesByContent = 0
    package var quarantined = 0
    /// Lines of a rewritten log read again whose records were already archived: re-reads, not redeliveries.
    package var linesReread = 0
    /// Quarantined lines by reason code.
    package var quarantinedByReason: [String: Int] = [:]
    /// Bytes of the source files consumed, as stored (compressed logs count their compressed size).
    package var inputBytes: Int64 = 0
    /// Bytes of the archived lines, newlines included.
    package var rawBytes: Int64 = 0
    /// Bytes of every line read, of the lines dropped as duplicates (id or content), of re-read lines and of
    /// quarantined lines, each line counted with its newline, as decompressed.
    package var lineBytes: Int64 = 0
    package var duplicateBytes: Int64 = 0
    package var rereadBytes: Int64 = 0
    package var quarantinedBytes: Int64 = 0

    package init() {}

    /// True when the conservation identity holds (DESIGN.md invariant 2).
    package var conserves: Bool {
        linesRead == recordsArchived + duplicatesById + duplicatesByContent + quarantined + linesReread
    }

    package enum CodingKeys: String, CodingKey {
        case linesRead = "lines_read"
        case recordsArchived = "records_archived"
        case duplicatesById = "duplicates_id"
        case duplicatesByContent = "duplicates_content"
        case quarantined
        case linesReread = "lines_reread"
        case quarantinedByReason = "quarantined_by_reason"
        case inputBytes = "input_bytes"
        case rawBytes = "raw_bytes"
        case lineBytes = "line_bytes"
        case duplicateBytes = "duplicate_bytes"
        case rereadBytes = "reread_bytes"
        case quarantinedBytes = "quarantined_bytes"
    }
}

extension IngestCounts {
    /// Decodes counts a run kept in the catalog; the byte figures of lines are zero in records of versions
    /// before 0.3, which had none.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        linesRead = try container.decode(Int.self, forKey: .linesRead)
        recordsArchived = try container.decode(Int.self, forKey: .recordsArchived)
        duplicatesById = try container.decode(Int.self, forKey: .duplicatesById)
        duplicatesByContent = try container.decode(Int.self, forKey: .duplicatesByContent)
        quarantined = try container.decode(Int.self, forKey: .quarantined)
        linesReread = try container.decodeIfPresent(Int.self, forKey: .linesReread) ?? 0
        quarantinedByReason = try container.decode([String: Int].self, forKey: .quarantinedByReason)
        inputBytes = try container.decode(Int64.self, forKey: .inputBytes)
        rawBytes = try container.decode(Int64.self, forKey: .rawBytes)
        lineBytes = try container.decodeIfPresent(Int64.self, forKey: .lineBytes) ?? 0
        duplicateBytes = try container.decodeIfPresent(Int64.self, forKey: .duplicateBytes) ?? 0
        rereadBytes = try container.decodeIfPresent(Int64.self, forKey: .rereadBytes) ?? 0
        quarantinedBytes = try container.decodeIfPresent(Int64.self, forKey: .quarantinedBytes) ?? 0
    }
}
