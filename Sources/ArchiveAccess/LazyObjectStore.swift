import Foundation
import Ledger
import ObjectStore

/// An object store opened on first use, so commands that find every segment local (an export, a run whose
/// uploads are not due) need no credentials, and a run without them still ingests and ends with exit 3.
package final class LazyObjectStore: ObjectStore, @unchecked Sendable {
    // @unchecked: `state` is only read and written under `lock`.
    private let lock = NSLock()
    private var state: Result<any ObjectStore, any Error>?
    private let open: @Sendable () throws -> any ObjectStore
    package let location: String

    /// - Parameters:
    ///   - location: where the store points, for messages, known before it is opened.
    ///   - open: makes the store; its error is kept and thrown by every operation.
    package init(location: String, open: @escaping @Sendable () throws -> any ObjectStore) {
        self.location = location
        self.open = open
    }

    private func store() throws -> any ObjectStore {
        try lock.withLock {
            if let state { return try state.get() }
            let opened = Result { try open() }
            state = opened
            return try opened.get()
        }
    }

    package func put(key: String, file: URL, metadata: [String: String]) async throws -> ObjectInfo {
        try await store().put(key: key, file: file, metadata: metadata)
    }

    package func put(key: String, bytes: [UInt8], metadata: [String: String]) async throws -> ObjectInfo {
        try await store().put(key: key, bytes: bytes, metadata: metadata)
    }

    package func head(key: String) async throws -> ObjectInfo? { try await store().head(key: key) }

    package func get(key: String, range: Range<UInt64>?) async throws -> [UInt8] {
        try await store().get(key: key, range: range)
    }

    package func list(prefix: String) async throws -> [ObjectInfo] { try await store().list(prefix: prefix) }

    package func delete(key: String) async throws { try await store().delete(key: key) }

    package func abortIncompleteUploads(prefix: String) async throws -> Int {
        try await store().abortIncompleteUploads(prefix: prefix)
    }

    /// The opened store's requests; none if it was never opened.
    package var requests: RequestFigures { lock.withLock { (try? state?.get())?.requests } ?? RequestFigures() }

    /// Shuts the store down if it was ever opened.
    package func shutdown() async throws {
        let opened = lock.withLock { try? state?.get() }
        try await opened?.shutdown()
    }
}
