import Codecs
import Foundation
import Ingest
import Ledger
import Yams

extension PipelineConfig {
    /// Reads and strictly decodes the pipeline file at `url`.
    /// - Throws: `PipelineConfigError` naming the file, line and key of every problem found.
    package static func load(from url: URL) throws -> PipelineConfig {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw PipelineConfigError.unreadable(file: url.path, reason: error.localizedDescription)
        }
        return try parse(yaml: text, file: url)
    }

    /// Strictly decodes pipeline YAML; relative paths resolve against `file`'s directory, or the working
    /// directory when `file` is nil.
    /// - Throws: `PipelineConfigError`: one problem as itself, several as `.several`.
    package static func parse(yaml: String, file: URL?) throws -> PipelineConfig {
        let base =
            file?.deletingLastPathComponent()
            ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
        let reader = ConfigReader(file: file?.path ?? "<pipeline>", base: base)
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw reader.syntaxError(error)
        }
        guard let root else { throw PipelineConfigError.syntax(file: reader.file, line: nil, problem: "it is empty") }
        let config = reader.decode(root, file: file)
        if let config, reader.problems.isEmpty { return config }
        // Sections are read in dependency order (stores before tiers); report in file order.
        let inFileOrder = reader.problems.enumerated().sorted {
            ($0.element.line ?? Int.max, $0.offset) < ($1.element.line ?? Int.max, $1.offset)
        }
        throw PipelineConfigError.combining(inFileOrder.map(\.element))
    }

    /// Advice that does not stop a run: settings that are allowed but probably not meant.
    package var warnings: [String] {
        var notes: [String] = []
        if let retention {
            if retention.deleteAfterDays <= tiers.cold.afterDays {
                notes.append(
                    "retention.delete_after (\(retention.deleteAfterDays)d) is not past tiers.cold.after "
                        + "(\(tiers.cold.afterDays)d): partitions are deleted before they reach the cold tier.")
            }
            if retention.deleteAfterDays < dedup.horizonDays {
                notes.append(
                    "retention.delete_after (\(retention.deleteAfterDays)d) is shorter than dedup.horizon "
                        + "(\(dedup.horizonDays)d): a message redelivered after deletion is archived again.")
            }
        }
        if sources.contains(where: { $0.afterIngest == .delete }) {
            notes.append("a source has after_ingest: delete; its logs are removed once their records are committed.")
        }
        return notes
    }
}

extension PipelineConfigError {
    /// One problem as itself, several wrapped in `.several`.
    static func combining(_ problems: [PipelineConfigError]) -> PipelineConfigError {
        problems.count == 1 ? problems[0] : .several(problems)
    }
}

/// Walks a Yams node tree key by key, because Yams' `Decodable` support ignores unknown keys and pipeline files
/// must not; collects every problem instead of stopping at the first.
final class ConfigReader {
    /// The file as shown in messages.
    let file: String
    /// Directory relative paths resolve against.
    let base: URL
    /// Problems in the order they were found.
    private(set) var problems: [PipelineConfigError] = []

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

