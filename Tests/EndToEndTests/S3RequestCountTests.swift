import Foundation
import TestSupport
import Testing

/// The ledger's request counts against what a `FaultProxy` in front of the store really received: every attempt,
/// retries included, and the cost that follows from them.
@Suite(.enabled(if: MotoServer.shouldRun, "set MSGARCHIVE_TEST_S3_ENDPOINT to a moto_server (scripts/test does)"))
struct S3RequestCountTests {
    /// The billing kind of a request the proxy saw: LIST is a GET of the bucket itself (`/bucket?list-type=2`).
    static func kind(_ request: ProxiedRequest, bucket: String) -> String {
        let path = request.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? request.uri
        switch request.method {
        case "GET" where path == "/\(bucket)" || path == "/\(bucket)/": return "put"
        case "GET", "HEAD": return "get"
        case "DELETE": return "delete"
        default: return "put"
        }
    }

    @Test(arguments: [5, 6] as [UInt64])
    func aRunThroughFaultsRecordsEveryAttempt(seed: UInt64) async throws {
        let s3 = try await S3Archive.make("requests-\(seed)")
        defer { s3.remove() }
        let firstDay = S3PipelineTests.firstDay
        _ = try LogCorpus.write(
            to: s3.logs, firstDay: firstDay, days: 45, messagesPerDay: 30, conversations: 10, seed: seed,
            compressEvery: 5)
        let proxy = try await FaultProxy.start(upstream: s3.moto, schedule: FaultProxy.seeded(seed: seed, every: 4))
        let pipeline = try s3.writePipeline("faulty.yaml", endpoint: proxy.endpoint, cold: ", pack_target: 8KiB")
        let handle = try FileHandle(forWritingTo: pipeline)
        handle.seekToEndOfFile()
        // The file written above ends without a newline.
        let prices = "\nprices: {source: 0.08, hot: 0.08, cold: 0.0125, put_per_1000: 5, get_per_1000: 0.4}\n"
        handle.write(Data(prices.utf8))
        try handle.close()

        let run = try await s3.run(pipeline, now: "\(day(firstDay + 60))T00:00:00Z")
        let log = proxy.log
        let injected = proxy.injected
        await proxy.stop()
        #expect([0, 3].contains(run.result.status), "\(run.result.stderr)")
        #expect(injected.values.reduce(0, +) > 0, "faults were injected, so some requests were retried")

        let ledger = try Data(contentsOf: s3.archive.appendingPathComponent("ledger.jsonl"))
        let line = try #require(ledger.split(separator: 0x0A).last)
        let entry = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
        let savings = try #require(entry["savings"] as? [String: Any])
        let recorded = try #require(savings["requests_run"] as? [String: Int])
        // The ledger's copy is put after the entry is written: the only requests the entry cannot count.
        let counted = log.filter { !($0.method == "PUT" && $0.uri.contains("/ledger/ledger.jsonl")) }
        var expected = ["put": 0, "get": 0, "delete": 0]
        for request in counted { expected[Self.kind(request, bucket: s3.bucket), default: 0] += 1 }
        #expect(recorded["put"] == expected["put"], "\(recorded) against the proxy's \(expected)")
        #expect(recorded["get"] == expected["get"], "\(recorded) against the proxy's \(expected)")
        #expect(recorded["delete"] == expected["delete"], "\(recorded) against the proxy's \(expected)")
        let uploads = counted.filter { $0.method == "PUT" && $0.uri.contains("/segments/") }
        #expect(uploads.contains { $0.fault != nil }, "an upload was retried")
        #expect(run.summary?["savings"] != nil, "the --json summary carries the attribution")

        // The cost follows the counts: the requests' share of cost_actual at the pipeline's prices.
        let stored = try #require(savings["stored_bytes"] as? [String: Int])
        func m(_ bytes: Int, _ price: Double) -> Int {
            Int((Double(bytes) / 1_073_741_824 * price * 1_000_000).rounded(.toNearestOrAwayFromZero))
        }
        let requests = Int(
            ((Double(expected["put"]!) / 1000 * 5 + Double(expected["get"]!) / 1000 * 0.4) * 1_000_000)
                .rounded(.toNearestOrAwayFromZero))
        let actual =
            m(stored["hot"] ?? 0, 0.08) + m(stored["cold"] ?? 0, 0.0125)
            + m(savings["overhead_bytes"] as? Int ?? 0, 0.08) + requests
        let recordedActual = Int(((savings["cost_actual"] as? Double ?? -1) * 1_000_000).rounded())
        #expect(recordedActual == actual)
        #expect(requests > 0)
    }
}
