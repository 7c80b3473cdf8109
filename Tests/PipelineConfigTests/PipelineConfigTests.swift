import Codecs
import Foundation
import Ingest
import Testing

@testable import PipelineConfig

/// The repository's `pipelines/` directory, found from this file's path.
private let pipelines = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("pipelines")

/// A minimal valid file, extended by each test.
private let minimal = """
    version: 1
    archive: arch
    sources:
      - paths: logs/*.jsonl
    """

private let file = URL(fileURLWithPath: "/etc/msgarchive/p.yaml")

/// The problems `yaml` is rejected with.
private func problems(_ yaml: String) -> [PipelineConfigError] {
    do {
        _ = try PipelineConfig.parse(yaml: yaml, file: file)
        return []
    } catch let error as PipelineConfigError {
        return error.problems
    } catch {
        return [.syntax(file: "", line: nil, problem: "unexpected \(error)")]
    }
}

@Suite struct PipelineConfigTests {
    @Test func loadsTheDefaultPipeline() throws {
        let url = pipelines.appendingPathComponent("default.yaml")
        let config = try PipelineConfig.load(from: url)
        let root = pipelines.deletingLastPathComponent().path
        #expect(config.file == url)
        #expect(config.archive.path == root + "/archive")
        #expect(config.sources.map(\.paths) == [[root + "/fixtures/logs/*.jsonl*"]])
        #expect(config.dedup.mode == .id)
        #expect(config.tiers.warm.afterDays == 7)
        #expect(config.tiers.cold.afterDays == 30)
        #expect(config.tiers.cold.store == nil)
        #expect(config.coldStore == .directory(path: URL(fileURLWithPath: root + "/archive/cold", isDirectory: true)))
        #expect(config.stores.isEmpty)
        #expect(config.prices.cold == 0.0125)
        #expect(config.summary().contains("cold  from 30d"))
    }

    @Test func loadsTheNightlyPipeline() throws {
        let config = try PipelineConfig.load(from: pipelines.appendingPathComponent("nightly.yaml"))
        #expect(config.archive.path == "/srv/msgarchive")
        #expect(config.sources[0].fields.id == "message_id")
        #expect(config.sources[0].timestampFormat == .epochMillis)
        #expect(config.dedup == DedupConfig(mode: .content, window: 2_000_000, horizonDays: 14))
        #expect(config.tiers.cold.store == "archive-bucket")
        #expect(config.retention == nil)
        guard case .s3(let s3) = config.coldStore else {
            Issue.record("the nightly cold store is not S3")
            return
        }
        #expect(s3.bucket == "example-chat-archive")
        #expect(s3.prefix == "msgarchive/prod")
        #expect(s3.region == "eu-central-1")
        #expect(s3.storageClass == "STANDARD_IA")
        #expect(s3.sse == "AES256")
        #expect(s3.partSizeBytes == 16 << 20)
    }

    @Test func resolvesAgainstARelativeFileURL() throws {
        let cwd = FileManager.default.currentDirectoryPath
        let config = try PipelineConfig.parse(yaml: minimal, file: URL(fileURLWithPath: "pipelines/p.yaml"))
        #expect(config.archive.path == (cwd == "/" ? "" : cwd) + "/pipelines/arch")
    }

    @Test func fillsDefaultsAndResolvesPathsAgainstTheFile() throws {
        let config = try PipelineConfig.parse(yaml: minimal, file: file)
        #expect(config.archive.path == "/etc/msgarchive/arch")
        #expect(config.sources == [SourceConfig(paths: ["/etc/msgarchive/logs/*.jsonl"])])
        #expect(config.dedup == DedupConfig())
        #expect(config.tiers == TiersConfig())
        #expect(config.blockSize == 1 << 20)
        #expect(config.ingestMemory == 64 << 20)
        #expect(config.retention == nil)
    }

