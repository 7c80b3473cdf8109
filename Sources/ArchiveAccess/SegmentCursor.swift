import Ingest
import PipelineConfig
import Segments

/// Scanners for the field names of every source of `config`, tried in turn on archived lines.
package func recordScanners(for config: PipelineConfig) -> [RecordScanner] {
    var seen: [FieldNames] = []
    for source in config.sources where !seen.contains(source.fields) { seen.append(source.fields) }
    if seen.isEmpty { seen.append(FieldNames()) }
    return seen.map { RecordScanner(fields: $0, timestampFormat: .auto) }
}

/// Walks one segment's records in order, a block at a time.
package final class SegmentCursor {
    private let reader: SegmentReader
    private let scanners: [RecordScanner]
    private var block = -1
    private var lines: [ArraySlice<UInt8>] = []
    private var position = 0
    /// The record under the cursor, nil at the end.
    package private(set) var current: (ArraySlice<UInt8>, ScannedRecord)?

    package init(reader: SegmentReader, scanners: [RecordScanner]) {
        self.reader = reader
        self.scanners = scanners
    }

    /// Moves to the next record.
    /// - Throws: segment errors, or `ArchiveError.unreadableRecord` for a line no scanner accepts.
    package func advance() async throws {
        while position >= lines.count {
            block += 1
            guard block < reader.index.blocks.count else {
                current = nil
                return
            }
            lines = SegmentReader.lines(try await reader.readBlock(block))
            position = 0
        }
        let line = lines[position]
        position += 1
        var failure = ""
        for scanner in scanners {
            switch line.withUnsafeBytes({ scanner.scan($0) }) {
            case .success(let record):
                current = (line, record)
                return
            case .failure(let detail):
                failure = detail.message
            }
        }
        throw ArchiveError.unreadableRecord(segment: reader.source.name, reason: failure)
    }
}
