import Foundation
import Ingest
import Ledger

/// The top level, `sources` and `dedup`. Every section starts from its type's defaults (the initialisers in
/// `PipelineConfig.swift` are the one place they are written) and overrides what the file gives.
extension PipelineConfig {
    /// Top-level keys, in the order suggestions prefer.
    enum Keys: String, CodingKey, CaseIterable {
        case version, archive, sources, dedup, tiers
        case blockSize = "block_size"
        case ingestMemory = "ingest_memory"
        case stores, retention, prices
    }

    /// The configuration in `keys`, or nil when a part of it could not be read.
    init?(reading keys: ConfigMapping<Keys>) {
        let reader = keys.reader
        keys.checkKeys()
        if let value = keys[.version], let version = reader.int(value), version != 1 {
            reader.invalid(value, "\(version)", "only version 1 exists")
        }
        var archive: URL?
        if let value = keys[.archive] {
            archive = reader.string(value).map { URL(fileURLWithPath: reader.resolve($0), isDirectory: true) }
        } else {
            keys.missing(.archive)
        }
        // Without an archive the file fails at the end; the other sections are still read for their problems.
        self.init(file: reader.url, archive: archive ?? reader.base, sources: SourceConfig.list(in: keys))
        dedup = keys.mapping(.dedup, keyedBy: DedupConfig.Keys.self).map(DedupConfig.init(reading:)) ?? dedup
        stores = keys.mapping(.stores, keyedBy: NameKey.self).map(StoreConfig.stores(in:)) ?? stores
        if let tiers = keys.mapping(.tiers, keyedBy: TiersConfig.Keys.self) {
            self.tiers = TiersConfig(reading: tiers, stores: stores)
        }
        if let value = keys[.blockSize], let bytes = reader.blockSize(value) { blockSize = bytes }
        if let value = keys[.ingestMemory],
            let bytes = reader.size(value, in: 64 << 10...16 << 30, "it must be 64 KiB to 16 GiB")
        {
            ingestMemory = bytes
        }
        let warmBlock = blockSize(of: tiers.warm.compression)
        if tiers.warm.maxSegmentBytes < warmBlock {
            reader.problems.append(
                .invalidValue(
                    file: reader.file, line: nil, path: "tiers.warm.max_segment_size",
                    value: Units.formatBytes(tiers.warm.maxSegmentBytes),
                    reason: "it must be at least the warm tier's block size (\(Units.formatBytes(warmBlock)))"))
        }
        retention = keys.mapping(.retention, keyedBy: RetentionConfig.Keys.self).flatMap(RetentionConfig.init(reading:))
        prices = keys.mapping(.prices, keyedBy: Prices.Keys.self).map(Prices.init(reading:)) ?? prices
        guard archive != nil else { return nil }
    }
}

extension SourceConfig {
    /// Keys of one source.
    enum Keys: String, CodingKey, CaseIterable {
        case paths, format, fields
        case timestampFormat = "timestamp_format"
        case afterIngest = "after_ingest"
        case maxLineBytes = "max_line_bytes"
    }

    /// Keys of `fields`.
    enum FieldKeys: String, CodingKey, CaseIterable {
        case id, conversation, sender, timestamp, body

        /// The name this key sets.
        var name: WritableKeyPath<FieldNames, String> {
            switch self {
            case .id: \.id
            case .conversation: \.conversation
            case .sender: \.sender
            case .timestamp: \.timestamp
            case .body: \.body
            }
        }
    }

    /// The readable sources under the top level's `sources`.
    static func list(in top: ConfigMapping<PipelineConfig.Keys>) -> [SourceConfig] {
        let reader = top.reader
        guard let value = top[.sources] else {
            top.missing(.sources)
            return []
        }
        guard let items = top.items(.sources) else {
            reader.wrongType(value, "a list of sources")
            return []
        }
        if items.isEmpty { reader.invalid(value, "[]", "at least one source is needed") }
        return items.compactMap { ConfigMapping<Keys>($0, reader: reader).flatMap(SourceConfig.init(reading:)) }
    }

    /// The source in `keys`, or nil without `paths`.
    init?(reading keys: ConfigMapping<Keys>) {
        let reader = keys.reader
        keys.checkKeys()
        guard let paths = keys[.paths] else {
            keys.missing(.paths)
            return nil
        }
        let globs: [String]
        if let items = keys.items(.paths) {
            globs = items.map(Located.init(from:)).compactMap(reader.string)
            if items.isEmpty { reader.invalid(paths, "[]", "it needs at least one glob") }
        } else {
            globs = reader.string(paths).map { [$0] } ?? []
        }
        self.init(paths: globs.map(reader.resolve))
        if let value = keys[.format], let format = reader.choice(value, SourceFormat.self) {
            self.format = format
            fields = format.fields
        }
        if let names = keys.mapping(.fields, keyedBy: FieldKeys.self) {
            names.checkKeys()
            for key in FieldKeys.allCases {
                guard let value = names[key], let name = reader.string(value) else { continue }
                if name.isEmpty { reader.invalid(value, name, "a field name cannot be empty") }
                fields[keyPath: key.name] = name
            }
        }
        if let value = keys[.timestampFormat], let format = reader.choice(value, TimestampFormat.self) {
            timestampFormat = format
        }
        if let value = keys[.afterIngest], let after = reader.choice(value, AfterIngest.self) {
            afterIngest = after
        }
        if let value = keys[.maxLineBytes],
            let bytes = reader.size(value, in: 64...Int.max, "lines of at least 64 bytes must fit")
        {
            maxLineBytes = bytes
        }
    }
}

extension DedupConfig {
    /// Keys of `dedup`.
    enum Keys: String, CodingKey, CaseIterable {
        case mode, window, horizon
    }

    /// The settings in `keys`, defaults where absent or unreadable.
    init(reading keys: ConfigMapping<Keys>) {
        let reader = keys.reader
        self.init()
        keys.checkKeys()
        if let value = keys[.mode], let mode = reader.choice(value, DedupMode.self) { self.mode = mode }
        if let value = keys[.window], let text = reader.string(value) {
            if let window = Units.microseconds(text, allowed: ["ms", "s", "m", "h"]), window > 0 {
                self.window = window
            } else {
                reader.invalid(value, text, "it must be a positive duration such as '500ms', '2s' or '5m'")
            }
        }
        if let value = keys[.horizon], let days = reader.days(value) { horizonDays = days }
    }
}
