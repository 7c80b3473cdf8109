/// Drops echoes: the same conversation, sender and body within a time window of a kept record.
///
/// A record is an echo when a record kept earlier has the same content key and a timestamp at most `window`
/// microseconds away, in either direction (`|t - kept| <= window`: exactly at the window is still an echo). The
/// first record kept wins; an echo is not remembered, so a chain of echoes each 1 s apart with a 2 s window is
/// judged against the kept records only.
///
/// Memory: one dictionary entry per distinct content key, a 128-bit SHA-256 prefix of (conversation, sender,
/// body) plus the kept timestamps; about 48 bytes an entry with one timestamp (key 16, value 17 padded to 24,
/// hash-table load), plus 8 bytes and an array for each further kept timestamp with the same content.
package struct ContentDeduper: Sendable {
    /// Kept timestamps of one content key: nearly always one, so that case needs no array.
    private enum Kept: Sendable {
        case one(Int64)
        case many([Int64])
    }

    private let window: Int64
    private var kept: [IdDigest: Kept] = [:]

    /// `window` in microseconds.
    package init(window: Int64) {
        self.window = window
    }

    /// Number of distinct content keys remembered.
    package var keyCount: Int { kept.count }

    /// True when a record with the same content was kept within the window; otherwise remembers this one.
    package mutating func isEcho(
        conversation: String, sender: String, body: ArraySlice<UInt8>, timestamp: Int64
    ) -> Bool {
        let key = Self.contentKey(conversation: conversation, sender: sender, body: body)
        switch kept[key] {
        case nil:
            kept[key] = .one(timestamp)
        case .one(let t):
            if distance(t, timestamp) <= UInt64(max(window, 0)) { return true }
            kept[key] = .many([t, timestamp])
        case .many(var times):
            if times.contains(where: { distance($0, timestamp) <= UInt64(max(window, 0)) }) { return true }
            kept[key] = nil  // drop the reference so `times` is appended to in place
            times.append(timestamp)
            kept[key] = .many(times)
        }
        return false
    }

    private func distance(_ a: Int64, _ b: Int64) -> UInt64 {
        a >= b ? UInt64(bitPattern: a &- b) : UInt64(bitPattern: b &- a)
    }

    /// The key of a content triple; lengths are hashed in so that no two different triples share an input.
    static func contentKey(conversation: String, sender: String, body: ArraySlice<UInt8>) -> IdDigest {
        var input = [UInt8]()
        input.reserveCapacity(conversation.utf8.count + sender.utf8.count + body.count + 16)
        for part in [Array(conversation.utf8), Array(sender.utf8)] {
            withUnsafeBytes(of: UInt64(part.count).littleEndian) { input.append(contentsOf: $0) }
            input.append(contentsOf: part)
        }
        input.append(contentsOf: body)
        return input.withUnsafeBytes { IdDigest(hashing: $0) }
    }
}
