import ArchiveAccess
import FileIO
import Foundation
import Ingest
import Segments

/// Reads archived records back as JSON Lines, using segment indexes to skip blocks that cannot match.
package struct Exporter {
    /// Which records to export; nil bounds are open.
    package struct Filter: Sendable {
        /// Inclusive lower and exclusive upper bound, µs since the epoch.
        package var from: Int64?
        package var to: Int64?
        package var conversation: String?
        package init(from: Int64? = nil, to: Int64? = nil, conversation: String? = nil) {
            self.from = from
            self.to = to
            self.conversation = conversation
        }
        var isEmpty: Bool { from == nil && to == nil && conversation == nil }
    }

    /// Counts of one export.
    package struct Counts: Sendable, Equatable {
        package var segments = 0
        package var blocksRead = 0
        package var blocksSkipped = 0
        package var records = 0
        package init() {}
    }

    let filter: Filter
    let scanner: RecordScanner
    private let conversationBytes: [UInt8]?

    package init(filter: Filter, fields: FieldNames = FieldNames(), timestampFormat: TimestampFormat = .auto) {
        self.filter = filter
        self.scanner = RecordScanner(fields: fields, timestampFormat: timestampFormat)
        self.conversationBytes = filter.conversation.map { Array($0.utf8) }
    }

    /// Writes the matching records of each segment of `sources` to `out`, in segment order.
    package func export(
        _ sources: [any ByteSource], to out: some RecordSink, counts: inout Counts
    ) async throws {
        for source in sources {
            let reader = try await SegmentReader.open(source)
            counts.segments += 1
            let index = reader.index
            for (i, block) in index.blocks.enumerated() {
                guard mayMatch(block) else {
                    counts.blocksSkipped += 1
                    continue
                }
                let raw = try await reader.readBlock(i)
                counts.blocksRead += 1
                for line in SegmentReader.lines(raw) where try matches(line, segment: source.name) {
                    try out.write(line)
                    counts.records += 1
                }
            }
        }
        try out.flush()
    }

    private func mayMatch(_ block: BlockEntry) -> Bool {
        if let from = filter.from, block.maxTimestamp < from { return false }
        if let to = filter.to, block.minTimestamp >= to { return false }
        if let conversation = conversationBytes {
            if conversation.lexicographicallyPrecedes(Array(block.firstConversation.utf8)) { return false }
            if Array(block.lastConversation.utf8).lexicographicallyPrecedes(conversation) { return false }
        }
        return true
    }

    private func matches(_ line: ArraySlice<UInt8>, segment: String) throws -> Bool {
        if filter.isEmpty { return true }
        let scanned = line.withUnsafeBytes { scanner.scan($0) }
        guard case .success(let record) = scanned else {
            if case .failure(let detail) = scanned {
                throw ArchiveError.unreadableRecord(segment: segment, reason: detail.message)
            }
            return false
        }
        if let from = filter.from, record.timestamp < from { return false }
        if let to = filter.to, record.timestamp >= to { return false }
        if let conversation = filter.conversation, record.conversation != conversation { return false }
        return true
    }
}

/// A buffered writer of lines to a file descriptor (standard output by default).
package final class OutputSink {
    private var buffer: [UInt8] = []
    private let fd: Int32

    package init(fd: Int32 = STDOUT_FILENO) {
        self.fd = fd
        buffer.reserveCapacity(1 << 20)
    }

    /// Appends a line and its newline.
    package func write(_ line: ArraySlice<UInt8>) throws {
        buffer.append(contentsOf: line)
        buffer.append(0x0A)
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// Writes out what is buffered.
    package func flush() throws {
        do {
            try buffer.withUnsafeBytes { bytes in try FileIO.writeAll(fd, bytes) }
        } catch let error as FileIO.Failure {
            throw POSIXError(POSIXErrorCode(rawValue: error.errno) ?? .EIO)
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

extension Archive {
    /// Byte sources of the segments whose partitions can hold records in `filter`'s time range.
    package func segmentSources(matching filter: Exporter.Filter) throws -> [any ByteSource] {
        let fromDay = filter.from.map { Day.number(micros: $0) }
        let toDay = filter.to.map { Day.number(micros: $0 - 1) }
        return try catalog.segments().compactMap { row -> (any ByteSource)? in
            guard let day = Day.number(partition: row.partition), let lastDay = Day.number(partition: row.lastDay)
            else { return nil }
            if let fromDay, lastDay < fromDay { return nil }
            if let toDay, day > toDay { return nil }
            return byteSource(of: row)
        }
    }
}
