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

    /// Makes room for a line of `bytes` in a buffer that holds at most `limit` bytes (a line alone may be more):
    /// its first line reserves a small arena, and a line that outgrows that reserves the whole `limit`, so the
    /// arena is copied at most once, while small, and never to grow after. Most days of a quiet service's log
    /// hold a few kilobytes; reserving the whole limit for each cost two mappings, their page faults and two
    /// `munmap`s a day.
    package mutating func makeRoom(for bytes: Int, limit: Int) {
        let needed = arena.count + bytes
        guard needed > arena.capacity else { return }
        let capacity = arena.isEmpty ? min(limit, Self.firstReservation) : limit
        arena.reserveCapacity(max(capacity, needed))
        entries.reserveCapacity(max(capacity, needed) / Self.typicalLineBytes)
    }

    /// What a buffer's first line reserves.
    private static let firstReservation = 64 << 10

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

    /// An entry in segment order, marked when its conversation is not the previous entry's.
    package struct Sorted: Sendable {
        package var entry: Entry
        package var startsConversation: Bool
    }

    /// The entries in segment order: conversation, then timestamp, then id (bytewise).
    ///
    /// Sorts 24-byte integer keys: the first 8 bytes of the conversation (big-endian, zero-padded, so that two
    /// different prefixes order as `memcmp` orders the whole conversations), the timestamp, then the position.
    /// Comparing bytes in the sort itself cost more than the rest of it: its arena reads come in sorted, so
    /// random, order. The entries come out lazily, a run of equal prefixes at a time (nearly always one
    /// conversation): the sequence confirms a run holds one conversation, comparing its bytes, just before it
    /// hands out the run's entries, whose lines the segment writer then copies while they are still in cache
    /// (confirming every run first, then copying, read the arena twice in random order: 2.5% of a compaction).
    /// Bytes are sorted only where a run holds several conversations, and ids only where one conversation has
    /// two records in the same microsecond.
    package func sorted() -> SortedEntries {
        let keys = arena.withUnsafeBufferPointer { a in
            var keys = entries.indices.map { i in
                SortedEntries.Key(
                    prefix: prefix(a, entries[i].conversation), timestamp: entries[i].timestamp, index: i)
            }
            keys.sort { ($0.prefix, $0.timestamp, $0.index) < ($1.prefix, $1.timestamp, $1.index) }
            return keys
        }
        return SortedEntries(buffer: self, keys: keys)
    }

    /// The entries of a buffer in segment order (`RecordBuffer.sorted()`).
    package struct SortedEntries: Sequence, IteratorProtocol {
        struct Key {
            var prefix: UInt64
            var timestamp: Int64
            var index: Int
        }

        let buffer: RecordBuffer
        var keys: [Key]
        private var position = 0
        /// The run of equal prefixes being handed out, and whether it holds one conversation.
        private var run = 0..<0
        private var oneConversation = true

        init(buffer: RecordBuffer, keys: [Key]) {
            self.buffer = buffer
            self.keys = keys
        }

        package mutating func next() -> Sorted? {
            guard position < keys.count else { return nil }
            if position == run.upperBound { startRun() }
            let k = position
            position += 1
            let entry = buffer.entries[keys[k].index]
            let starts =
                k == run.lowerBound
                || (!oneConversation
                    && buffer.arena.withUnsafeBufferPointer {
                        compareBytes($0, buffer.entries[keys[k - 1].index].conversation, entry.conversation) != 0
                    })
            return Sorted(entry: entry, startsConversation: starts)
        }

        /// Finds the run of equal prefixes that starts at `position`, and orders it fully if it holds several
        /// conversations, or ties of one conversation's timestamps by id.
        private mutating func startRun() {
            let entries = buffer.entries
            var end = position + 1
            while end < keys.count && keys[end].prefix == keys[position].prefix { end += 1 }
            run = position..<end
            buffer.arena.withUnsafeBufferPointer { a in
                func conversation(_ k: Int) -> Range<Int> { entries[keys[k].index].conversation }
                let start = run.lowerBound
                oneConversation = run.dropFirst().allSatisfy {
                    compareBytes(a, conversation($0), conversation(start)) == 0
                }
                if oneConversation {
                    var tie = start
                    while tie < end {
                        var next = tie + 1
                        while next < end && keys[next].timestamp == keys[tie].timestamp { next += 1 }
                        if next - tie > 1 {
                            keys[tie..<next].sort { compareBytes(a, entries[$0.index].id, entries[$1.index].id) < 0 }
                        }
                        tie = next
                    }
                } else {
                    keys[start..<end].sort { x, y in
                        let ex = entries[x.index]
                        let ey = entries[y.index]
                        let c = compareBytes(a, ex.conversation, ey.conversation)
                        if c != 0 { return c < 0 }
                        if x.timestamp != y.timestamp { return x.timestamp < y.timestamp }
                        return compareBytes(a, ex.id, ey.id) < 0
                    }
                }
            }
        }
    }

    package func line(_ e: Entry) -> ArraySlice<UInt8> { arena[e.line] }
    package func conversation(_ e: Entry) -> String { String(decoding: arena[e.conversation], as: UTF8.self) }
}

/// The first 8 bytes of a range, big-endian, zero-padded.
private func prefix(_ a: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> UInt64 {
    if range.count >= 8, let base = a.baseAddress {
        return UInt64(bigEndian: UnsafeRawPointer(base + range.lowerBound).loadUnaligned(as: UInt64.self))
    }
    var key: UInt64 = 0
    for i in 0..<8 {
        key <<= 8
        if i < range.count { key |= UInt64(a[range.lowerBound + i]) }
    }
    return key
}

extension Range<Int> {
    /// The range moved `offset` positions on.
    func shifted(by offset: Int) -> Range<Int> { (lowerBound + offset)..<(upperBound + offset) }
}

/// Orders two byte ranges of one buffer as `memcmp` would, shorter first on a common prefix.
private func compareBytes(_ a: UnsafeBufferPointer<UInt8>, _ x: Range<Int>, _ y: Range<Int>) -> Int {
    let n = min(x.count, y.count)
    if n > 0, let base = a.baseAddress {
        let c = memcmp(base + x.lowerBound, base + y.lowerBound, n)
        if c != 0 { return Int(c) }
    }
    return x.count - y.count
}
