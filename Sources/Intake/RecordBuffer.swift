import Dedup
import Foundation
import Ingest

/// The records of one partition waiting to be written, packed into one byte arena so that buffering a
/// record costs no allocation of its own.
package struct RecordBuffer: Sendable {
    /// Where one record's parts lie in the arena.
    package struct Entry: Sendable {
        var line: Range<Int>
        var conversation: Range<Int>
        var id: Range<Int>
        var timestamp: Int64
        var digest: IdDigest
    }

    package let partition: String
    private(set) var arena: [UInt8] = []
    private(set) var entries: [Entry] = []

    package init(partition: String) {
        self.partition = partition
    }

    /// Reserves the arena for `capacity` bytes at once: a reservation costs address space and the page its
    /// allocation starts on, pages come in as they are written, and the arena is never copied to grow.
    package mutating func reserve(_ capacity: Int) {
        arena.reserveCapacity(capacity)
        entries.reserveCapacity(capacity / Self.typicalLineBytes)
    }

    /// A low guess of a line's length, to reserve room for entries.
    private static let typicalLineBytes = 192

    /// Bytes held, the figure memory budgets are checked against.
    package var bytes: Int { arena.count + entries.count * MemoryLayout<Entry>.stride }

    /// Bytes of the arena, the figure a partition's limit is checked against.
    package var arenaBytes: Int { arena.count }

    /// Whether no record is buffered.
    package var isEmpty: Bool { entries.isEmpty }

    /// Appends a line whose id and conversation are the bytes at `fields`' ranges in it, which the arena already
    /// holds with the line, so nothing more is copied.
    package mutating func append(line: UnsafeRawBufferPointer, fields: RecordFields, digest: IdDigest) {
        let start = arena.count
        arena.append(contentsOf: line)
        entries.append(
            Entry(
                line: start..<arena.count, conversation: fields.conversation.shifted(by: start),
                id: fields.id.shifted(by: start), timestamp: fields.timestamp, digest: digest))
    }

    /// Appends a line whose id or conversation was unescaped, so their text is stored after the line.
    package mutating func append(line: ArraySlice<UInt8>, record: ScannedRecord, digest: IdDigest) {
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
    ///
    /// Sorts 24-byte keys rather than the entries: the first 8 bytes of the conversation, big-endian and
    /// zero-padded, order two different prefixes as `memcmp` orders the whole conversations, so the bytes are
    /// compared only when the prefixes tie.
    package func sorted() -> [Entry] {
        struct Key {
            var prefix: UInt64
            var timestamp: Int64
            var index: Int
        }
        return arena.withUnsafeBufferPointer { a in
            var keys = entries.indices.map { i in
                Key(prefix: prefix(a, entries[i].conversation), timestamp: entries[i].timestamp, index: i)
            }
            keys.sort { x, y in
                if x.prefix != y.prefix { return x.prefix < y.prefix }
                let ex = entries[x.index]
                let ey = entries[y.index]
                let c = compareBytes(a, ex.conversation, ey.conversation)
                if c != 0 { return c < 0 }
                if x.timestamp != y.timestamp { return x.timestamp < y.timestamp }
                return compareBytes(a, ex.id, ey.id) < 0
            }
            return keys.map { entries[$0.index] }
        }
    }

    package func line(_ e: Entry) -> ArraySlice<UInt8> { arena[e.line] }
    package func conversation(_ e: Entry) -> String { String(decoding: arena[e.conversation], as: UTF8.self) }

    /// Whether two entries have the same conversation bytes.
    package func sameConversation(_ x: Entry, _ y: Entry) -> Bool {
        arena.withUnsafeBufferPointer { compareBytes($0, x.conversation, y.conversation) == 0 }
    }
}

/// The first 8 bytes of a range, big-endian, zero-padded.
private func prefix(_ a: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> UInt64 {
    var key: UInt64 = 0
    for i in 0..<8 {
        key <<= 8
        if i < range.count { key |= UInt64(a[range.lowerBound + i]) }
    }
    return key
}

extension Range<Int> {
    /// The range moved `offset` positions on.
    fileprivate func shifted(by offset: Int) -> Range<Int> { (lowerBound + offset)..<(upperBound + offset) }
}

/// Orders two byte ranges of one buffer as `memcmp` would, shorter first on a common prefix.
package func compareBytes(_ a: UnsafeBufferPointer<UInt8>, _ x: Range<Int>, _ y: Range<Int>) -> Int {
    let n = min(x.count, y.count)
    if n > 0, let base = a.baseAddress {
        let c = memcmp(base + x.lowerBound, base + y.lowerBound, n)
        if c != 0 { return Int(c) }
    }
    return x.count - y.count
}