    @Test func coldDefaultsToZstdNineAndMaxIsEachCodecsTopLevel() throws {
        #expect(try PipelineConfig.parse(yaml: minimal, file: file).tiers.cold.compression.codec == .zstd)
        #expect(try PipelineConfig.parse(yaml: minimal, file: file).tiers.cold.compression.level == 9)
        let yaml =
            minimal + """

                tiers:
                  hot: {codec: lz4, level: max}
                  warm: {codec: zlib, level: max}
                  cold: {level: max}
                """
        let tiers = try PipelineConfig.parse(yaml: yaml, file: file).tiers
        let levels: [Int] = [tiers.hot.compression.level, tiers.warm.compression.level, tiers.cold.compression.level]
        #expect(levels == [12, 9, 19])
        #expect(throws: PipelineConfigError.self) {
            try PipelineConfig.parse(yaml: minimal + "\ntiers: {cold: {level: most}}\n", file: file)
        }
    }

    @Test func readsEveryKey() throws {
        let yaml =
            minimal + """

                dedup: {mode: content, window: 500ms, horizon: 3d}
                block_size: 512KiB
                ingest_memory: 256MiB
                tiers:
                  hot: {codec: zlib, level: 1}
                  warm: {after: 2d, codec: lz4, level: 12, max_segment_size: 1 GiB}
                  cold: {after: 9d, codec: zlib, level: 6, block_size: 4MiB, store: b, pack_target: 100MB}
                stores:
                  b:
                    type: s3
                    bucket: my-bucket
                    prefix: a/b/
                    addressing: virtual
                    sse: aws:kms
                    kms_key_id: key-1
                    multipart_threshold: 5MiB
                    part_size: 8MiB
                  local: {type: directory, path: ../cold}
                retention: {delete_after: 400d}
                prices:
                  {currency: EUR, source: 0.1, hot: 0.1, warm: 0.05, cold: 0.004, put_per_1000: 0.05, get_per_1000: 0}
                """
        let config = try PipelineConfig.parse(yaml: yaml, file: file)
        #expect(config.dedup == DedupConfig(mode: .content, window: 500_000, horizonDays: 3))
        #expect(config.blockSize == 512 << 10)
        #expect(config.ingestMemory == 256 << 20)
        #expect(config.tiers.hot == HotTier(codec: .zlib, level: 1))
        #expect(config.tiers.warm == WarmTier(afterDays: 2, codec: .lz4, level: 12, maxSegmentBytes: 1 << 30))
        #expect(
            config.tiers.cold
                == ColdTier(
                    afterDays: 9, codec: .zlib, level: 6, blockSize: 4 << 20, store: "b",
                    packTargetBytes: 100_000_000))
        #expect(config.blockSize(of: config.tiers.cold.compression) == 4 << 20)
        #expect(config.blockSize(of: config.tiers.hot.compression) == 512 << 10)
        #expect(
            config.stores["b"]
                == .s3(
                    S3StoreConfig(
                        bucket: "my-bucket", prefix: "a/b", addressing: .virtual, sse: "aws:kms", kmsKeyId: "key-1",
                        multipartThresholdBytes: 5 << 20, partSizeBytes: 8 << 20)))
        #expect(config.stores["local"] == .directory(path: URL(fileURLWithPath: "/etc/cold", isDirectory: true)))
        #expect(config.retention == RetentionConfig(deleteAfterDays: 400))
        #expect(config.prices.currency == "EUR")
        #expect(config.prices.putPer1000 == 0.05)
        #expect(config.warnings.isEmpty)
    }

    @Test func unknownKeyNamesFileLinePathAndSuggestion() {
        let found = problems(minimal + "\ntiers:\n  warm:\n    after: 7d\n    levle: 9\n")
        #expect(
            found == [
                .unknownKey(file: "/etc/msgarchive/p.yaml", line: 8, path: "tiers.warm.levle", suggestion: "level")
            ])
        let message = found.first?.description ?? ""
        #expect(message.contains("'/etc/msgarchive/p.yaml' line 8"))
        #expect(message.contains("Did you mean 'level'?"))
    }

    @Test func unknownKeyFarFromAnyGetsNoSuggestion() {
        let found = problems(minimal + "\ncolour: blue\n")
        #expect(found == [.unknownKey(file: file.path, line: 5, path: "colour", suggestion: nil)])
    }

    @Test func wrongTypesAreReportedTogether() {
        let found = problems(
            """
            archive: [a, b]
            sources:
              - paths: x
                fields: id
            tiers:
              hot: {level: high}
            """)
        #expect(
            found == [
                .wrongType(file: file.path, line: 1, path: "archive", expected: "text, not a list or mapping"),
                .wrongType(file: file.path, line: 4, path: "sources[0].fields", expected: "a mapping of keys"),
                .wrongType(file: file.path, line: 6, path: "tiers.hot.level", expected: "a whole number"),
            ])
    }

    @Test(arguments: [("lz4", 13), ("zlib", 0), ("zlib", 10), ("zstd", 0), ("zstd", 20)])
    func rejectsLevelsOutsideTheCodecsRange(codec: String, level: Int) {
        let found = problems(minimal + "\ntiers:\n  warm: {codec: \(codec), level: \(level)}\n")
        #expect(found.count == 1)
        guard case .invalidValue(_, let line, let path, let value, let reason)? = found.first else {
            Issue.record("expected an invalid level, got \(found)")
            return
        }
        #expect(line == 6)
        #expect(path == "tiers.warm.level")
        #expect(value == "\(level)")
        #expect(reason.contains("\(codec) takes levels"))
    }

    @Test(arguments: ["36h", "7", "seven days", "7.5d", "-1d"])
    func rejectsTierAgesThatAreNotWholeDays(age: String) {
        let found = problems(minimal + "\ntiers:\n  cold: {after: \(age)}\n")
        #expect(found.map(\.path) == ["tiers.cold.after"])
        #expect(found.first?.description.contains("whole UTC days") == true)
    }

    @Test func checksEachTiersBlockSizeAndTheWarmSegmentCapAgainstIt() {
        let found = problems(
            minimal + "\ntiers:\n  hot: {block_size: 100}\n  warm: {block_size: 8MiB, max_segment_size: 4MiB}\n")
        #expect(found.map(\.path) == ["tiers.hot.block_size", "tiers.warm.max_segment_size"])
        #expect(found.first?.description.contains("1 KiB to 64 MiB") == true)
        #expect(found.last?.description.contains("warm tier's block size (8 MiB)") == true)
    }

    @Test func rejectsBadDurationsAndSizes() {
        let found = problems(
            minimal + "\ndedup: {window: 2 fortnights}\nblock_size: 64 megs\ningest_memory: 1KiB\n")
        #expect(found.map(\.path) == ["dedup.window", "block_size", "ingest_memory"])
    }

    @Test func rejectsColdBeforeWarm() {
        let found = problems(minimal + "\ntiers:\n  warm: {after: 30d}\n  cold: {after: 30d}\n")
        #expect(found.map(\.path) == ["tiers.cold.after"])
        #expect(found.first?.description.contains("later than tiers.warm.after") == true)
    }

    @Test func rejectsAColdStoreThatIsNotDefined() {
        let found = problems(
            minimal + "\ntiers:\n  cold: {store: bukket}\nstores:\n  bucket: {type: s3, bucket: my-bucket}\n")
        #expect(
            found == [
                .unknownStore(file: file.path, line: 6, path: "tiers.cold.store", name: "bukket", known: ["bucket"])
            ])
    }

    @Test(arguments: ["access_key", "secret_access_key", "aws_secret_access_key", "session_token"])
    func rejectsCredentialsWithoutRepeatingThem(key: String) {
        let found = problems(
            minimal + "\nstores:\n  b:\n    type: s3\n    bucket: my-bucket\n    \(key): hunter2-SECRET\n")
        #expect(found == [.secretInFile(file: file.path, line: 9, path: "stores.b.\(key)")])
        let message = found.first?.description ?? ""
        #expect(message.contains("environment"))
        #expect(message.contains("credentials file"))
        #expect(!message.contains("hunter2"))
    }

    @Test func rejectsBadStoreSettings() {
        let found = problems(
            minimal + """

                stores:
                  a: {type: s3, bucket: Not_A_Bucket, endpoint: ftp://x, prefix: ../up, sse: rot13, part_size: 1MiB}
                  b: {type: tape}
                  c: {path: /x}
                """)
        #expect(
            found.map(\.path) == [
                "stores.a.bucket", "stores.a.endpoint", "stores.a.prefix", "stores.a.sse", "stores.a.part_size",
                "stores.b.type", "stores.c.type",
            ])
    }

    @Test func rejectsMissingRequiredKeys() {
        let found = problems("version: 1\n")
        #expect(found.map(\.path) == ["archive", "sources"])
        #expect(problems("archive: a\nsources: []\n").map(\.path) == ["sources"])
    }

    @Test func reportsSyntaxErrorsWithTheirLine() {
        let found = problems("archive: a\nsources:\n  - paths: [x\n")
        guard case .syntax(_, let line?, _)? = found.first else {
            Issue.record("expected a syntax error, got \(found)")
            return
        }
        #expect(line >= 3)
        #expect(problems("archive: a\narchive: b\n").first.map { if case .syntax = $0 { true } else { false } } == true)
    }

    @Test func reportsProblemsInFileOrder() {
        let found = problems(
            minimal + "\ntiers:\n  cold: {store: nope}\nstores:\n  s: {type: s3, bucket: b-1, prefix: /abs}\n")
        #expect(found.map(\.line) == [6, 8])
        #expect(found.map(\.path) == ["tiers.cold.store", "stores.s.prefix"])
    }

    @Test func refusesMergeKeysAndTakesNothingFromThem() throws {
        // Yams' decoder would merge `<<` in; pipeline files refuse it, as they did before it was used.
        let found = problems(minimal + "\ntiers:\n  hot: {<<: {codec: [a]}, level: 2}\n")
        #expect(found == [.unknownKey(file: file.path, line: 6, path: "tiers.hot.<<", suggestion: nil)])
        let aliased = try PipelineConfig.parse(
            yaml: minimal + "\nstores:\n  a: &s {type: s3, bucket: my-bucket}\n  b: *s\n", file: file)
        #expect(aliased.stores["b"] == .s3(S3StoreConfig(bucket: "my-bucket")))
    }

    @Test func findsQuotedStoreNamesThatLookLikeNumbers() throws {
        let yaml = minimal + "\ntiers:\n  cold: {store: '2024'}\nstores:\n  '2024': {type: s3, bucket: my-bucket}\n"
        #expect(try PipelineConfig.parse(yaml: yaml, file: file).coldStore == .s3(S3StoreConfig(bucket: "my-bucket")))
    }

    @Test func warnsWhenRetentionDeletesBeforeCold() throws {
        let config = try PipelineConfig.parse(yaml: minimal + "\nretention: {delete_after: 20d}\n", file: file)
        #expect(config.warnings.count == 1)
        #expect(config.summary().contains("Warning: retention.delete_after (20d)"))
    }

    @Test func suggestsNearMissesOnly() {
        #expect(ConfigReader.suggestion(for: "levle", in: ["after", "codec", "level"]) == "level")
        #expect(ConfigReader.suggestion(for: "strage_class", in: ["storage_class", "sse"]) == "storage_class")
        #expect(ConfigReader.suggestion(for: "zzzzz", in: ["level"]) == nil)
        #expect(ConfigReader.editDistance("", "abc") == 3)
    }
}

