import Yams

/// The file as Yams' decoder hands it over: the reader rides in the decoder's `userInfo`.
struct PipelineFile: Decodable {
    /// The configuration; nil when a part of it could not be read.
    let config: PipelineConfig?

    init(from decoder: any Decoder) {
        config = (decoder.userInfo[ConfigReader.userInfoKey] as? ConfigReader)
            .flatMap { ConfigMapping<PipelineConfig.Keys>(decoder, reader: $0) }
            .flatMap(PipelineConfig.init(reading:))
    }
}

/// A value of a pipeline file with its place: line, key path, and text when it is a scalar.
struct Located: Decodable {
    /// The line the value starts on.
    let line: Int?
    /// The key path in messages: `sources[0].paths[1]`.
    let path: String
    /// The scalar's text; nil for a list or mapping.
    let text: String?

    init(from decoder: any Decoder) {
        line = decoder.mark?.line
        path = Self.path(decoder.codingPath)
        text = try? decoder.singleValueContainer().decode(String.self)
    }

    /// `codingPath` as messages write it: keys joined by `.`, list positions in brackets.
    static func path(_ codingPath: [any CodingKey]) -> String {
        codingPath.reduce("") { path, key in
            if let index = key.intValue { return "\(path)[\(index)]" }
            return path.isEmpty ? key.stringValue : "\(path).\(key.stringValue)"
        }
    }
}

/// A key of a mapping whose keys are names, such as `stores`.
struct NameKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// One mapping of a pipeline file: its values by key, each with its place.
struct ConfigMapping<Key: CodingKey> {
    /// Where problems go.
    let reader: ConfigReader
    /// The line the mapping starts on, for keys it lacks.
    let line: Int?
    /// The mapping's key path; empty at the top level.
    let path: String
    /// The keys as written, in file order, each with its line; merge keys (`<<`) are not expanded.
    let keyNodes: [Node]
    /// The text of each key in ``keyNodes``: Yams' decoder also sees keys a merge brings in, and those are refused.
    private let written: Set<String>
    private let container: KeyedDecodingContainer<Key>

    /// The mapping `decoder` holds, or nil after recording that it holds something else.
    init?(_ decoder: any Decoder, reader: ConfigReader) {
        self.reader = reader
        line = decoder.mark?.line
        path = Located.path(decoder.codingPath)
        guard let container = try? decoder.container(keyedBy: Key.self) else {
            reader.problems.append(
                .wrongType(
                    file: reader.file, line: line, path: path.isEmpty ? "the top level" : path,
                    expected: "a mapping of keys"))
            return nil
        }
        self.container = container
        keyNodes = reader.keyNodes(of: decoder.codingPath)
        written = Set(keyNodes.compactMap { if case .scalar(let scalar) = $0 { scalar.string } else { nil } })
    }

    /// The strict-keys pass: records every key outside `allowed`, and every credential.
    func checkKeys(_ allowed: [Key]) {
        reader.checkKeys(keyNodes, path: path, allowed: allowed.map(\.stringValue))
    }

    /// The value under `key`; nil when it is absent or null (`key:`, `~`, `null`), which leaves the default.
    subscript(key: Key) -> Located? {
        guard written.contains(key.stringValue) else { return nil }
        return (try? container.decodeIfPresent(Located.self, forKey: key)) ?? nil
    }

    /// The value under `key` when the key is there, even with a null value.
    func present(_ key: Key) -> Located? {
        guard written.contains(key.stringValue) else { return nil }
        return try? container.decode(Located.self, forKey: key)
    }

    /// The mapping under `key`; nil when absent or null, or after recording that it is no mapping.
    func mapping<Nested: CodingKey>(_ key: Key, keyedBy type: Nested.Type) -> ConfigMapping<Nested>? {
        guard self[key] != nil else { return nil }
        return entry(key, keyedBy: type)
    }

    /// The mapping under `key` even when it is null; nil when absent, or after recording that it is no mapping.
    func entry<Nested: CodingKey>(_ key: Key, keyedBy type: Nested.Type) -> ConfigMapping<Nested>? {
        guard written.contains(key.stringValue), let decoder = try? container.superDecoder(forKey: key) else {
            return nil
        }
        return ConfigMapping<Nested>(decoder, reader: reader)
    }

    /// A decoder for each item of the list under `key`, or nil when it holds no list.
    func items(_ key: Key) -> [any Decoder]? {
        guard written.contains(key.stringValue), var list = try? container.nestedUnkeyedContainer(forKey: key) else {
            return nil
        }
        var items: [any Decoder] = []
        while !list.isAtEnd, let item = try? list.superDecoder() { items.append(item) }
        return items
    }

    /// Records that `key` is required and absent.
    func missing(_ key: Key) {
        reader.problems.append(.missingKey(file: reader.file, line: line, path: self.path(key)))
    }

    /// `key`'s full path.
    func path(_ key: Key) -> String {
        path.isEmpty ? key.stringValue : "\(path).\(key.stringValue)"
    }
}

extension ConfigMapping where Key: CaseIterable {
    /// The strict-keys pass over the keys this section reads.
    func checkKeys() { checkKeys(Array(Key.allCases)) }
}
