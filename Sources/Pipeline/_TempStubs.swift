// TEMPORARY: stands in for helpers' types until their branches merge. Delete at merge.
import Codecs
import Foundation
import Ingest
import Ledger

enum SourceGlob { static func expand(_ p: [String], relativeTo: URL) throws -> [URL] { [] } }
enum SegmentFiles { static func isTemporary(_ n: String) -> Bool { false } }

package struct PipelineConfig: Sendable, Equatable {
    package var file: URL?
    package var archive: URL
    package var sources: [SourceConfig]
    package var dedup: DedupConfig
    package var tiers: TiersConfig
    package var blockSize: Int
    package var stores: [String: StoreConfig]
    package var retention: RetentionConfig?
    package var prices: Prices
}
package struct SourceConfig: Sendable, Equatable {
    package var paths: [String]
    package var fields: FieldNames
    package var timestampFormat: TimestampFormat
    package var afterIngest: AfterIngest
    package var maxLineBytes: Int
}
package enum AfterIngest: String, Sendable { case keep, delete }
package enum DedupMode: String, Sendable, CaseIterable { case id, content, none }
package struct DedupConfig: Sendable, Equatable { package var mode: DedupMode = .id; package var window: Int64 = 2_000_000; package var horizonDays: Int = 7 }
package struct TiersConfig: Sendable, Equatable { package var hot: HotTier; package var warm: WarmTier; package var cold: ColdTier }
package struct HotTier: Sendable, Equatable { package var codec: Codec = .lz4; package var level: Int = 1 }
package struct WarmTier: Sendable, Equatable { package var afterDays: Int = 7; package var codec: Codec = .zlib; package var level = 9; package var maxSegmentBytes: Int = 256 << 20 }
package struct ColdTier: Sendable, Equatable { package var afterDays: Int = 30; package var codec: Codec = .zlib; package var level = 9; package var store: String?; package var packTargetBytes: Int = 64 << 20 }
package struct RetentionConfig: Sendable, Equatable { package var deleteAfterDays: Int }
package enum StoreConfig: Sendable, Equatable { case directory(path: URL); case s3(S3StoreConfig) }
package enum Addressing: String, Sendable { case path, virtual }
package struct S3StoreConfig: Sendable, Equatable { package var endpoint: String?; package var bucket: String; package var prefix: String = ""; package var region: String = "us-east-1"; package var addressing: Addressing = .path; package var storageClass: String?; package var sse: String?; package var kmsKeyId: String?; package var multipartThresholdBytes: Int = 64 << 20; package var partSizeBytes: Int = 16 << 20 }
import Segments
extension SegmentReader { static func lines(_ raw: [UInt8]) -> [ArraySlice<UInt8>] { raw.split(separator: 10, omittingEmptySubsequences: false).dropLast() } }
import ObjectStore
import Logging
func makeS3Store(_ s3: S3StoreConfig, environment: [String: String], logger: Logger) throws -> any ObjectStore { fatalError() }
extension PipelineConfig {
    package static func load(from: URL) throws -> PipelineConfig { fatalError() }
    package func applying(_ o: ConfigOverrides, environment: [String: String]) throws -> PipelineConfig { fatalError() }
    package func summary() -> String { "" }
}
package struct ConfigOverrides { package var archive: URL?; package var sources: [String] = []; package var coldStore: String?; package init() {} }
package struct RunLock { package static func acquire(archive: URL) throws -> RunLock { fatalError() }; package func release() {} }
package enum RunLockError: Error { case held(pid: Int32, path: String) }
