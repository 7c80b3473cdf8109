import Foundation

/// The `stores` section.
extension StoreConfig {
    /// Keys of one store: `type`, `path` for a directory, the rest for ``S3StoreConfig``.
    enum Keys: String, CodingKey, CaseIterable {
        case type, path, endpoint, bucket, prefix, region, addressing
        case storageClass = "storage_class"
        case sse
        case kmsKeyId = "kms_key_id"
        case multipartThreshold = "multipart_threshold"
        case partSize = "part_size"
    }

    /// The readable stores in `stores`, by name.
    static func stores(in stores: ConfigMapping<NameKey>) -> [String: StoreConfig] {
        let reader = stores.reader
        var found: [String: StoreConfig] = [:]
        for keyNode in stores.keyNodes {
            guard let name = reader.name(of: keyNode, in: stores.path) else { continue }
            let path = stores.path(NameKey(stringValue: name))
            if ConfigReader.secretKeys.contains(name.lowercased()) {
                reader.problems.append(.secretInFile(file: reader.file, line: keyNode.mark?.line, path: path))
                continue
            }
            if name.isEmpty || !name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_".contains($0)) }) {
                reader.problems.append(
                    .invalidValue(
                        file: reader.file, line: keyNode.mark?.line, path: path, value: name,
                        reason: "store names use only letters, digits, '-' and '_'"))
                continue
            }
            if let keys = stores.entry(NameKey(stringValue: name), keyedBy: Keys.self),
                let store = StoreConfig(reading: keys)
            {
                found[name] = store
            }
        }
        return found
    }

    /// The store in `keys`, or nil when its type or a required key is missing or wrong.
    init?(reading keys: ConfigMapping<Keys>) {
        let reader = keys.reader
        let typeValue = keys.present(.type)
        switch typeValue.flatMap(reader.string) {
        case "directory":
            keys.checkKeys([.type, .path])
            guard let value = keys[.path] else {
                keys.missing(.path)
                return nil
            }
            guard let path = reader.string(value) else { return nil }
            self = .directory(path: URL(fileURLWithPath: reader.resolve(path), isDirectory: true))
        case "s3":
            keys.checkKeys(Keys.allCases.filter { $0 != .path })
            guard let s3 = S3StoreConfig(reading: keys) else { return nil }
            self = .s3(s3)
        case nil:
            keys.checkKeys()
            if typeValue == nil { keys.missing(.type) }
            return nil
        case let other?:
            keys.checkKeys()
            if let typeValue { reader.invalid(typeValue, other, "a store's type is 'directory' or 's3'") }
            return nil
        }
    }
}

extension S3StoreConfig {
    /// The bucket in `keys`, or nil without a readable `bucket`.
    init?(reading keys: ConfigMapping<StoreConfig.Keys>) {
        let reader = keys.reader
        guard let bucketValue = keys[.bucket] else {
            keys.missing(.bucket)
            return nil
        }
        guard let bucket = reader.string(bucketValue) else { return nil }
        if !S3Names.isValidBucket(bucket) { reader.invalid(bucketValue, bucket, S3Names.bucketRule) }
        self.init(bucket: bucket)
        if let value = keys[.endpoint], let text = reader.string(value) {
            if S3Names.isValidEndpoint(text) {
                endpoint = text
            } else {
                reader.invalid(value, text, S3Names.endpointRule)
            }
        }
        if let value = keys[.prefix], let text = reader.string(value) {
            if let prefix = S3Names.normalisedPrefix(text) {
                self.prefix = prefix
            } else {
                reader.invalid(value, text, S3Names.prefixRule)
            }
        }
        if let value = keys[.region], let text = reader.string(value) { region = text }
        if let value = keys[.addressing], let choice = reader.choice(value, Addressing.self) { addressing = choice }
        if let value = keys[.storageClass], let text = reader.string(value) { storageClass = text }
        if let value = keys[.sse], let text = reader.string(value) {
            if ["AES256", "aws:kms"].contains(text) {
                sse = text
            } else {
                reader.invalid(value, text, "server-side encryption is 'AES256' or 'aws:kms'")
            }
        }
        if let value = keys[.kmsKeyId], let text = reader.string(value) {
            kmsKeyId = text
            if sse != "aws:kms" { reader.invalid(value, text, "it needs 'sse: aws:kms'") }
        }
        let partRange = (5 << 20)...(5 << 30)
        if let value = keys[.partSize], let bytes = reader.size(value, in: partRange, "S3 parts must be 5 MiB to 5 GiB")
        {
            partSizeBytes = bytes
        }
        if let value = keys[.multipartThreshold],
            let bytes = reader.size(
                value, in: partRange, "it must be 5 MiB to 5 GiB (the largest single PUT S3 accepts)")
        {
            multipartThresholdBytes = bytes
        }
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
