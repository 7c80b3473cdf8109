import Foundation
import NIOHTTP1
import Testing

@testable import ObjectStore

@Suite(.enabled(if: Moto.shouldRun, "set MSGARCHIVE_TEST_S3_ENDPOINT to a moto_server"))
struct S3StoreTests {
    @Test func putHeadGetRangeDeleteRoundTrip() async throws {
        try await Moto.withStore { store in
            let bytes = sampleBytes(10_000, seed: 1)
            let key = "cold/2024-05-01/seg one+$.jsonl.gz"
            let info = try await store.put(key: key, bytes: bytes, metadata: ["SHA256": "abc123", "records": "42"])
            #expect(info.size == 10_000)
            let head = try #require(try await store.head(key: key))
            #expect(head.size == 10_000)
            #expect(head.metadata == ["sha256": "abc123", "records": "42"])
            #expect(try await store.get(key: key, range: nil) == bytes)
            #expect(try await store.get(key: key, range: 1000..<1010) == Array(bytes[1000..<1010]))
            #expect(try await store.get(key: key, range: 9_999..<10_000) == [bytes[9_999]])
            #expect(try await store.head(key: "cold/missing") == nil)
            await #expect(throws: ObjectStoreError.self) { _ = try await store.get(key: "cold/missing", range: nil) }
            try await store.delete(key: key)
            try await store.delete(key: key)
            #expect(try await store.head(key: key) == nil)
        }
    }

    @Test func listFollowsContinuationTokensInKeyOrder() async throws {
        try await Moto.withStore(configure: { $0.listPageSize = 3 }) { store in
            let keys = (0..<11).map { "p/\(String(format: "%03d", 10 - $0))" } + ["q/x"]
            for key in keys { _ = try await store.put(key: key, bytes: Array(key.utf8), metadata: [:]) }
            let listed = try await store.list(prefix: "p/")
            #expect(listed.map(\.key) == keys.dropLast().sorted())
            #expect(listed.allSatisfy { $0.size == 5 })
            #expect(try await store.list(prefix: "").count == 12)
        }
    }

    @Test func multipartAboveThresholdStoresTheWholeFile() async throws {
        try await withTemporaryDirectory { dir in
            let file = dir.appendingPathComponent("big")
            let bytes = sampleBytes(11 * (1 << 20) + 12345, seed: 2)
            try Data(bytes).write(to: file)
            try await Moto.withStore(configure: {
                $0.multipartThreshold = 5 << 20
                $0.partSize = 5 << 20  // S3's (and moto's) smallest part
                $0.partParallelism = 2
            }) { store in
                let info = try await store.put(key: "big/file", file: file, metadata: ["kind": "segment"])
                #expect(info.size == UInt64(bytes.count))
                #expect(try await store.head(key: "big/file")?.metadata == ["kind": "segment"])
                #expect(try await store.get(key: "big/file", range: nil) == bytes)
                #expect(try await store.abortIncompleteUploads(prefix: "") == 0)
            }
        }
    }

    @Test func abortIncompleteUploadsRemovesLeftoverUploads() async throws {
        try await Moto.withStore { store in
            for key in ["a/1", "a/2", "b/1"] {
                _ = try await store.send(
                    S3Request(method: .POST, key: key, query: [("uploads", "")]), operation: "CreateMultipartUpload")
            }
            #expect(try await store.abortIncompleteUploads(prefix: "a/") == 2)
            #expect(try await store.abortIncompleteUploads(prefix: "") == 1)
            #expect(try await store.abortIncompleteUploads(prefix: "") == 0)
        }
    }

    @Test func missingBucketSaysToCreateIt() async throws {
        try await Moto.withStore(createBucket: false) { store in
            do {
                _ = try await store.put(key: "k", bytes: [1], metadata: [:])
                Issue.record("put into a missing bucket succeeded")
            } catch let error as ObjectStoreError {
                let text = "\(error)"
                #expect(text.contains("NoSuchBucket") && text.contains("create the bucket"))
                #expect(!text.contains(Moto.credentials.secretAccessKey))
            }
            await #expect(throws: ObjectStoreError.self) { _ = try await store.get(key: "k", range: nil) }
        }
    }

