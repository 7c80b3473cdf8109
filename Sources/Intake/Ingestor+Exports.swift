import ChatExports
import Ingest

extension Ingestor {
    /// Ingests every message of a chat export as one line each: a record is scanned and dedupped like a JSON
    /// Lines line, a failure (a bad message, file or ZIP entry) is quarantined naming the export and the entry.
    /// - Returns: how many lines, files or entries of the export held no message and were skipped.
    func ingest(export reader: any ChatExportReader, scanner: RecordScanner) async throws -> Int {
        while let item = try reader.next() {
            switch item.content {
            case .record(let bytes):
                let line = LineSpan(
                    number: item.position, range: 0..<bytes.count, tooLong: false, fullLength: bytes.count,
                    terminated: true, endOffset: 0)
                let scan = bytes.withUnsafeBytes { LineScan($0, tooLong: false, scanner: scanner) }
                try await take(line, of: bytes, scan, file: reader.path, entry: item.entry)
            case .failure(let detail, let raw, let length):
                let line = LogLine(number: item.position, bytes: raw[...], fullLength: length)
                try quarantine(line, file: reader.path, entry: item.entry, detail)
            }
        }
        return reader.skipped
    }
}
