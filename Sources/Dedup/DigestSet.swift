/// A compact set of id digests (open addressing with linear probing, 16 bytes a slot).
///
/// Slots live in one `[UInt64]`, two words a slot; the all-zero digest marks an empty slot, so that one digest
/// (probability 2^-128) is tracked by a flag. The table doubles past 0.7 load, so memory is 16 bytes / load,
/// about 23-46 bytes a digest. Digests are uniform, so the slot index is simply `high`'s low bits.
package struct DigestSet: Sendable {
    private var words: [UInt64]
    private var mask: Int
    private var stored = 0
    private var hasZero = false

    /// An empty set sized to take `capacity` digests without growing.
    package init(capacity: Int = 0) {
        var slots = 16
        while Double(capacity) > Double(slots) * Self.maxLoad { slots *= 2 }
        words = [UInt64](repeating: 0, count: slots * 2)
        mask = slots - 1
    }

    /// A set holding `digests`.
    package init<S: Sequence<IdDigest>>(_ digests: S) {
        self.init(capacity: digests.underestimatedCount)
        for d in digests { insert(d) }
    }

    private static let maxLoad = 0.7

    /// Inserts `d`; returns false when it was already there.
    @discardableResult
    package mutating func insert(_ d: IdDigest) -> Bool {
        if d.high == 0 && d.low == 0 {
            defer { hasZero = true }
            return !hasZero
        }
        if Double(stored + 1) > Double(mask + 1) * Self.maxLoad { grow() }
        var slot = Int(truncatingIfNeeded: d.high) & mask
        while true {
            let h = words[slot * 2]
            let l = words[slot * 2 + 1]
            if h == 0 && l == 0 {
                words[slot * 2] = d.high
                words[slot * 2 + 1] = d.low
                stored += 1
                return true
            }
            if h == d.high && l == d.low { return false }
            slot = (slot + 1) & mask
        }
    }

    /// Whether `d` is in the set.
    package func contains(_ d: IdDigest) -> Bool {
        if d.high == 0 && d.low == 0 { return hasZero }
        var slot = Int(truncatingIfNeeded: d.high) & mask
        while true {
            let h = words[slot * 2]
            let l = words[slot * 2 + 1]
            if h == d.high && l == d.low { return true }
            if h == 0 && l == 0 { return false }
            slot = (slot + 1) & mask
        }
    }

    /// The number of distinct digests inserted.
    package var count: Int { stored + (hasZero ? 1 : 0) }

    /// Every digest, ascending (the order a sorted per-partition file keeps).
    package func sortedDigests() -> [IdDigest] {
        var out = [IdDigest]()
        out.reserveCapacity(count)
        if hasZero { out.append(IdDigest(high: 0, low: 0)) }
        for slot in 0...mask where words[slot * 2] != 0 || words[slot * 2 + 1] != 0 {
            out.append(IdDigest(high: words[slot * 2], low: words[slot * 2 + 1]))
        }
        return IdDigest.ascending(out)
    }

    private mutating func grow() {
        let old = words
        let oldSlots = mask + 1
        words = [UInt64](repeating: 0, count: oldSlots * 4)
        mask = oldSlots * 2 - 1
        stored = 0
        for slot in 0..<oldSlots where old[slot * 2] != 0 || old[slot * 2 + 1] != 0 {
            insert(IdDigest(high: old[slot * 2], low: old[slot * 2 + 1]))
        }
    }
}
