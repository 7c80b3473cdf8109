import Foundation

// SKELETON: helper B replaces this file.

/// The embedded default: an object store in a local directory (metadata in a sidecar per object).
package struct DirectoryStore: ObjectStore {
    package let root: URL
    package init(root: URL) throws { fatalError("unimplemented") }
    package var location: String { root.absoluteString }
    package func put(key: String, file: URL, metadata: [String: String]) async throws -> ObjectInfo { fatalError("unimplemented") }
    package func put(key: String, bytes: [UInt8], metadata: [String: String]) async throws -> ObjectInfo { fatalError("unimplemented") }
    package func head(key: String) async throws -> ObjectInfo? { fatalError("unimplemented") }
    package func get(key: String, range: Range<UInt64>?) async throws -> [UInt8] { fatalError("unimplemented") }
    package func list(prefix: String) async throws -> [ObjectInfo] { fatalError("unimplemented") }
    package func delete(key: String) async throws { fatalError("unimplemented") }
    package func abortIncompleteUploads(prefix: String) async throws -> Int { 0 }
    package func shutdown() async throws {}
}