    private func decodeSources(_ node: Node?, parent: Node) -> [SourceConfig] {
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

    private func decodeSource(_ node: Node, path: String) -> SourceConfig? {
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

    private func decodeDedup(_ node: Node) -> DedupConfig {
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

    private func decodeTiers(_ node: Node, stores: [String: StoreConfig]) -> TiersConfig {
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

    private func codecAndLevel(_ keys: [String: Node], path: String, defaults: (Codec, Int)) -> (Codec, Int) {
        var (codec, level) = defaults
        if let node = keys["codec"], let value = choice(node, path: "\(path).codec", Codec.self) { codec = value }
        if let node = keys["level"], let value = int(node, path: "\(path).level") {
            level = value
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

    private func decodeStores(_ node: Node) -> [String: StoreConfig] {
        guard let map = mapping(node, path: "stores") else { return [:] }
        var stores: [String: StoreConfig] = [:]
        for (keyNode, value) in map {
            guard let name = key(keyNode, path: "stores") else { continue }
            let path = "stores.\(name)"
            if Self.secretKeys.contains(name.lowercased()) {
                problems.append(.secretInFile(file: file, line: line(keyNode), path: path))
                continue
            }
            if name.isEmpty || !name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_".contains($0)) }) {
                invalid(keyNode, path, name, "store names use only letters, digits, '-' and '_'")
                continue
            }
            if let store = decodeStore(value, path: path) { stores[name] = store }
        }
        return stores
    }

    private func decodeStore(_ node: Node, path: String) -> StoreConfig? {
        guard let map = mapping(node, path: path) else { return nil }
        let s3Keys = [
            "endpoint", "bucket", "prefix", "region", "addressing", "storage_class", "sse", "kms_key_id",
            "multipart_threshold", "part_size",
        ]
        let typeNode = map["type"]
        let type = typeNode.flatMap { string($0, path: "\(path).type") }
        switch type {
        case "directory":
            let keys = fields(map, path: path, allowed: ["type", "path"])
            guard let pathNode = keys["path"] else {
                problems.append(.missingKey(file: file, line: line(node), path: "\(path).path"))
                return nil
            }
            return string(pathNode, path: "\(path).path").map {
                .directory(path: URL(fileURLWithPath: resolve($0), isDirectory: true))
            }
        case "s3":
            let keys = fields(map, path: path, allowed: ["type"] + s3Keys)
            return decodeS3(keys, node: node, path: path)
        case nil:
            _ = fields(map, path: path, allowed: ["type", "path"] + s3Keys)
            if typeNode == nil { problems.append(.missingKey(file: file, line: line(node), path: "\(path).type")) }
            return nil
        case let other?:
            _ = fields(map, path: path, allowed: ["type", "path"] + s3Keys)
            invalid(typeNode ?? node, "\(path).type", other, "a store's type is 'directory' or 's3'")
            return nil
        }
    }

    private func decodeS3(_ keys: [String: Node], node: Node, path: String) -> StoreConfig? {
        guard let bucketNode = keys["bucket"] else {
            problems.append(.missingKey(file: file, line: line(node), path: "\(path).bucket"))
            return nil
        }
        guard let bucket = string(bucketNode, path: "\(path).bucket") else { return nil }
        if !S3Names.isValidBucket(bucket) {
            invalid(bucketNode, "\(path).bucket", bucket, S3Names.bucketRule)
        }
        var s3 = S3StoreConfig(bucket: bucket)
        if let node = keys["endpoint"], let value = string(node, path: "\(path).endpoint") {
            if S3Names.isValidEndpoint(value) {
                s3.endpoint = value
            } else {
                invalid(node, "\(path).endpoint", value, S3Names.endpointRule)
            }
        }
        if let node = keys["prefix"], let value = string(node, path: "\(path).prefix") {
            if let prefix = S3Names.normalisedPrefix(value) {
                s3.prefix = prefix
            } else {
                invalid(node, "\(path).prefix", value, S3Names.prefixRule)
            }
        }
        if let node = keys["region"], let value = string(node, path: "\(path).region") { s3.region = value }
        if let node = keys["addressing"],
            let value = choice(
                node, path: "\(path).addressing", S3StoreConfig.Addressing.self)
        {
            s3.addressing = value
        }
        if let node = keys["storage_class"], let value = string(node, path: "\(path).storage_class") {
            s3.storageClass = value
        }
        if let node = keys["sse"], let value = string(node, path: "\(path).sse") {
            if ["AES256", "aws:kms"].contains(value) {
                s3.sse = value
            } else {
                invalid(node, "\(path).sse", value, "server-side encryption is 'AES256' or 'aws:kms'")
            }
        }
        if let node = keys["kms_key_id"], let value = string(node, path: "\(path).kms_key_id") {
            s3.kmsKeyId = value
            if s3.sse != "aws:kms" { invalid(node, "\(path).kms_key_id", value, "it needs 'sse: aws:kms'") }
        }
        let partRange = (5 << 20)...(5 << 30)
        if let node = keys["part_size"],
            let value = size(node, path: "\(path).part_size", in: partRange, "S3 parts must be 5 MiB to 5 GiB")
        {
            s3.partSizeBytes = value
        }
        if let node = keys["multipart_threshold"],
            let value = size(
                node, path: "\(path).multipart_threshold", in: partRange,
                "it must be 5 MiB to 5 GiB (the largest single PUT S3 accepts)")
        {
            s3.multipartThresholdBytes = value
        }
        return .s3(s3)
    }

    private func decodeRetention(_ node: Node) -> RetentionConfig? {
        guard let map = mapping(node, path: "retention") else { return nil }
        let keys = fields(map, path: "retention", allowed: ["delete_after"])
        guard let after = keys["delete_after"] else {
            problems.append(.missingKey(file: file, line: line(node), path: "retention.delete_after"))
            return nil
        }
        guard let days = days(after, path: "retention.delete_after") else { return nil }
        if days < 1 {
            invalid(after, "retention.delete_after", scalarText(after), "it must be at least '1d'")
            return nil
        }
        return RetentionConfig(deleteAfterDays: days)
    }

    private func decodePrices(_ node: Node) -> Prices {
        var prices = Prices()
        guard let map = mapping(node, path: "prices") else { return prices }
        let numbers: [(String, WritableKeyPath<Prices, Double>)] = [
            ("source", \.source), ("hot", \.hot), ("warm", \.warm), ("cold", \.cold),
            ("put_per_1000", \.putPer1000), ("get_per_1000", \.getPer1000),
        ]
        let keys = fields(map, path: "prices", allowed: ["currency"] + numbers.map(\.0))
        if let node = keys["currency"], let value = string(node, path: "prices.currency") {
            if value.count == 3, value.allSatisfy({ $0.isASCII && $0.isUppercase }) {
                prices.currency = value
            } else {
                invalid(node, "prices.currency", value, "a currency is a three-letter ISO 4217 code such as 'USD'")
            }
        }
        for (name, keyPath) in numbers {
            guard let node = keys[name], let value = number(node, path: "prices.\(name)") else { continue }
            if value >= 0 {
                prices[keyPath: keyPath] = value
            } else {
                invalid(node, "prices.\(name)", scalarText(node), "a price cannot be negative")
            }
        }
        return prices
    }

    // MARK: Values

    /// The mapping in `node`, or nil after recording a type error.
    private func mapping(_ node: Node, path: String) -> Node.Mapping? {
        if case .mapping(let map) = node { return map }
        problems.append(.wrongType(file: file, line: line(node), path: name(path), expected: "a mapping of keys"))
        return nil
    }

    /// The values under the known keys of `map`; records unknown keys (with a suggestion) and credentials.
    /// Keys whose value is null are left out, as if absent.
    private func fields(_ map: Node.Mapping, path: String, allowed: [String]) -> [String: Node] {
        var found: [String: Node] = [:]
        for (keyNode, value) in map {
            guard let key = key(keyNode, path: path) else { continue }
            let full = path.isEmpty ? key : "\(path).\(key)"
            if Self.secretKeys.contains(key.lowercased()) {
                problems.append(.secretInFile(file: file, line: line(keyNode), path: full))
            } else if !allowed.contains(key) {
                problems.append(
                    .unknownKey(
                        file: file, line: line(keyNode), path: full, suggestion: Self.suggestion(for: key, in: allowed))
                )
            } else if !isNull(value) {
                found[key] = value
            }
        }
        return found
    }

    private func key(_ node: Node, path: String) -> String? {
        if case .scalar(let scalar) = node { return scalar.string }
        problems.append(
            .wrongType(file: file, line: line(node), path: name(path), expected: "a mapping with text keys"))
        return nil
    }

    private func string(_ node: Node, path: String) -> String? {
        if case .scalar(let scalar) = node { return scalar.string }
        problems.append(.wrongType(file: file, line: line(node), path: path, expected: "text, not a list or mapping"))
        return nil
    }

    private func int(_ node: Node, path: String) -> Int? {
        if case .scalar(let scalar) = node, let value = Int(scalar.string) { return value }
        problems.append(.wrongType(file: file, line: line(node), path: path, expected: "a whole number"))
        return nil
    }

    private func number(_ node: Node, path: String) -> Double? {
        if case .scalar(let scalar) = node, let value = Double(scalar.string), value.isFinite { return value }
        problems.append(.wrongType(file: file, line: line(node), path: path, expected: "a number such as 0.023"))
        return nil
    }

    /// A size in bytes; one outside `range` is recorded as invalid with `reason` and gives nil.
    private func size(
        _ node: Node, path: String, in range: ClosedRange<Int> = 0...Int.max, _ reason: String = ""
    ) -> Int? {
        guard case .scalar(let scalar) = node else {
            problems.append(.wrongType(file: file, line: line(node), path: path, expected: "a size such as '64MiB'"))
            return nil
        }
        if let value = Units.bytes(scalar.string) {
            if range.contains(value) { return value }
            invalid(node, path, scalar.string, reason)
            return nil
        }
        invalid(
            node, path, scalar.string,
            "a size is a whole number of bytes or a number with KiB, MiB, GiB, KB, MB or GB (for example '64MiB')")
        return nil
    }

    private func days(_ node: Node, path: String) -> Int? {
        guard case .scalar(let scalar) = node else {
            problems.append(
                .wrongType(file: file, line: line(node), path: path, expected: "a number of days such as '7d'"))
            return nil
        }
        if let value = Units.days(scalar.string) { return value }
        invalid(node, path, scalar.string, "partitions are whole UTC days, so write a number of days such as '7d'")
        return nil
    }

    private func choice<Value: RawRepresentable & CaseIterable>(
        _ node: Node, path: String, _ type: Value.Type
    ) -> Value? where Value.RawValue == String {
        guard let text = string(node, path: path) else { return nil }
        if let value = Value(rawValue: text) { return value }
        let options = Value.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let hint = Self.suggestion(for: text, in: Value.allCases.map(\.rawValue)).map { " (did you mean '\($0)'?)" }
        invalid(node, path, text, "it must be one of \(options)\(hint ?? "")")
        return nil
    }

    // MARK: Helpers

    private func invalid(_ node: Node, _ path: String, _ value: String, _ reason: String) {
        problems.append(.invalidValue(file: file, line: line(node), path: path, value: value, reason: reason))
    }

    private func line(_ node: Node) -> Int? { node.mark?.line }

    private func name(_ path: String) -> String { path.isEmpty ? "the top level" : path }

    private func scalarText(_ node: Node) -> String {
        if case .scalar(let scalar) = node { return scalar.string }
        return "(not text)"
    }

    /// YAML null (`key:`, `~`, `null`) but not the quoted string `""`.
    private func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// `path` made absolute against the pipeline file's directory, with `.` and `..` folded; glob characters
    /// are left alone.
    func resolve(_ path: String) -> String {
        ConfigPaths.absolute(path, base: base)
    }

    /// The syntax error Yams reported, with its line.
    func syntaxError(_ error: YamlError) -> PipelineConfigError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { "\(problem) \($0.text)" } ?? problem
            return .syntax(file: file, line: mark.line, problem: detail)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return .syntax(
                file: file, line: context.mark.line,
                problem: "key \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) appears twice in one mapping")
        default:
            return .syntax(file: file, line: nil, problem: "\(error)")
        }
    }

    /// The allowed key nearest to `key` when it is within two edits, else nil.
    static func suggestion(for key: String, in allowed: [String]) -> String? {
        let scored = allowed.map { ($0, editDistance(key, $0)) }.filter { $0.1 <= 2 }
        return scored.min { $0.1 < $1.1 }?.0
    }

    /// Levenshtein distance over characters.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            previous = current
        }
        return previous[b.count]
    }
}

/// Lexical path handling shared by the file and its overrides.
enum ConfigPaths {
    /// `path` made absolute against `base` (`~/` against the home directory), with `.` and `..` folded
    /// lexically so globs keep their wildcards.
    static func absolute(_ path: String, base: URL) -> String {
        var full: String
        if path.hasPrefix("/") {
            full = path
        } else if path == "~" || path.hasPrefix("~/") {
            full = NSHomeDirectory() + path.dropFirst()
        } else {
            // A relative pipeline URL (`pipelines/x.yaml`) has a relative `path`; anchor it at the working directory.
            let directory = base.absoluteURL.path
            let anchored =
                directory.hasPrefix("/") ? directory : FileManager.default.currentDirectoryPath + "/" + directory
            full = anchored + "/" + path
        }
        var parts: [Substring] = []
        for part in full.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": _ = parts.popLast()
            default: parts.append(part)
            }
        }
        full = "/" + parts.joined(separator: "/")
        return full
    }
}

