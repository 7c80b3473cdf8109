import Codecs
import Foundation
import Ingest
import Ledger

/// A pipeline file (`pipelines/*.yaml`): what to archive, where, and how long each tier keeps it.
///
/// Keys, in snake_case (the full reference is `docs/pipeline.md`):
/// - `version` (int, default `1`): the file format; only `1` exists.
/// - `archive` (path, required): the archive root; relative paths resolve against the pipeline file's directory.
/// - `sources` (list, at least one): see ``SourceConfig``.
/// - `dedup` (mapping): see ``DedupConfig``.
/// - `tiers` (mapping): `hot`, `warm`, `cold`; see ``TiersConfig``.
/// - `block_size` (size, default `1MiB`): raw bytes per compressed block in a segment, in every tier that gives
///   none of its own.
/// - `stores` (mapping of name to store, default none): see ``StoreConfig``.
/// - `retention` (mapping, default none: keep forever): see ``RetentionConfig``.
/// - `prices` (mapping): `currency` (string, `USD`), `source`, `hot`, `warm`, `cold` (per GiB-month),
///   `overhead` (per GiB-month of catalog, ledger and quarantine; default the `hot` price), `put_per_1000`,
///   `get_per_1000` (per 1,000 requests), `retrieval_per_gib` (per GiB read from the cold store), all numbers
///   defaulting to `0`.
package struct PipelineConfig: Sendable, Equatable {
    /// Where the configuration was loaded from; nil for one built in code.
    package var file: URL?
    /// The archive root: segments, catalog, ledger and lock live under it.
    package var archive: URL
    /// The logs to ingest; never empty in a loaded file.
    package var sources: [SourceConfig]
    /// How duplicates are recognised.
    package var dedup: DedupConfig
    /// Codecs and age thresholds of each tier.
    package var tiers: TiersConfig
    /// Raw bytes per compressed block in a segment.
    package var blockSize: Int
    /// Bytes of records a run buffers while reading logs (a quarter more for the segment being written).
    package var ingestMemory: Int
    /// Named object stores that tiers refer to.
    package var stores: [String: StoreConfig]
    /// When partitions are deleted for good; nil keeps them forever.
    package var retention: RetentionConfig?
    /// Storage and request prices for the savings ledger.
    package var prices: Prices

    /// A configuration with every unset part at its default.
    package init(
        file: URL? = nil,
        archive: URL,
        sources: [SourceConfig],
        dedup: DedupConfig = DedupConfig(),
        tiers: TiersConfig = TiersConfig(),
        blockSize: Int = 1 << 20,
        ingestMemory: Int = 64 << 20,
        stores: [String: StoreConfig] = [:],
        retention: RetentionConfig? = nil,
        prices: Prices = Prices()
    ) {
        self.file = file
        self.archive = archive
        self.sources = sources
        self.dedup = dedup
        self.tiers = tiers
        self.blockSize = blockSize
        self.ingestMemory = ingestMemory
        self.stores = stores
        self.retention = retention
        self.prices = prices
    }

    /// Raw bytes per block of a tier compressing with `compression`: its own block size, else the pipeline's.
    package func blockSize(of compression: TierCompression) -> Int {
        compression.blockSize ?? blockSize
    }

    /// The store cold partitions go to: the named one, or a directory store at `<archive>/cold`.
    package var coldStore: StoreConfig {
        if let name = tiers.cold.store, let store = stores[name] { return store }
        return .directory(path: archive.appendingPathComponent("cold", isDirectory: true))
    }
}

/// One group of logs and how to read them.
///
/// Keys:
/// - `paths` (glob or list of globs, required): relative globs resolve against the pipeline file's directory.
/// - `fields` (mapping, default the names below): JSON field names for `id` (`id`), `conversation`
///   (`conversation`), `sender` (`sender`), `timestamp` (`timestamp`) and `body` (`body`).
/// - `timestamp_format` (`auto` | `rfc3339` | `epoch_seconds` | `epoch_millis` | `epoch_micros` | `epoch_nanos`,
///   default `auto`).
/// - `after_ingest` (`keep` | `delete`, default `keep`): `delete` removes a log once all its records are committed.
/// - `max_line_bytes` (size, default `1MiB`): longer lines are quarantined.
package struct SourceConfig: Sendable, Equatable {
    /// Globs, made absolute against the pipeline file's directory.
    package var paths: [String]
    /// What the lines are; its field names are the defaults of `fields`.
    package var format: SourceFormat = .jsonl
    /// JSON field names the logs use.
    package var fields: FieldNames
    /// How the logs write timestamps.
    package var timestampFormat: TimestampFormat
    /// What happens to a log once all its records are committed.
    package var afterIngest: AfterIngest
    /// Lines longer than this many bytes are quarantined.
    package var maxLineBytes: Int

    /// A source with every unset part at its default.
    package init(
        paths: [String],
        fields: FieldNames = FieldNames(),
        timestampFormat: TimestampFormat = .auto,
        afterIngest: AfterIngest = .keep,
        maxLineBytes: Int = 1 << 20
    ) {
        self.paths = paths
        self.fields = fields
        self.timestampFormat = timestampFormat
        self.afterIngest = afterIngest
        self.maxLineBytes = maxLineBytes
    }
}

