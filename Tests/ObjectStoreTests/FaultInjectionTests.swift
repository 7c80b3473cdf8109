import Foundation
import TestSupport
import Testing

@testable import ObjectStore

/// The store through `FaultProxy`: retries must hide transient faults and surface permanent ones clearly.
@Suite(.enabled(if: Moto.shouldRun, "set MSGARCHIVE_TEST_S3_ENDPOINT to a moto_server"))
struct FaultInjectionTests {
    /// A store through a proxy with `schedule`, and a direct store on the same bucket to check what really landed.
    func withProxiedStore(
        schedule: @escaping FaultSchedule, maxAttempts: Int = 8, logger: LogSink = LogSink(),
        credentials: Credentials = Moto.credentials,
        _ body: (_ proxied: S3Store, _ direct: S3Store, _ proxy: FaultProxy) async throws -> Void
    ) async throws {
        let upstream = try Moto.endpoint()
        let bucket = Moto.uniqueBucket()
        let proxy = try await FaultProxy.start(upstream: upstream, schedule: schedule)
        do {
            try await Moto.withStore(bucket: bucket) { direct in
                try await Moto.withStore(
                    endpoint: proxy.endpoint, bucket: bucket, createBucket: false, logger: logger.logger,
                    credentials: credentials,
                    configure: {
                        $0.multipartThreshold = 5 << 20
                        $0.partSize = 5 << 20
                        $0.retry = RetryPolicy(
                            maxAttempts: maxAttempts, baseDelay: .milliseconds(2), maxDelay: .milliseconds(20), seed: 11
                        )
                        // The faults are the schedule's alone: on a loaded machine a slow answer must not time out
                        // and be retried, which would add requests (and multipart uploads) the tests count.
                        $0.requestTimeout = .seconds(180)
                    }
                ) { proxied in
                    try await body(proxied, direct, proxy)
                }
            }
        } catch {
            await proxy.stop()
            throw error
        }
        await proxy.stop()
    }

    @Test func retriesStoreEveryObjectDespiteOneFaultInFour() async throws {
        let sink = LogSink()
        try await withProxiedStore(schedule: FaultProxy.seeded(seed: 2024), logger: sink) { proxied, direct, proxy in
            var expected: [String: [UInt8]] = [:]
            for index in 0..<16 {
                let key = "seg/\(index)"
                expected[key] = sampleBytes(2_000 + index * 97, seed: index)
                _ = try await proxied.put(key: key, bytes: expected[key] ?? [], metadata: ["n": "\(index)"])
            }
            try await withTemporaryDirectory { dir in
                let file = dir.appendingPathComponent("big")
                expected["seg/big"] = sampleBytes(11 * (1 << 20) + 777, seed: 99)
                try Data(expected["seg/big"] ?? []).write(to: file)
                _ = try await proxied.put(key: "seg/big", file: file, metadata: [:])
            }
            for (key, bytes) in expected {
                #expect(try await proxied.get(key: key, range: nil) == bytes, "proxied GET of \(key)")
                #expect(try await proxied.get(key: key, range: 100..<1100) == Array(bytes[100..<1100]))
                #expect(try await direct.get(key: key, range: nil) == bytes, "direct GET of \(key)")
                #expect(try await proxied.head(key: key)?.size == UInt64(bytes.count))
            }
            #expect(try await proxied.list(prefix: "seg/").map(\.key) == expected.keys.sorted())
            for key in expected.keys { try await proxied.delete(key: key) }
            #expect(try await direct.list(prefix: "").isEmpty)
            // Uploads whose Create was committed before an injected 500 are left over; the cleanup finds them.
            _ = try await direct.abortIncompleteUploads(prefix: "")
            let injected = proxy.injected
            #expect(Set(injected.keys) == Set(Fault.allCases), "injected \(injected) in \(proxy.requests) requests")
            #expect(injected.values.reduce(0, +) * 8 >= proxy.requests, "about one request in four faulted")
        }
        #expect(sink.lines.contains { $0.contains("retrying") })
        #expect(!sink.lines.contains { $0.contains(Moto.credentials.secretAccessKey) || $0.contains("Signature=") })
    }

    @Test func alwaysFailingServerGivesAClearErrorAndLeavesNothing() async throws {
        try await withProxiedStore(schedule: { _, _ in .fault(.internalError) }, maxAttempts: 3) { proxied, direct, _ in
            do {
                _ = try await proxied.put(key: "seg/a", bytes: [1, 2, 3], metadata: [:])
                Issue.record("put through an always-failing server succeeded")
            } catch let error as ObjectStoreError {
                let text = "\(error)"
                #expect(text.contains("'seg/a'") && text.contains("HTTP 500") && text.contains("InternalError"))
                #expect(text.contains("after 3 attempts") && text.contains("run again later"))
            }
            #expect(try await direct.head(key: "seg/a") == nil)
        }
    }

    @Test func failingPartsAbortTheMultipartUploadAndLeaveNothing() async throws {
        let schedule: FaultSchedule = { _, head in head.uri.contains("partNumber=") ? .fault(.reset) : nil }
        try await withProxiedStore(schedule: schedule, maxAttempts: 2) { proxied, direct, _ in
            try await withTemporaryDirectory { dir in
                let file = dir.appendingPathComponent("big")
                try Data(sampleBytes(11 << 20, seed: 5)).write(to: file)
                do {
                    _ = try await proxied.put(key: "seg/big", file: file, metadata: [:])
                    Issue.record("multipart put with failing parts succeeded")
                } catch let error as ObjectStoreError {
                    #expect("\(error)".contains("UploadPart") && "\(error)".contains("after 2 attempts"))
                }
            }
            #expect(try await direct.head(key: "seg/big") == nil)
            #expect(try await direct.list(prefix: "").isEmpty)
            #expect(try await direct.abortIncompleteUploads(prefix: "") == 0)
        }
    }

    @Test func signatureErrorNamesTheFixWithoutTheSecret() async throws {
        let secret = "veryWrongSecretValue/1234567890"
        let schedule: FaultSchedule = { _, _ in
            .answer(
                status: 403, code: "SignatureDoesNotMatch",
                message: "The request signature we calculated does not match.")
        }
        let sink = LogSink()
        try await withProxiedStore(
            schedule: schedule, logger: sink,
            credentials: Credentials(accessKeyId: "AKIAWRONG", secretAccessKey: secret)
        ) { proxied, _, proxy in
            do {
                _ = try await proxied.put(key: "seg/a", bytes: [1], metadata: [:])
                Issue.record("put with a wrong secret succeeded")
            } catch let error as ObjectStoreError {
                let text = "\(error)" + String(reflecting: error)
                #expect(text.contains("SignatureDoesNotMatch") && text.contains("secret access key"))
                #expect(text.contains("clock"))
                #expect(!text.contains(secret) && !text.contains("Signature="))
            }
            #expect(proxy.requests == 1, "a 403 is not retried")
        }
        #expect(!sink.lines.contains { $0.contains(secret) })
    }
}
