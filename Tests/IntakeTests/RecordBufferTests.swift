import Dedup
import TestSupport
import Testing

@testable import Ingest
@testable import Intake

/// A partition's records in segment order: conversation, timestamp, id, all bytewise, whatever their first
/// eight bytes share.
@Suite struct RecordBufferTests {
    /// Conversations whose first eight bytes tie in every way the integer keys can: a shared prefix, a prefix
    /// that is the whole conversation, one that only differs past it by a zero byte (what the zero padding also
    /// gives), and UTF-8 above ASCII.
    private static let conversations = [
        "conversation-b", "conversation-a", "conversation-a2", "conversa", "conv", "conv\u{0}", "conv\u{0}x", "c",
        "", "été-1", "été-2", "日本語の会話", "日本語の会話!", "z-\u{1F600}",
    ]

    @Test func sortsByConversationTimestampAndIdBytewiseAndMarksWhereConversationsStart() {
        var random = SplitMix64(seed: 14)
        var buffer = RecordBuffer(partition: "2026-09-01")
        var records: [ScannedRecord] = []
        for n in 0..<5_000 {
            let conversation = Self.conversations[Int(random.next() % UInt64(Self.conversations.count))]
            // Few distinct instants, so one conversation often has several records in the same microsecond.
            let timestamp = 1_788_220_800_000_000 + Int64(random.next() % 40)
            // "10" sorts before "9" bytewise, and ids of other lengths share prefixes.
            let id = "\(random.next() % 3 == 0 ? "9" : "1")\(n)"
            let record = ScannedRecord(id: id, conversation: conversation, sender: "u", timestamp: timestamp)
            records.append(record)
            buffer.append(line: ArraySlice("{\"n\":\(n)}".utf8), record: record, digest: IdDigest(id: id))
        }
        let wanted = records.sorted { x, y in
            let (cx, cy) = (Array(x.conversation.utf8), Array(y.conversation.utf8))
            if cx != cy { return cx.lexicographicallyPrecedes(cy) }
            if x.timestamp != y.timestamp { return x.timestamp < y.timestamp }
            return Array(x.id.utf8).lexicographicallyPrecedes(Array(y.id.utf8))
        }

        let order = Array(buffer.sorted())
        #expect(order.map { Array(buffer.conversation($0.entry).utf8) } == wanted.map { Array($0.conversation.utf8) })
        #expect(order.map(\.entry.timestamp) == wanted.map(\.timestamp))
        #expect(order.map(\.entry.digest) == wanted.map { IdDigest(id: $0.id) })
        let starts = wanted.indices.map {
            $0 == 0 || Array(wanted[$0].conversation.utf8) != Array(wanted[$0 - 1].conversation.utf8)
        }
        #expect(order.map(\.startsConversation) == starts)
        #expect(starts.filter { $0 }.count == Self.conversations.count)
    }

    @Test func sortsNothingAndOneRecord() {
        var buffer = RecordBuffer(partition: "2026-09-01")
        #expect(Array(buffer.sorted()).isEmpty)
        let record = ScannedRecord(id: "a", conversation: "c", sender: "", timestamp: 1)
        buffer.append(line: ArraySlice("{}".utf8), record: record, digest: IdDigest(id: "a"))
        #expect(buffer.sorted().map(\.startsConversation) == [true])
    }
}