/// What a run does with a source log once all its records are committed.
package enum AfterIngest: String, Sendable, CaseIterable {
    /// Leave the log where it is (the default).
    case keep
    /// Delete the log.
    case delete
}

/// Which records count as duplicates.
package enum DedupMode: String, Sendable, CaseIterable {
    /// Same message id.
    case id
    /// Same id, or same conversation, sender and body within the window.
    case content
    /// Keep everything.
    case none
}

/// Duplicate detection.
///
/// Keys: `mode` (`id` | `content` | `none`, default `id`); `window` (duration in `ms`, `s`, `m` or `h`,
/// default `2s`): how far apart two identical bodies may be and still count as one under `content`;
/// `horizon` (whole days, default `7d`): partitions this young keep exact id digests, older ones a Bloom filter.
package struct DedupConfig: Sendable, Equatable {
    /// Which records count as duplicates.
    package var mode: DedupMode
    /// Content dedup window in microseconds.
    package var window: Int64
    /// Days a partition keeps exact id digests.
    package var horizonDays: Int

    /// Dedup by id, a 2 s content window and a 7-day horizon unless told otherwise.
    package init(mode: DedupMode = .id, window: Int64 = 2_000_000, horizonDays: Int = 7) {
        self.mode = mode
        self.window = window
        self.horizonDays = horizonDays
    }
}

/// The three storage tiers.
///
/// Keys: `hot`, `warm`, `cold`, each a mapping described on ``HotTier``, ``WarmTier`` and ``ColdTier``.
package struct TiersConfig: Sendable, Equatable {
    /// New partitions.
    package var hot: HotTier
    /// Partitions past `warm.after`.
    package var warm: WarmTier
    /// Partitions past `cold.after`.
    package var cold: ColdTier

    /// Tiers at their defaults unless given.
    package init(hot: HotTier = HotTier(), warm: WarmTier = WarmTier(), cold: ColdTier = ColdTier()) {
        self.hot = hot
        self.warm = warm
        self.cold = cold
    }
}

/// How a tier compresses its segments. Keys, in every tier: `codec` (`lz4` | `zlib` | `zstd`); `level` (int in the
/// codec's range, or `max`: its densest); `block_size` (size, 1 KiB to 64 MiB, default the pipeline's
/// `block_size`).
package struct TierCompression: Sendable, Equatable {
    /// Codec of the tier's segments.
    package var codec: Codec
    /// Compression level, within `codec.levels`.
    package var level: Int
    /// Raw bytes per compressed block; nil takes the pipeline's `block_size`.
    package var blockSize: Int?

    /// `codec` at `level`, blocks of the pipeline's size unless `blockSize` is given.
    package init(codec: Codec, level: Int, blockSize: Int? = nil) {
        self.codec = codec
        self.level = level
        self.blockSize = blockSize
    }
}

/// The hot tier. Keys: those of ``TierCompression`` (default lz4 level 1).
package struct HotTier: Sendable, Equatable {
    /// Codec, level and block size of hot segments.
    package var compression: TierCompression

    /// lz4 level 1 unless told otherwise.
    package init(codec: Codec = .lz4, level: Int = 1, blockSize: Int? = nil) {
        compression = TierCompression(codec: codec, level: level, blockSize: blockSize)
    }
}

/// The warm tier.
///
/// Keys: `after` (whole days, default `7d`): partition age at which hot segments are compacted into warm ones;
/// those of ``TierCompression`` (default zlib level 9); `max_segment_size` (size, default `256MiB`, at least the
/// tier's block size): raw bytes above which a partition's warm data is split into several segments.
package struct WarmTier: Sendable, Equatable {
    /// Partition age in days at which a partition turns warm.
    package var afterDays: Int
    /// Codec, level and block size of warm segments.
    package var compression: TierCompression
    /// Raw bytes above which a warm partition is split into several segments.
    package var maxSegmentBytes: Int

    /// Warm after 7 days, zlib level 9, 256 MiB segments unless told otherwise.
    package init(
        afterDays: Int = 7, codec: Codec = .zlib, level: Int = 9, blockSize: Int? = nil,
        maxSegmentBytes: Int = 256 << 20
    ) {
        self.afterDays = afterDays
        compression = TierCompression(codec: codec, level: level, blockSize: blockSize)
        self.maxSegmentBytes = maxSegmentBytes
    }
}

