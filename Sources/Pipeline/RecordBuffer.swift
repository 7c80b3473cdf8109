import Foundation
import Dedup
import Ingest

/// The records of one partition waiting to be written, packed into one byte arena so that buffering a
/// record costs no allocation of its own.
struct RecordBuffer {
    /// Where one record's parts lie in the arena.
    struct Entry {
        var line: Range<Int>
        var conversation: Range<Int>
        var id: Range<Int>
        var timestamp: Int64
        var digest: IdDigest
    }

    let partition: String
    private(set) var arena: [UInt8] = []
    private(set) var entries: [Entry] = []

    init(partition: String) {
        self.partition = partition
    }

    /// Bytes held, the figure memory budgets are checked against.
    var bytes: Int { arena.count + entries.count * MemoryLayout<Entry>.stride }

    /// Raw bytes the buffered lines will take in a segment (newlines included).
    var rawBytes: Int { entries.reduce(0) { $0 + $1.line.count + 1 } }

    mutating func append(line: ArraySlice<UInt8>, record: ScannedRecord, digest: IdDigest) {
        let line = store(line)
        let conversation = store(record.conversation.utf8)
        let id = store(record.id.utf8)
        entries.append(
            Entry(line: line, conversation: conversation, id: id, timestamp: record.timestamp, digest: digest))
    }

    private mutating func store<C: Collection<UInt8>>(_ bytes: C) -> Range<Int> {
        let start = arena.count
        arena.append(contentsOf: bytes)
        return start..<arena.count
    }

    /// The entries in segment order: conversation, then timestamp, then id (bytewise).
    func sorted() -> [Entry] {
        arena.withUnsafeBufferPointer { a in
            entries.sorted { x, y in
                let c = compareBytes(a, x.conversation, y.conversation)
                if c != 0 { return c < 0 }
                if x.timestamp != y.timestamp { return x.timestamp < y.timestamp }
                return compareBytes(a, x.id, y.id) < 0
            }
        }
    }

    func line(_ e: Entry) -> ArraySlice<UInt8> { arena[e.line] }
    func conversation(_ e: Entry) -> String { String(decoding: arena[e.conversation], as: UTF8.self) }
}

/// Orders two byte ranges of one buffer as `memcmp` would, shorter first on a common prefix.
func compareBytes(_ a: UnsafeBufferPointer<UInt8>, _ x: Range<Int>, _ y: Range<Int>) -> Int {
    let n = min(x.count, y.count)
    if n > 0, let base = a.baseAddress {
        let c = memcmp(base + x.lowerBound, base + y.lowerBound, n)
        if c != 0 { return Int(c) }
    }
    return x.count - y.count
}