@Suite struct ConfigOverridesTests {
    /// A file with an S3 cold store and a second S3 store.
    private static let yaml =
        minimal + """

            tiers:
              cold: {store: bucket}
            stores:
              bucket: {type: s3, bucket: file-bucket, prefix: p, storage_class: STANDARD_IA}
              other: {type: s3, bucket: other-bucket, endpoint: "http://minio:9000", region: eu-west-3}
            """
    private let base: PipelineConfig
    private let cwd = URL(fileURLWithPath: "/home/op", isDirectory: true)

    init() throws {
        base = try PipelineConfig.parse(yaml: Self.yaml, file: file)
    }

    @Test func flagBeatsEnvironmentBeatsFile() throws {
        let environment = ["MSGARCHIVE_ARCHIVE": "env-archive", "MSGARCHIVE_COLD_STORE": "file:///env/cold"]
        let fromEnvironment = try base.applying(ConfigOverrides(workingDirectory: cwd), environment: environment)
        #expect(fromEnvironment.archive.path == "/home/op/env-archive")
        #expect(fromEnvironment.coldStore == .directory(path: URL(fileURLWithPath: "/env/cold", isDirectory: true)))

        let flags = ConfigOverrides(
            archive: URL(fileURLWithPath: "/flag/archive"), coldStore: "s3://flag-bucket/x/y/", workingDirectory: cwd)
        let fromFlags = try base.applying(flags, environment: environment)
        #expect(fromFlags.archive.path == "/flag/archive")
        guard case .s3(let s3) = fromFlags.coldStore else {
            Issue.record("the flag's S3 cold store was not applied")
            return
        }
        #expect(s3.bucket == "flag-bucket")
        #expect(s3.prefix == "x/y")
        // Settings the file gave its S3 cold store survive a change of bucket.
        #expect(s3.storageClass == "STANDARD_IA")

        let fromFile = try base.applying(ConfigOverrides(workingDirectory: cwd), environment: [:])
        #expect(fromFile == base)
    }

