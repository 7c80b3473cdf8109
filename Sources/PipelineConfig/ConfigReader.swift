import Codecs
import Foundation
import Ingest
import Ledger
import Yams

/// Walks a Yams node tree key by key, because Yams' `Decodable` support ignores unknown keys and pipeline files
/// must not; collects every problem instead of stopping at the first.
final class ConfigReader {
    /// The file as shown in messages.
    let file: String
    /// Directory relative paths resolve against.
    let base: URL
    /// Problems in the order they were found.
    var problems: [PipelineConfigError] = []

    /// Key names that hold credentials in AWS tools; refused wherever they appear.
    static let secretKeys: Set<String> = [
        "access_key", "access_key_id", "aws_access_key_id", "secret_key", "secret_access_key",
        "aws_secret_access_key", "session_token", "aws_session_token", "security_token", "password", "credentials",
    ]

    init(file: String, base: URL) {
        self.file = file
        self.base = base
    }

    // MARK: Top level

    /// The configuration in `root`, or nil when a part of it could not be read.
    func decode(_ root: Node, file url: URL?) -> PipelineConfig? {
        guard let top = mapping(root, path: "") else { return nil }
        let keys = fields(
            top, path: "",
            allowed: [
                "version", "archive", "sources", "dedup", "tiers", "block_size", "ingest_memory", "stores", "retention",
                "prices",
            ])
        if let node = keys["version"], let version = int(node, path: "version"), version != 1 {
            invalid(node, "version", "\(version)", "only version 1 exists")
        }
        var archive: URL?
        if let node = keys["archive"] {
            archive = string(node, path: "archive").map { URL(fileURLWithPath: resolve($0), isDirectory: true) }
        } else {
            problems.append(.missingKey(file: file, line: line(root), path: "archive"))
        }
        let sources = decodeSources(keys["sources"], parent: root)
        let dedup = keys["dedup"].map(decodeDedup) ?? DedupConfig()
        let stores = keys["stores"].map(decodeStores) ?? [:]
        let tiers = keys["tiers"].map { decodeTiers($0, stores: stores) } ?? TiersConfig()
        let blockSize =
            keys["block_size"].flatMap {
                size($0, path: "block_size", in: 1 << 10...64 << 20, "a block must hold 1 KiB to 64 MiB")
            } ?? 1 << 20
        let ingestMemory =
            keys["ingest_memory"].flatMap {
                size($0, path: "ingest_memory", in: 64 << 10...16 << 30, "it must be 64 KiB to 16 GiB")
            } ?? 64 << 20
        if tiers.warm.maxSegmentBytes < blockSize {
            problems.append(
                .invalidValue(
                    file: file, line: nil, path: "tiers.warm.max_segment_size",
                    value: Units.formatBytes(tiers.warm.maxSegmentBytes),
                    reason: "it must be at least block_size (\(Units.formatBytes(blockSize)))"))
        }
        let retention = keys["retention"].flatMap { decodeRetention($0) }
        let prices = keys["prices"].map(decodePrices) ?? Prices()
        guard let archive else { return nil }
        return PipelineConfig(
            file: url, archive: archive, sources: sources, dedup: dedup, tiers: tiers, blockSize: blockSize,
            ingestMemory: ingestMemory, stores: stores, retention: retention, prices: prices)
    }

    // MARK: Sections

    func decodeSources(_ node: Node?, parent: Node) -> [SourceConfig] {
        guard let node else {
            problems.append(.missingKey(file: file, line: line(parent), path: "sources"))
            return []
        }
        guard case .sequence(let list) = node else {
            problems.append(.wrongType(file: file, line: line(node), path: "sources", expected: "a list of sources"))
            return []
        }
        if list.isEmpty {
            invalid(node, "sources", "[]", "at least one source is needed")
        }
        return list.enumerated().compactMap { index, item in decodeSource(item, path: "sources[\(index)]") }
    }

    func decodeSource(_ node: Node, path: String) -> SourceConfig? {
        guard let map = mapping(node, path: path) else { return nil }
        let keys = fields(
            map, path: path,
            allowed: ["paths", "format", "fields", "timestamp_format", "after_ingest", "max_line_bytes"])
        guard let pathsNode = keys["paths"] else {
            problems.append(.missingKey(file: file, line: line(node), path: "\(path).paths"))
            return nil
        }
        let globs: [String]
        switch pathsNode {
        case .sequence(let list):
            globs = list.enumerated().compactMap { string($1, path: "\(path).paths[\($0)]") }
            if list.isEmpty { invalid(pathsNode, "\(path).paths", "[]", "it needs at least one glob") }
        default:
            globs = string(pathsNode, path: "\(path).paths").map { [$0] } ?? []
        }
        var source = SourceConfig(paths: globs.map(resolve))
        if let node = keys["format"], let value = choice(node, path: "\(path).format", SourceFormat.self) {
            source.format = value
            source.fields = value.fields
        }
        if let node = keys["fields"], let fieldMap = mapping(node, path: "\(path).fields") {
            let names = fields(
                fieldMap, path: "\(path).fields", allowed: ["id", "conversation", "sender", "timestamp", "body"])
            func name(_ key: String) -> String? {
                guard let node = names[key], let value = string(node, path: "\(path).fields.\(key)") else { return nil }
                if value.isEmpty { invalid(node, "\(path).fields.\(key)", value, "a field name cannot be empty") }
                return value
            }
            if let value = name("id") { source.fields.id = value }
            if let value = name("conversation") { source.fields.conversation = value }
            if let value = name("sender") { source.fields.sender = value }
            if let value = name("timestamp") { source.fields.timestamp = value }
            if let value = name("body") { source.fields.body = value }
        }
        if let node = keys["timestamp_format"],
            let value = choice(
                node, path: "\(path).timestamp_format",
                TimestampFormat.self)
        {
            source.timestampFormat = value
        }
        if let node = keys["after_ingest"], let value = choice(node, path: "\(path).after_ingest", AfterIngest.self) {
            source.afterIngest = value
        }
        if let node = keys["max_line_bytes"],
            let value = size(
                node, path: "\(path).max_line_bytes", in: 64...Int.max, "lines of at least 64 bytes must fit")
        {
            source.maxLineBytes = value
        }
        return source
    }

