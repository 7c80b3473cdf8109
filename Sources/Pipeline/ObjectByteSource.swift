import ObjectStore
import Segments

/// A segment inside an object of the cold store, read with ranged GETs.
struct ObjectByteSource: ByteSource {
    let store: any ObjectStore
    let key: String
    /// Where the segment starts in the object, and its length.
    let base: UInt64
    let length: UInt64
    let segmentName: String

    var name: String { "\(store.location)/\(key)#\(segmentName)" }

    func size() async throws -> UInt64 { length }

    func read(offset: UInt64, length: Int) async throws -> [UInt8] {
        try await store.get(key: key, range: (base + offset)..<(base + offset + UInt64(length)))
    }
}