/// S3 naming rules checked before any request is made.
enum S3Names {
    static let bucketRule =
        "a bucket name has 3 to 63 lowercase letters, digits, '.' or '-', and starts and ends with a letter or digit"
    static let endpointRule = "an endpoint is an http:// or https:// URL with a host, such as 'https://s3.example.com'"
    static let prefixRule = "a prefix cannot start with '/' or contain '.' or '..' segments"

    /// Whether `name` follows S3's bucket naming rules.
    static func isValidBucket(_ name: String) -> Bool {
        guard (3...63).contains(name.count), let first = name.first, let last = name.last else { return false }
        let allowed = name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "." || $0 == "-") }
        let edge: (Character) -> Bool = { $0.isASCII && ($0.isLowercase || $0.isNumber) }
        return allowed && edge(first) && edge(last)
    }

    /// Whether `text` is an http(s) URL with a host.
    static func isValidEndpoint(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host else {
            return false
        }
        return ["http", "https"].contains(scheme) && !host.isEmpty
    }

    /// `prefix` without a trailing slash, or nil if it could escape the bucket's key space.
    static func normalisedPrefix(_ prefix: String) -> String? {
        if prefix.hasPrefix("/") { return nil }
        let segments = prefix.split(separator: "/", omittingEmptySubsequences: false)
        let trimmed = prefix.hasSuffix("/") ? segments.dropLast() : segments[...]
        if trimmed.contains(where: { $0 == "." || $0 == ".." || ($0.isEmpty && !prefix.isEmpty) }) { return nil }
        return trimmed.joined(separator: "/")
    }
}