    @Test func createBucketTwiceIsFine() async throws {
        try await Moto.withStore { store in
            try await store.createBucket()
        }
    }
}

/// Addressing and request building, no server needed.
struct S3AddressingTests {
    static func store(_ addressing: S3Configuration.Addressing, endpoint: String) throws -> S3Store {
        let url = try #require(URL(string: endpoint))
        return try S3Store(
            configuration: S3Configuration(endpoint: url, bucket: "bkt", prefix: "pre/", addressing: addressing),
            credentials: Moto.credentials, logger: .init(label: "test"))
    }

    @Test func pathStylePutsTheBucketInThePath() async throws {
        let store = try Self.store(.path, endpoint: "http://127.0.0.1:5123")
        let target = store.target(key: "a b/c$d", query: [("partNumber", "1"), ("uploadId", "x/y")])
        #expect(target.host == "127.0.0.1:5123")
        #expect(target.path == "/bkt/pre/a b/c$d")
        #expect(target.url == "http://127.0.0.1:5123/bkt/pre/a%20b/c%24d?partNumber=1&uploadId=x%2Fy")
        #expect(store.target(key: nil, query: []).url == "http://127.0.0.1:5123/bkt")
        #expect(store.location == "s3://bkt/pre/")
        try await store.shutdown()
    }

    @Test func virtualHostedPutsTheBucketInTheHost() async throws {
        let store = try Self.store(.virtualHosted, endpoint: "https://s3.eu-west-1.amazonaws.com")
        let target = store.target(key: "k/1", query: [])
        #expect(target.host == "bkt.s3.eu-west-1.amazonaws.com")
        #expect(target.url == "https://bkt.s3.eu-west-1.amazonaws.com/pre/k/1")
        #expect(
            store.target(key: nil, query: [("uploads", "")]).url == "https://bkt.s3.eu-west-1.amazonaws.com/?uploads=")
        try await store.shutdown()
    }

    @Test func rejectsBadConfigurationAndKeys() async throws {
        let url = try #require(URL(string: "ftp://example.com"))
        #expect(throws: ObjectStoreError.self) {
            _ = try S3Store(
                configuration: S3Configuration(endpoint: url, bucket: "b"), credentials: Moto.credentials,
                logger: .init(label: "test"))
        }
        let store = try Self.store(.path, endpoint: "http://127.0.0.1:1")
        await #expect(throws: ObjectStoreError.self) {
            _ = try await store.put(key: "../etc", bytes: [], metadata: [:])
        }
        await #expect(throws: ObjectStoreError.self) {
            _ = try await store.put(key: "k", bytes: [], metadata: ["bad name": "v"])
        }
        try await store.shutdown()
    }

    @Test func backoffIsCappedFullJitterAndRepeatableWithASeed() {
        let a = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(100), maxDelay: .seconds(1), seed: 99)
        let b = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(100), maxDelay: .seconds(1), seed: 99)
        let delays = (1...12).map { a.delay(afterAttempt: $0) }
        #expect(delays == (1...12).map { b.delay(afterAttempt: $0) })
        for (index, delay) in delays.enumerated() {
            let cap = min(Duration.seconds(1), .milliseconds(100) * (1 << index))
            #expect(delay >= .zero && delay <= cap)
        }
        #expect(Set(delays).count > 6)
    }

    @Test func errorMessagesSayWhatToDo() {
        let cases: [(String?, Int, String)] = [
            ("SignatureDoesNotMatch", 403, "secret access key"), ("InvalidAccessKeyId", 403, "access key id"),
            ("NoSuchBucket", 404, "create the bucket"), ("AccessDenied", 403, "policy"), ("SlowDown", 503, "later"),
        ]
        for (code, status, advice) in cases {
            let error = ObjectStoreError.s3(
                operation: "PUT", key: "k", status: status, code: code, message: "msg", attempts: 1)
            #expect("\(error)".contains(advice) && "\(error)".contains("'k'") && "\(error)".contains(code ?? ""))
        }
    }
}
