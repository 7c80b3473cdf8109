import Codecs
import Foundation
import Ingest
import Ledger
import Yams

/// The `stores`, `retention` and `prices` sections.
extension ConfigReader {
    func decodeStores(_ node: Node) -> [String: StoreConfig] {
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

    func decodeStore(_ node: Node, path: String) -> StoreConfig? {
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

    func decodeS3(_ keys: [String: Node], node: Node, path: String) -> StoreConfig? {
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

    func decodeRetention(_ node: Node) -> RetentionConfig? {
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

    func decodePrices(_ node: Node) -> Prices {
        var prices = Prices()
        guard let map = mapping(node, path: "prices") else { return prices }
        let numbers: [(String, WritableKeyPath<Prices, Double>)] = [
            ("source", \.source), ("hot", \.hot), ("warm", \.warm), ("cold", \.cold),
            ("overhead", \.overhead), ("put_per_1000", \.putPer1000), ("get_per_1000", \.getPer1000),
            ("retrieval_per_gib", \.retrievalPerGiB),
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
        // The catalog, ledger and quarantine share the hot tier's disk unless priced apart.
        if keys["overhead"] == nil { prices.overhead = prices.hot }
        return prices
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
