import Codecs

/// The `tiers` section.
extension TiersConfig {
    /// Keys of `tiers`.
    enum Keys: String, CodingKey, CaseIterable {
        case hot, warm, cold
    }

    /// Keys of `tiers.hot`.
    enum HotKeys: String, CodingKey, CaseIterable {
        case codec, level
    }

    /// Keys of `tiers.warm`.
    enum WarmKeys: String, CodingKey, CaseIterable {
        case after, codec, level
        case maxSegmentSize = "max_segment_size"
    }

    /// Keys of `tiers.cold`.
    enum ColdKeys: String, CodingKey, CaseIterable {
        case after, codec, level, store
        case packTarget = "pack_target"
    }

    /// The tiers in `keys`, defaults where absent or unreadable; `tiers.cold.store` must name one of `stores`.
    init(reading keys: ConfigMapping<Keys>, stores: [String: StoreConfig]) {
        let reader = keys.reader
        self.init()
        keys.checkKeys()
        if let hot = keys.mapping(.hot, keyedBy: HotKeys.self) {
            hot.checkKeys()
            (self.hot.codec, self.hot.level) = Self.codecAndLevel(
                hot[.codec], hot[.level], path: hot.path, defaults: (self.hot.codec, self.hot.level), reader: reader)
        }
        var warmAfter: Located?
        var coldAfter: Located?
        if let warm = keys.mapping(.warm, keyedBy: WarmKeys.self) {
            warm.checkKeys()
            warmAfter = warm[.after]
            if let value = warmAfter, let days = reader.days(value) { self.warm.afterDays = days }
            (self.warm.codec, self.warm.level) = Self.codecAndLevel(
                warm[.codec], warm[.level], path: warm.path, defaults: (self.warm.codec, self.warm.level),
                reader: reader)
            if let value = warm[.maxSegmentSize], let bytes = reader.size(value) { self.warm.maxSegmentBytes = bytes }
        }
        if let cold = keys.mapping(.cold, keyedBy: ColdKeys.self) {
            cold.checkKeys()
            coldAfter = cold[.after]
            if let value = coldAfter, let days = reader.days(value) { self.cold.afterDays = days }
            (self.cold.codec, self.cold.level) = Self.codecAndLevel(
                cold[.codec], cold[.level], path: cold.path, defaults: (self.cold.codec, self.cold.level),
                reader: reader)
            if let value = cold[.store], let name = reader.string(value) {
                self.cold.store = name
                if stores[name] == nil {
                    reader.problems.append(
                        .unknownStore(
                            file: reader.file, line: value.line, path: value.path, name: name,
                            known: stores.keys.sorted()))
                }
            }
            if let value = cold[.packTarget],
                let bytes = reader.size(value, in: 1...Int.max, "it must be more than 0 bytes")
            {
                self.cold.packTargetBytes = bytes
            }
        }
        if warm.afterDays >= cold.afterDays {
            reader.problems.append(
                .invalidValue(
                    file: reader.file, line: coldAfter?.line ?? warmAfter?.line ?? keys.line,
                    path: "tiers.cold.after", value: "\(cold.afterDays)d",
                    reason: "it must be later than tiers.warm.after (\(warm.afterDays)d)"))
        }
    }

    /// A tier's codec and level; `level: max` is the codec's densest level, whatever the CPU (zstd 19, zlib 9,
    /// lz4 12).
    private static func codecAndLevel(
        _ codecValue: Located?, _ levelValue: Located?, path: String, defaults: (Codec, Int), reader: ConfigReader
    ) -> (Codec, Int) {
        var (codec, level) = defaults
        if let value = codecValue, let choice = reader.choice(value, Codec.self) { codec = choice }
        if let value = levelValue {
            if value.text == "max" {
                level = codec.levels.upperBound
            } else if let number = reader.int(value) {
                level = number
            }
        }
        if !codec.levels.contains(level) {
            reader.problems.append(
                .invalidValue(
                    file: reader.file, line: (levelValue ?? codecValue)?.line, path: "\(path).level", value: "\(level)",
                    reason: "\(codec.rawValue) takes levels \(codec.levels.lowerBound) to \(codec.levels.upperBound)"))
        }
        return (codec, level)
    }
}
