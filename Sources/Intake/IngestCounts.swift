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
    }
}