    func decodeDedup(_ node: Node) -> DedupConfig {
        var dedup = DedupConfig()
        guard let map = mapping(node, path: "dedup") else { return dedup }
        let keys = fields(map, path: "dedup", allowed: ["mode", "window", "horizon"])
        if let node = keys["mode"], let mode = choice(node, path: "dedup.mode", DedupMode.self) { dedup.mode = mode }
        if let node = keys["window"], let text = string(node, path: "dedup.window") {
            if let value = Units.microseconds(text, allowed: ["ms", "s", "m", "h"]), value > 0 {
                dedup.window = value
            } else {
                invalid(node, "dedup.window", text, "it must be a positive duration such as '500ms', '2s' or '5m'")
            }
        }
        if let node = keys["horizon"], let value = days(node, path: "dedup.horizon") { dedup.horizonDays = value }
        return dedup
    }

    func decodeTiers(_ node: Node, stores: [String: StoreConfig]) -> TiersConfig {
        var tiers = TiersConfig()
        guard let map = mapping(node, path: "tiers") else { return tiers }
        let keys = fields(map, path: "tiers", allowed: ["hot", "warm", "cold"])
        if let node = keys["hot"], let hot = mapping(node, path: "tiers.hot") {
            let keys = fields(hot, path: "tiers.hot", allowed: ["codec", "level"])
            (tiers.hot.codec, tiers.hot.level) = codecAndLevel(
                keys, path: "tiers.hot", defaults: (tiers.hot.codec, tiers.hot.level))
        }
        var warmAfterNode: Node?
        var coldAfterNode: Node?
        if let node = keys["warm"], let warm = mapping(node, path: "tiers.warm") {
            let keys = fields(warm, path: "tiers.warm", allowed: ["after", "codec", "level", "max_segment_size"])
            warmAfterNode = keys["after"]
            if let node = keys["after"], let value = days(node, path: "tiers.warm.after") {
                tiers.warm.afterDays = value
            }
            (tiers.warm.codec, tiers.warm.level) = codecAndLevel(
                keys, path: "tiers.warm", defaults: (tiers.warm.codec, tiers.warm.level))
            if let node = keys["max_segment_size"], let value = size(node, path: "tiers.warm.max_segment_size") {
                tiers.warm.maxSegmentBytes = value
            }
        }
        if let node = keys["cold"], let cold = mapping(node, path: "tiers.cold") {
            let keys = fields(cold, path: "tiers.cold", allowed: ["after", "codec", "level", "store", "pack_target"])
            coldAfterNode = keys["after"]
            if let node = keys["after"], let value = days(node, path: "tiers.cold.after") {
                tiers.cold.afterDays = value
            }
            (tiers.cold.codec, tiers.cold.level) = codecAndLevel(
                keys, path: "tiers.cold", defaults: (tiers.cold.codec, tiers.cold.level))
            if let node = keys["store"], let name = string(node, path: "tiers.cold.store") {
                tiers.cold.store = name
                if stores[name] == nil {
                    problems.append(
                        .unknownStore(
                            file: file, line: line(node), path: "tiers.cold.store", name: name,
                            known: stores.keys.sorted()))
                }
            }
            if let node = keys["pack_target"],
                let value = size(node, path: "tiers.cold.pack_target", in: 1...Int.max, "it must be more than 0 bytes")
            {
                tiers.cold.packTargetBytes = value
            }
        }
        if tiers.warm.afterDays >= tiers.cold.afterDays {
            let culprit = coldAfterNode ?? warmAfterNode ?? node
            problems.append(
                .invalidValue(
                    file: file, line: line(culprit), path: "tiers.cold.after", value: "\(tiers.cold.afterDays)d",
                    reason: "it must be later than tiers.warm.after (\(tiers.warm.afterDays)d)"))
        }
        return tiers
    }

    func codecAndLevel(_ keys: [String: Node], path: String, defaults: (Codec, Int)) -> (Codec, Int) {
        var (codec, level) = defaults
        if let node = keys["codec"], let value = choice(node, path: "\(path).codec", Codec.self) { codec = value }
        if let node = keys["level"] {
            // `max`: the codec's densest level, whatever the CPU (zstd 19, zlib 9, lz4 12).
            if scalarText(node) == "max" {
                level = codec.levels.upperBound
            } else if let value = int(node, path: "\(path).level") {
                level = value
            }
        }
        if !codec.levels.contains(level) {
            let node = keys["level"] ?? keys["codec"]
            problems.append(
                .invalidValue(
                    file: file, line: node.flatMap(line), path: "\(path).level", value: "\(level)",
                    reason: "\(codec.rawValue) takes levels \(codec.levels.lowerBound) to \(codec.levels.upperBound)"))
        }
        return (codec, level)
    }
}
