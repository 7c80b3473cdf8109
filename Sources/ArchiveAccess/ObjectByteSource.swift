import ObjectStore
import Segments

/// A segment inside an object of the cold store, read with ranged GETs.
package struct ObjectByteSource: ByteSource {
    package let store: any ObjectStore
    package let key: String
    /// Where the segment starts in the object, and its length.
    package let base: UInt64
    package let length: UInt64
    package let segmentName: String

    package init(store: any ObjectStore, key: String, base: UInt64, length: UInt64, segmentName: String) {
        (self.store, self.key, self.base, self.length, self.segmentName) = (store, key, base, length, segmentName)
    }

    package var name: String { "\(store.location)/\(key)#\(segmentName)" }

    package func size() async throws -> UInt64 { length }

    package func read(offset: UInt64, length: Int) async throws -> [UInt8] {
        try await store.get(key: key, range: (base + offset)..<(base + offset + UInt64(length)))
    }
}
