import Foundation
import Ledger

/// What a store knows of one object.
package struct ObjectInfo: Sendable, Equatable {
    /// The key, relative to the store's prefix.
    package var key: String
    /// The object's length in bytes.
    package var size: UInt64
    /// User metadata (`x-amz-meta-*` on S3, without that prefix; lower-case names).
    package var metadata: [String: String]
    /// What a store reports of one object.
    package init(key: String, size: UInt64, metadata: [String: String] = [:]) {
        self.key = key
        self.size = size
        self.metadata = metadata
    }
}

/// Where cold segments and the ledger mirror live: a local directory or an S3-compatible bucket.
///
/// Keys are relative to the store's own prefix, use `/` as separator and are built from sanitised parts
/// by the caller; a store refuses a key with `..`, an empty segment or a leading `/`.
package protocol ObjectStore: Sendable {
    /// Where the store points, for messages (`file:///srv/cold`, `s3://bucket/prefix`); never a secret.
    var location: String { get }
    /// Stores the file at `key` (multipart above the store's threshold); returns what the store now holds.
    func put(key: String, file: URL, metadata: [String: String]) async throws -> ObjectInfo
    /// Stores `bytes` at `key`.
    func put(key: String, bytes: [UInt8], metadata: [String: String]) async throws -> ObjectInfo
    /// The object's size and metadata, or nil when there is no such object.
    func head(key: String) async throws -> ObjectInfo?
    /// The object's bytes, or only those in `range`.
    func get(key: String, range: Range<UInt64>?) async throws -> [UInt8]
    /// Every object whose key starts with `prefix`, in bytewise key order; `metadata` is empty here (S3 listings
    /// carry none): use `head` for it.
    func list(prefix: String) async throws -> [ObjectInfo]
    /// Removes the object; no error when it is already gone.
    func delete(key: String) async throws
    /// Aborts multipart uploads left behind under `prefix` by an interrupted run; returns how many.
    func abortIncompleteUploads(prefix: String) async throws -> Int
    /// The requests sent since the store was made, retries included, by billing kind; a directory sends none.
    var requests: RequestFigures { get }
    /// Releases connections; call once at the end of a run.
    func shutdown() async throws
}
