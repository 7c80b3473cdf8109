// SKELETON: helper C owns the Dedup module.

/// The first 128 bits of SHA-256 of a message id: enough to compare ids exactly (DESIGN.md invariant 3).
package struct IdDigest: Hashable, Sendable, Comparable {
    package var high: UInt64
    package var low: UInt64
    package init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }
    /// The digest of `id`'s UTF-8 bytes.
    package init(id: String) { fatalError("unimplemented") }
    package static func < (a: IdDigest, b: IdDigest) -> Bool { (a.high, a.low) < (b.high, b.low) }
}

/// A compact set of id digests (open addressing, 16 bytes a digest).
package struct DigestSet: Sendable {
    package init(capacity: Int = 0) {}
    /// Inserts `d`; returns false when it was already there.
    package mutating func insert(_ d: IdDigest) -> Bool { fatalError("unimplemented") }
    package func contains(_ d: IdDigest) -> Bool { fatalError("unimplemented") }
    package var count: Int { 0 }
}

/// Drops echoes: the same conversation, sender and body within a time window of a kept record.
package struct ContentDeduper: Sendable {
    /// `window` in microseconds.
    package init(window: Int64) {}
    /// True when a record with the same content was kept within the window; otherwise remembers this one.
    package mutating func isEcho(conversation: String, sender: String, body: ArraySlice<UInt8>, timestamp: Int64) -> Bool { fatalError("unimplemented") }
}