/// The cold tier.
///
/// Keys: `after` (whole days, default `30d`, greater than `warm.after`); those of ``TierCompression`` (default
/// zstd level 9); `store` (a name under `stores`, default none: a directory store at `<archive>/cold`);
/// `pack_target` (size, default `64MiB`): several days are packed into one object up to about this size.
package struct ColdTier: Sendable, Equatable {
    /// Partition age in days at which a partition moves to the cold store.
    package var afterDays: Int
    /// Codec, level and block size of cold objects.
    package var compression: TierCompression
    /// Name of the store in ``PipelineConfig/stores``; nil means a directory store at `<archive>/cold`.
    package var store: String?
    /// Target size of one cold object.
    package var packTargetBytes: Int

    /// Cold after 30 days, zstd level 9, 64 MiB objects in `<archive>/cold` unless told otherwise: zstd-9 stores
    /// about 0.75-0.83x the bytes of `gzip -9` in less time than zlib-9 (docs/performance.md).
    package init(
        afterDays: Int = 30, codec: Codec = .zstd, level: Int = 9, blockSize: Int? = nil, store: String? = nil,
        packTargetBytes: Int = 64 << 20
    ) {
        self.afterDays = afterDays
        compression = TierCompression(codec: codec, level: level, blockSize: blockSize)
        self.store = store
        self.packTargetBytes = packTargetBytes
    }
}

/// Deletion of old partitions. Key: `delete_after` (whole days, required when `retention` is present).
package struct RetentionConfig: Sendable, Equatable {
    /// Partition age in days past which a partition is deleted from every tier.
    package var deleteAfterDays: Int

    /// Deletes partitions older than `deleteAfterDays`.
    package init(deleteAfterDays: Int) {
        self.deleteAfterDays = deleteAfterDays
    }
}

/// Where a store keeps objects.
///
/// Keys: `type` (`directory` | `s3`, required); for `directory`, `path` (path, required, relative to the
/// pipeline file's directory); for `s3`, the keys of ``S3StoreConfig``.
package enum StoreConfig: Sendable, Equatable {
    /// Objects are files under a local directory.
    case directory(path: URL)
    /// Objects live in an S3-compatible bucket.
    case s3(S3StoreConfig)
}

/// An S3-compatible bucket. Credentials never appear here: they come from the environment or the AWS
/// credentials file.
///
/// Keys: `endpoint` (URL, default none: AWS, or `AWS_ENDPOINT_URL`); `bucket` (string, required); `prefix`
/// (string, default empty); `region` (string, default `AWS_REGION`, `AWS_DEFAULT_REGION`, then `us-east-1`);
/// `addressing` (`path` | `virtual`, default `path`); `storage_class` (string such as `STANDARD_IA`, default
/// none); `sse` (`AES256` | `aws:kms`, default none); `kms_key_id` (string, only with `aws:kms`);
/// `multipart_threshold` (size, default `64MiB`); `part_size` (size, 5 MiB to 5 GiB, default `16MiB`).
package struct S3StoreConfig: Sendable, Equatable {
    /// How the bucket appears in request URLs.
    package enum Addressing: String, Sendable, CaseIterable {
        /// `https://endpoint/bucket/key`: works with every S3-compatible server.
        case path
        /// `https://bucket.endpoint/key`.
        case virtual
    }

    /// Base URL of the service; nil means AWS.
    package var endpoint: String?
    /// Bucket name.
    package var bucket: String
    /// Key prefix every object goes under.
    package var prefix: String
    /// The region the file named, if any; ``region`` falls back to `us-east-1`.
    package var configuredRegion: String?
    /// URL style.
    package var addressing: Addressing
    /// Storage class sent with every PUT; nil leaves the bucket's default.
    package var storageClass: String?
    /// Server-side encryption: `AES256` or `aws:kms`; nil sends none.
    package var sse: String?
    /// KMS key for `aws:kms`; nil uses the account's default key.
    package var kmsKeyId: String?
    /// Objects at least this large are uploaded in parts.
    package var multipartThresholdBytes: Int
    /// Size of each multipart part.
    package var partSizeBytes: Int

    /// Region used for signing.
    package var region: String {
        get { configuredRegion ?? "us-east-1" }
        set { configuredRegion = newValue }
    }

    /// A bucket with every unset part at its default.
    package init(
        endpoint: String? = nil,
        bucket: String,
        prefix: String = "",
        region: String? = nil,
        addressing: Addressing = .path,
        storageClass: String? = nil,
        sse: String? = nil,
        kmsKeyId: String? = nil,
        multipartThresholdBytes: Int = 64 << 20,
        partSizeBytes: Int = 16 << 20
    ) {
        self.endpoint = endpoint
        self.bucket = bucket
        self.prefix = prefix
        self.configuredRegion = region
        self.addressing = addressing
        self.storageClass = storageClass
        self.sse = sse
        self.kmsKeyId = kmsKeyId
        self.multipartThresholdBytes = multipartThresholdBytes
        self.partSizeBytes = partSizeBytes
    }
}
