import Foundation
import Testing

@testable import ObjectStore

/// A fresh temporary directory, removed at the end of `body`.
func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("objectstore-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    return try await body(dir)
}

struct DirectoryStoreTests {
    @Test func putHeadGetRoundTripsBytesAndMetadata() async throws {
        try await withTemporaryDirectory { dir in
            let store = try DirectoryStore(root: dir.appendingPathComponent("store"))
            let bytes = (0..<5000).map { UInt8(truncatingIfNeeded: $0 * 7) }
            let info = try await store.put(key: "cold/2024-05-01/a.jsonl.gz", bytes: bytes, metadata: ["SHA256": "abc"])
            #expect(info == ObjectInfo(key: "cold/2024-05-01/a.jsonl.gz", size: 5000, metadata: ["sha256": "abc"]))
            #expect(try await store.head(key: "cold/2024-05-01/a.jsonl.gz") == info)
            #expect(try await store.get(key: "cold/2024-05-01/a.jsonl.gz", range: nil) == bytes)
            #expect(try await store.get(key: "cold/2024-05-01/a.jsonl.gz", range: 100..<228) == Array(bytes[100..<228]))
            #expect(try await store.get(key: "cold/2024-05-01/a.jsonl.gz", range: 10..<10) == [])
            #expect(try await store.head(key: "cold/2024-05-01/missing") == nil)
            #expect(try await store.head(key: "cold") == nil)
        }
    }

    @Test func putFileCopiesItAndLeavesNoTemporaryFile() async throws {
        try await withTemporaryDirectory { dir in
            let store = try DirectoryStore(root: dir.appendingPathComponent("store"))
            let source = dir.appendingPathComponent("segment")
            let bytes = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }
            try Data(bytes).write(to: source)
            let info = try await store.put(key: "a/b", file: source, metadata: [:])
            #expect(info.size == UInt64(bytes.count))
            #expect(try await store.get(key: "a/b", range: nil) == bytes)
            #expect(try FileManager.default.contentsOfDirectory(atPath: store.tmpRoot.path).isEmpty)
            #expect(try await store.abortIncompleteUploads(prefix: "") == 0)
        }
    }

    @Test func rangePastTheEndAndMissingKeysAreClearErrors() async throws {
        try await withTemporaryDirectory { dir in
            let store = try DirectoryStore(root: dir)
            _ = try await store.put(key: "k", bytes: [1, 2, 3], metadata: [:])
            await #expect(throws: ObjectStoreError.self) { try await store.get(key: "k", range: 2..<4) }
            do {
                _ = try await store.get(key: "nope", range: nil)
                Issue.record("get of a missing key succeeded")
            } catch let error as ObjectStoreError {
                #expect("\(error)".contains("'nope' does not exist"))
            }
        }
    }

    @Test func listIsInBytewiseKeyOrderAndFiltersByPrefix() async throws {
        try await withTemporaryDirectory { dir in
            let store = try DirectoryStore(root: dir)
            let keys = ["b/2", "a", "b/10", "b/1", "ab", "c/x/y", "B"]
            for key in keys { _ = try await store.put(key: key, bytes: Array(key.utf8), metadata: [:]) }
            #expect(try await store.list(prefix: "").map(\.key) == ["B", "a", "ab", "b/1", "b/10", "b/2", "c/x/y"])
            #expect(try await store.list(prefix: "b/").map(\.key) == ["b/1", "b/10", "b/2"])
            #expect(try await store.list(prefix: "a").map(\.size) == [1, 2])
            #expect(try await store.list(prefix: "c/x").map(\.key) == ["c/x/y"])
            try await store.delete(key: "b/10")
            try await store.delete(key: "b/10")
            #expect(try await store.list(prefix: "b").map(\.key) == ["b/1", "b/2"])
            #expect(try await store.head(key: "b/10") == nil)
        }
    }

    @Test(arguments: ["", "/abs", "a//b", "a/", "../x", "a/../../etc", "a/./b", "nul\0byte", ".."])
    func rejectsUnsafeKeys(key: String) async throws {
        try await withTemporaryDirectory { dir in
            let store = try DirectoryStore(root: dir.appendingPathComponent("store"))
            await #expect(throws: ObjectStoreError.self) {
                _ = try await store.put(key: key, bytes: [1], metadata: [:])
            }
            await #expect(throws: ObjectStoreError.self) { _ = try await store.head(key: key) }
            await #expect(throws: ObjectStoreError.self) { _ = try await store.get(key: key, range: nil) }
            await #expect(throws: ObjectStoreError.self) { try await store.delete(key: key) }
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["store"])
        }
    }

    @Test func overwriteReplacesBytesAndMetadata() async throws {
        try await withTemporaryDirectory { dir in
            let store = try DirectoryStore(root: dir)
            _ = try await store.put(key: "k", bytes: [1, 2, 3], metadata: ["v": "1"])
            _ = try await store.put(key: "k", bytes: [9], metadata: ["v": "2"])
            #expect(try await store.head(key: "k") == ObjectInfo(key: "k", size: 1, metadata: ["v": "2"]))
            #expect(try await store.get(key: "k", range: nil) == [9])
        }
    }

    @Test func failedPutLeavesNoObjectAndLeftoverTempFilesAreCleanedUp() async throws {
        try await withTemporaryDirectory { dir in
            let store = try DirectoryStore(root: dir)
            await #expect(throws: ObjectStoreError.self) {
                _ = try await store.put(key: "k", file: dir.appendingPathComponent("no-such-file"), metadata: [:])
            }
            #expect(try await store.head(key: "k") == nil)
            #expect(try await store.list(prefix: "").isEmpty)
            // What a crash in the middle of a put leaves behind: a temporary file, never a final name.
            try Data([1, 2, 3]).write(to: store.tmpRoot.appendingPathComponent("interrupted"))
            #expect(try await store.list(prefix: "").isEmpty)
            #expect(try await store.abortIncompleteUploads(prefix: "") == 1)
            #expect(try FileManager.default.contentsOfDirectory(atPath: store.tmpRoot.path).isEmpty)
        }
    }
}
