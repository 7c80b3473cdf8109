import Foundation
import TestSupport
import Testing

/// A temporary archive whose cold tier is a fresh bucket on moto, and the `msgarchive` commands run against it.
struct S3Archive {
    let tmp: TemporaryDirectory
    /// moto itself; pipelines may point elsewhere (a `FaultProxy`).
    let moto: URL
    let bucket: String
    /// Credentials for msgarchive; moto checks none, so the secret only has to be recognisable in output.
    var environment = ["AWS_ACCESS_KEY_ID": "AKIAE2ETESTKEY", "AWS_SECRET_ACCESS_KEY": "e2eSecretNeverPrinted42"]

    /// An archive in a new temporary directory; `createBucket: false` leaves the bucket missing.
    static func make(_ tag: String, createBucket: Bool = true) async throws -> S3Archive {
        let moto = try MotoServer.endpoint()
        let bucket = MotoServer.uniqueBucket(tag)
        if createBucket { try await MotoServer.createBucket(bucket, endpoint: moto) }
        return S3Archive(tmp: try TemporaryDirectory("msgarchive-\(tag)"), moto: moto, bucket: bucket)
    }

    var logs: URL { tmp.path("logs") }
    var archive: URL { tmp.path("archive") }

    /// Writes a pipeline file whose cold tier is the bucket behind `endpoint` (moto unless told otherwise).
    @discardableResult
    func writePipeline(
        _ name: String = "pipeline.yaml", endpoint: URL? = nil, cold: String = "", store: String = "",
        blockSize: String = "4KiB"
    ) throws -> URL {
        let url = tmp.path(name)
        try """
        archive: \(archive.path)
        sources:
          - paths: ["\(logs.path)/*"]
        tiers:
          warm: {after: 7d}
          cold: {after: 30d, store: s3cold\(cold)}
        block_size: \(blockSize)
        stores:
          s3cold: {type: s3, endpoint: "\((endpoint ?? moto).absoluteString)", bucket: \(bucket), prefix: arch/\(store)}
        """.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// `msgarchive run --json` at `now`; the summary is nil when stdout holds no JSON object.
    func run(_ pipeline: URL, now: String) async throws -> (result: ProcessResult, summary: [String: Any]?) {
        let result = try await Msgarchive.runDetached(
            ["run", "--pipeline", pipeline.path, "--now", now, "--json"], environment: environment)
        return (result, try? JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
    }

    /// `msgarchive export --pipeline` with `arguments`; its lines, sorted.
    func export(_ pipeline: URL, _ arguments: [String] = []) async throws -> (result: ProcessResult, lines: [String]) {
        let result = try await Msgarchive.runDetached(
            ["export", "--pipeline", pipeline.path] + arguments, environment: environment)
        let lines = result.stdoutText.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        return (result, lines.map(String.init).sorted())
    }

    /// `msgarchive verify --pipeline`.
    func verify(_ pipeline: URL) async throws -> ProcessResult {
        try await Msgarchive.runDetached(["verify", "--pipeline", pipeline.path], environment: environment)
    }

    /// Runs `export` and `verify` on `pipeline`, expecting exactly `lines` back (sorted) and a clean verify.
    @discardableResult
    func expectReadsBack(
        _ pipeline: URL, exactly lines: [String], sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> (export: ProcessResult, verify: ProcessResult) {
        let export = try await export(pipeline)
        #expect(export.result.status == 0, "\(export.result.stderr)", sourceLocation: sourceLocation)
        #expect(export.lines == lines, "a line was lost, doubled or changed", sourceLocation: sourceLocation)
        let verify = try await verify(pipeline)
        #expect(verify.status == 0, "\(verify.stdoutText)\(verify.stderr)", sourceLocation: sourceLocation)
        return (export.result, verify)
    }

    /// Segment files still on local disk in the cold tier.
    var localColdSegments: [String] {
        let cold = archive.appendingPathComponent("segments/cold")
        return (FileManager.default.enumerator(atPath: cold.path)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".gz") || $0.hasSuffix(".lz4") || $0.hasSuffix(".zst") }
    }

    /// Everything the run wrote or printed, to search for a leaked secret.
    func secretLeaks(in results: [ProcessResult]) -> Bool {
        let secret = environment["AWS_SECRET_ACCESS_KEY"] ?? ""
        return results.contains { $0.stdoutText.contains(secret) || $0.stderr.contains(secret) }
    }

    /// Files under the archive root (catalog, ledger, metrics, quarantine, segments) that hold the secret.
    var archiveFilesHoldingTheSecret: [String] {
        let secret = Data((environment["AWS_SECRET_ACCESS_KEY"] ?? "").utf8)
        let files =
            FileManager.default.enumerator(at: archive, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL } ?? []
        return files.filter { (try? Data(contentsOf: $0))?.range(of: secret) != nil }.map(\.path)
    }

    func remove() { tmp.remove() }
}

/// `YYYY-MM-DD` of a line's `timestamp` field (LogCorpus and the tests' own corpora write RFC 3339).
func partitionOf(_ line: String) -> String? {
    guard let range = line.range(of: #""timestamp":""#) else { return nil }
    return String(line[range.upperBound...].prefix(10))
}

/// The day number `n` as `YYYY-MM-DD`.
func day(_ n: Int) -> String { partition(Int64(n) * 86_400_000_000) }

/// The summary's figures for one tier.
func tierSegments(_ summary: [String: Any]?, _ tier: String) -> Int {
    ((summary?["tiers"] as? [String: Any])?[tier] as? [String: Any])?["segments"] as? Int ?? 0
}

/// The segments the summary says are left for the next run.
func pendingUploads(_ summary: [String: Any]?) -> [String] {
    summary?["pending_uploads"] as? [String] ?? []
}

/// SHA-256 (hex) of bytes, by the stock `sha256sum`, so the check does not share code with msgarchive.
func stockSHA256(_ data: Data, scratch: URL) throws -> String {
    let file = scratch.appendingPathComponent("sum-\(UUID().uuidString)")
    try data.write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    return String(String(decoding: try run("/usr/bin/sha256sum", [file.path]), as: UTF8.self).prefix(64))
}

/// The whole pipeline with its cold tier in S3 (moto), checked through the built binary and a second client.
@Suite(.enabled(if: MotoServer.shouldRun, "set MSGARCHIVE_TEST_S3_ENDPOINT to a moto_server (scripts/test does)"))
struct S3PipelineTests {
    /// 2025-08-01: LogCorpus days start here.
    static let firstDay = 20_301

    @Test(.enabled(if: AWSCLI.shouldRun, "the aws CLI fetches the objects"), arguments: ["zlib", "lz4", "zstd"])
    func coldObjectsDecodeWithStockToolsToExactlyTheColdLines(codec: String) async throws {
        let s3 = try await S3Archive.make("cold-\(codec)")
        defer { s3.remove() }
        let corpus = try LogCorpus.write(
            to: s3.logs, firstDay: Self.firstDay, days: 60, messagesPerDay: 40, conversations: 20, seed: 4,
            compressEvery: 7)
        let pipeline = try s3.writePipeline(cold: ", codec: \(codec), pack_target: 48KiB")
        // Day 62: the last days hot, the middle warm, the first 33 days (age >= 30) cold.
        let now = "\(day(Self.firstDay + 62))T03:00:00Z"

        let first = try await s3.run(pipeline, now: now)
        #expect(first.result.status == 0, "\(first.result.stderr)")
        #expect(first.summary?["status"] as? String == "ok")
        for tier in ["hot", "warm", "cold"] {
            #expect(tierSegments(first.summary, tier) > 0, "no \(tier) segment")
        }
        #expect(first.summary?["pending_uploads"] as? [String] == [])
        #expect(s3.localColdSegments.isEmpty, "cold segments left local: \(s3.localColdSegments)")

        let export = try await s3.export(pipeline)
        #expect(export.result.status == 0, "\(export.result.stderr)")
        #expect(export.lines == corpus.sortedDistinctLines, "export differs from the distinct input lines")

        // The cold objects as another client sees them: listed, fetched, checked, decoded by stock tools.
        let objects = try AWSCLI.list(bucket: s3.bucket, prefix: "arch/segments/", endpoint: s3.moto)
        #expect(objects.count == first.summary?["uploaded_objects"] as? Int)
        #expect(objects.count > 1, "pack_target should split the cold days into several objects")
        var coldLines: [String] = []
        for object in objects {
            let bytes = try AWSCLI.get(bucket: s3.bucket, key: object.key, endpoint: s3.moto)
            #expect(bytes.count == object.size)
            let head = try AWSCLI.head(bucket: s3.bucket, key: object.key, endpoint: s3.moto)
            #expect(head.metadata["sha256"] == (try stockSHA256(bytes, scratch: s3.tmp.url)), "\(object.key)")
            let lines = try stockDecode(bytes, codec: codec, scratch: s3.tmp.url)
            // A pack's name spans its partitions: segments/<first>/<first>_<last>.<tag>.pack.<ext>.
            let name = String(object.key.split(separator: "/").last ?? "")
            let span = String(name.prefix { $0 != "." }).split(separator: "_").map(String.init)
            for line in lines {
                let partition = try #require(partitionOf(line))
                #expect(partition >= span[0] && partition <= span[span.count - 1], "\(object.key) holds \(line)")
            }
            coldLines += lines
        }
        let cutoff = day(Self.firstDay + 62 - 30)
        let expectedCold = corpus.distinctLines.filter { (partitionOf($0) ?? "") <= cutoff }.sorted()
        #expect(!expectedCold.isEmpty)
        #expect(coldLines.count == expectedCold.count, "a cold line is missing or doubled")
        #expect(coldLines.sorted() == expectedCold)

        let second = try await s3.run(pipeline, now: now)
        #expect(second.result.status == 0, "\(second.result.stderr)")
        #expect(second.summary?["status"] as? String == "nothing_new")
        #expect(second.summary?["uploaded_objects"] as? Int == 0)
        #expect(try AWSCLI.list(bucket: s3.bucket, prefix: "arch/segments/", endpoint: s3.moto) == objects)

        let verify = try await s3.verify(pipeline)
        #expect(verify.status == 0, "\(verify.stdoutText)\(verify.stderr)")
        #expect(!s3.secretLeaks(in: [first.result, export.result, second.result, verify]))
        #expect(s3.archiveFilesHoldingTheSecret.isEmpty)
    }

    @Test(.enabled(if: AWSCLI.shouldRun, "the aws CLI heads the object"))
    func packAboveTheThresholdIsUploadedInPartsAndAFailedUploadIsAbortedByTheNextRun() async throws {
        let s3 = try await S3Archive.make("multipart")
        defer { s3.remove() }
        // Random base64 bodies barely compress, so ~7 MiB of logs make one cold object above 5 MiB.
        let lines = try writeIncompressibleLogs(to: s3.logs, firstDay: Self.firstDay, days: 6, perDay: 1_300)
        let cold = ", codec: zlib, level: 1, pack_target: 256MiB"
        let store = ", multipart_threshold: 5MiB, part_size: 5MiB"
        let now = "\(day(Self.firstDay + 40))T00:00:00Z"

        // First through a proxy that fails part 2 and every abort: the run must end with the upload left behind.
        let proxy = try await FaultProxy.start(upstream: s3.moto) { _, head in
            if head.method == .PUT && head.uri.contains("partNumber=2") { return .fault(.internalError) }
            if head.method == .DELETE && head.uri.contains("uploadId=") { return .fault(.reset) }
            return nil
        }
        let faulty = try s3.writePipeline(
            "faulty.yaml", endpoint: proxy.endpoint, cold: cold, store: store, blockSize: "1MiB")
        let failed = try await s3.run(faulty, now: now)
        await proxy.stop()
        #expect(failed.result.status == 3, "\(failed.result.stderr)")
        #expect(!pendingUploads(failed.summary).isEmpty)
        #expect(!s3.localColdSegments.isEmpty)
        #expect(try AWSCLI.multipartUploads(bucket: s3.bucket, endpoint: s3.moto).count == 1)

        let pipeline = try s3.writePipeline(cold: cold, store: store, blockSize: "1MiB")
        let run = try await s3.run(pipeline, now: now)
        #expect(run.result.status == 0, "\(run.result.stderr)")
        #expect(run.summary?["uploaded_objects"] as? Int == 1)
        #expect(s3.localColdSegments.isEmpty)
        #expect(try AWSCLI.multipartUploads(bucket: s3.bucket, endpoint: s3.moto) == [], "the failed upload is left")
        let objects = try AWSCLI.list(bucket: s3.bucket, prefix: "arch/segments/", endpoint: s3.moto)
        let object = try #require(objects.first)
        let head = try AWSCLI.head(bucket: s3.bucket, key: object.key, endpoint: s3.moto)
        #expect(head.size > 5 << 20, "the object should exceed the multipart threshold")
        #expect(head.size == run.summary?["uploaded_bytes"] as? Int)
        // S3's ETag of a multipart object is the MD5 of the parts' MD5s, then '-' and the part count.
        let parts = (head.size + (5 << 20) - 1) / (5 << 20)
        #expect(head.etag.hasSuffix("-\(parts)\""), "ETag \(head.etag) is not that of a \(parts)-part upload")
        let bytes = try AWSCLI.get(bucket: s3.bucket, key: object.key, endpoint: s3.moto)
        #expect(head.metadata["sha256"] == (try stockSHA256(bytes, scratch: s3.tmp.url)))

        try await s3.expectReadsBack(pipeline, exactly: lines.sorted())
    }

    @Test func exportOfOneConversationFetchesOnlyPartOfTheColdObject() async throws {
        let s3 = try await S3Archive.make("ranged")
        defer { s3.remove() }
        let corpus = try LogCorpus.write(
            to: s3.logs, firstDay: Self.firstDay, days: 8, messagesPerDay: 300, conversations: 40, seed: 11)
        let pipeline = try s3.writePipeline(cold: ", pack_target: 64MiB")
        let run = try await s3.run(pipeline, now: "\(day(Self.firstDay + 40))T00:00:00Z")
        #expect(run.result.status == 0, "\(run.result.stderr)")
        #expect(run.summary?["uploaded_objects"] as? Int == 1, "every day should be packed into one object")
        let objectSize = try #require(run.summary?["uploaded_bytes"] as? Int)

        // Export through a proxy that only forwards and counts what moto sends back.
        let proxy = try await FaultProxy.start(upstream: s3.moto) { _, _ in nil }
        let proxied = try s3.writePipeline("proxied.yaml", endpoint: proxy.endpoint)
        let conversation = "c-7"
        let export = try await s3.export(proxied, ["--conversation", conversation])
        let ranged = proxy.log
        let full = try await s3.export(proxied)
        let all = proxy.log
        await proxy.stop()

        #expect(export.result.status == 0, "\(export.result.stderr)")
        let expected = corpus.distinctLines.filter { $0.contains(#""conversation":"\#(conversation)""#) }.sorted()
        #expect(!expected.isEmpty)
        #expect(export.lines == expected)
        #expect(full.result.status == 0, "\(full.result.stderr)")
        #expect(full.lines == corpus.sortedDistinctLines)

        #expect(all.allSatisfy { $0.method == "GET" && $0.range != nil }, "every read should be a Range GET")
        let fetched = ranged.reduce(0) { $0 + $1.bodyBytes }
        let fetchedByFull = all.dropFirst(ranged.count).reduce(0) { $0 + $1.bodyBytes }
        #expect(fetched > 0 && fetched < objectSize / 2, "one conversation fetched \(fetched) of \(objectSize) bytes")
        // The count is real: reading everything fetches at least every block of the object.
        #expect(fetchedByFull >= objectSize * 9 / 10, "the full export fetched \(fetchedByFull) of \(objectSize)")
    }

    @Test func wrongBucketExitsThreeNamingTheFixAndKeepsEveryRecordLocal() async throws {
        let s3 = try await S3Archive.make("nobucket", createBucket: false)
        defer { s3.remove() }
        let corpus = try LogCorpus.write(
            to: s3.logs, firstDay: Self.firstDay, days: 40, messagesPerDay: 30, conversations: 10, seed: 21)
        let pipeline = try s3.writePipeline(cold: ", pack_target: 64MiB")
        let now = "\(day(Self.firstDay + 45))T00:00:00Z"

        let run = try await s3.run(pipeline, now: now)
        #expect(run.result.status == 3, "\(run.result.stderr)")
        #expect(run.summary?["status"] as? String == "partial")
        #expect(!pendingUploads(run.summary).isEmpty)
        #expect(run.result.stderr.contains("NoSuchBucket"), "\(run.result.stderr)")
        #expect(run.result.stderr.contains("create the bucket or fix the bucket name"), "\(run.result.stderr)")
        #expect(!s3.localColdSegments.isEmpty)

        let (export, verify) = try await s3.expectReadsBack(pipeline, exactly: corpus.sortedDistinctLines)
        #expect(!s3.secretLeaks(in: [run.result, export, verify]))
        #expect(s3.archiveFilesHoldingTheSecret.isEmpty)

        // The fix the message names works: with the bucket there, the next run uploads what was left.
        try await MotoServer.createBucket(s3.bucket, endpoint: s3.moto)
        let fixed = try await s3.run(pipeline, now: now)
        #expect(fixed.result.status == 0, "\(fixed.result.stderr)")
        #expect(fixed.summary?["uploaded_objects"] as? Int == 1)
        #expect(s3.localColdSegments.isEmpty)
        #expect(try await s3.export(pipeline).lines == corpus.sortedDistinctLines)
    }

    @Test func rejectedSignatureExitsThreeNamingTheFixAndKeepsEveryRecordLocal() async throws {
        let s3 = try await S3Archive.make("badsig")
        defer { s3.remove() }
        let corpus = try LogCorpus.write(
            to: s3.logs, firstDay: Self.firstDay, days: 40, messagesPerDay: 30, conversations: 10, seed: 22)
        // moto checks no signature, so the proxy answers as S3 does to a wrong secret key.
        let proxy = try await FaultProxy.start(upstream: s3.moto) { _, _ in
            .answer(
                status: 403, code: "SignatureDoesNotMatch",
                message: "The request signature we calculated does not match the signature you provided.")
        }
        let pipeline = try s3.writePipeline(endpoint: proxy.endpoint, cold: ", pack_target: 64MiB")
        let run = try await s3.run(pipeline, now: "\(day(Self.firstDay + 45))T00:00:00Z")
        let export = try await s3.export(pipeline)
        let verify = try await s3.verify(pipeline)
        let requests = proxy.requests
        await proxy.stop()

        #expect(run.result.status == 3, "\(run.result.stderr)")
        #expect(!pendingUploads(run.summary).isEmpty)
        #expect(run.result.stderr.contains("HTTP 403"), "\(run.result.stderr)")
        #expect(
            run.result.stderr.contains("check the secret access key")
                || run.result.stderr.contains("check the credentials"), "\(run.result.stderr)")
        #expect(requests > 0 && requests < 10, "a 403 must not be retried: \(requests) requests")
        #expect(!s3.localColdSegments.isEmpty)
        #expect(export.result.status == 0, "\(export.result.stderr)")
        #expect(export.lines == corpus.sortedDistinctLines)
        #expect(verify.status == 0, "\(verify.stdoutText)\(verify.stderr)")
        #expect(!s3.secretLeaks(in: [run.result, export.result, verify]))
    }
}

/// Writes `days` daily logs of `perDay` messages with random base64 bodies (~1 KiB a line); returns the lines.
func writeIncompressibleLogs(to directory: URL, firstDay: Int, days: Int, perDay: Int) throws -> [String] {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    var rng = SplitMix64(seed: 77)
    var all: [String] = []
    for d in 0..<days {
        var lines: [String] = []
        for m in 0..<perDay {
            let micros = Int64(firstDay + d) * 86_400_000_000 + Int64(m) * 1_000_000
            let body = Data((0..<85).flatMap { _ in withUnsafeBytes(of: rng.next()) { Array($0) } })
                .base64EncodedString()
            lines.append(
                #"{"id":"m-\#(d)-\#(m)","conversation":"c-\#(m % 13)","sender":"u-\#(m % 7)","#
                    + #""timestamp":"\#(rfc3339(micros))","body":"\#(body)"}"#)
        }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(
            to: directory.appendingPathComponent("\(day(firstDay + d)).jsonl"))
        all += lines
    }
    return all
}