    @Test func sourceFlagsReplaceTheFilesSources() throws {
        let config = try base.applying(
            ConfigOverrides(sources: ["a/*.jsonl", "/b/*.gz"], workingDirectory: cwd), environment: [:])
        #expect(config.sources.map(\.paths) == [["/home/op/a/*.jsonl", "/b/*.gz"]])
        #expect(config.sources[0].afterIngest == .keep)
    }

    @Test func awsEnvironmentFillsOnlyWhatTheFileLeavesOut() throws {
        let environment = [
            "AWS_ENDPOINT_URL": "http://127.0.0.1:5000", "AWS_REGION": "ap-south-1", "AWS_DEFAULT_REGION": "sa-east-1",
        ]
        let config = try base.applying(ConfigOverrides(workingDirectory: cwd), environment: environment)
        guard case .s3(let bucket)? = config.stores["bucket"], case .s3(let other)? = config.stores["other"] else {
            Issue.record("stores lost their type")
            return
        }
        #expect(bucket.endpoint == "http://127.0.0.1:5000")
        #expect(bucket.region == "ap-south-1")
        #expect(other.endpoint == "http://minio:9000")
        #expect(other.region == "eu-west-3")
        let fallback = try base.applying(
            ConfigOverrides(workingDirectory: cwd), environment: ["AWS_DEFAULT_REGION": "sa-east-1"])
        if case .s3(let s3)? = fallback.stores["bucket"] { #expect(s3.region == "sa-east-1") }
        let none = try base.applying(ConfigOverrides(workingDirectory: cwd), environment: [:])
        if case .s3(let s3)? = none.stores["bucket"] { #expect(s3.region == "us-east-1") }
    }

    @Test func coldStoreFlagCreatesAStoreWhenTheFileHasNone() throws {
        let plain = try PipelineConfig.parse(yaml: minimal, file: file)
        let config = try plain.applying(
            ConfigOverrides(coldStore: "s3://new-bucket", workingDirectory: cwd), environment: [:])
        #expect(config.tiers.cold.store == PipelineConfig.overriddenColdStoreName)
        #expect(config.coldStore == .s3(S3StoreConfig(bucket: "new-bucket")))
    }

    @Test(arguments: ["ftp://x/y", "s3://UPPER/x", "file://relative/path", "s3://bucket/../escape"])
    func rejectsBadColdStoreURLs(url: String) {
        #expect(throws: PipelineConfigError.self) {
            try base.applying(ConfigOverrides(coldStore: url, workingDirectory: cwd), environment: [:])
        }
    }
}

@Suite struct UnitsTests {
    @Test func parsesSizes() {
        #expect(Units.bytes("64MiB") == 64 << 20)
        #expect(Units.bytes("1 MiB") == 1 << 20)
        #expect(Units.bytes("512KiB") == 512 << 10)
        #expect(Units.bytes("1GiB") == 1 << 30)
        #expect(Units.bytes("1000000") == 1_000_000)
        #expect(Units.bytes("5MB") == 5_000_000)
        #expect(Units.bytes("2GB") == 2_000_000_000)
        #expect(Units.bytes("1.5KiB") == 1536)
        #expect(Units.bytes("1.1B") == nil)
        #expect(Units.bytes("64Mb") == nil)
        #expect(Units.bytes("MiB") == nil)
    }

    @Test func parsesDurations() {
        #expect(Units.microseconds("2s") == 2_000_000)
        #expect(Units.microseconds("250ms") == 250_000)
        #expect(Units.microseconds("5m") == 300_000_000)
        #expect(Units.microseconds("36h") == 129_600_000_000)
        #expect(Units.microseconds("2d", allowed: ["s"]) == nil)
        #expect(Units.days("7d") == 7)
        #expect(Units.days("36h") == nil)
        #expect(Units.formatDuration(microseconds: 2_000_000) == "2s")
        #expect(Units.formatBytes(64 << 20) == "64 MiB")
        #expect(Units.formatBytes(1536) == "1.5 KiB")
    }
}

extension PipelineConfigError {
    /// The key path a single problem is about, for compact assertions.
    fileprivate var path: String {
        switch self {
        case .unknownKey(_, _, let path, _), .wrongType(_, _, let path, _), .invalidValue(_, _, let path, _, _),
            .missingKey(_, _, let path), .secretInFile(_, _, let path), .unknownStore(_, _, let path, _, _):
            return path
        case .unreadable, .syntax, .invalidOverride, .badPriceList, .several:
            return "-"
        }
    }
}
