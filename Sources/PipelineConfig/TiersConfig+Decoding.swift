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
        case blockSize = "block_size"
    }

    /// Keys of `tiers.warm`.
    enum WarmKeys: String, CodingKey, CaseIterable {
        case after, codec, level
        case blockSize = "block_size"
        case maxSegmentSize = "max_segment_size"
    }

    /// Keys of `tiers.cold`.
    enum ColdKeys: String, CodingKey, CaseIterable {
        case after, codec, level, store
        case blockSize = "block_size"
        case packTarget = "pack_target"
    }

    /// The tiers in `keys`, defaults where absent or unreadable; `tiers.cold.store` must name one of `stores`.
    init(reading keys: ConfigMapping<Keys>, stores: [String: StoreConfig]) {
        let reader = keys.reader
        self.init()
        keys.checkKeys()
        if let hot = keys.mapping(.hot, keyedBy: HotKeys.self) {
            hot.checkKeys()
            self.hot.compression = Self.compression(
                hot[.codec], hot[.level], hot[.blockSize], path: hot.path, defaults: self.hot.compression,
                reader: reader)
        }
        var warmAfter: Located?
        var coldAfter: Located?
        if let warm = keys.mapping(.warm, keyedBy: WarmKeys.self) {
            warm.checkKeys()
            warmAfter = warm[.after]
            if let value = warmAfter, let days = reader.days(value) { self.warm.afterDays = days }
            self.warm.compression = Self.compression(
                warm[.codec], warm[.level], warm[.blockSize], path: warm.path, defaults: self.warm.compression,
                reader: reader)
            if let value = warm[.maxSegmentSize], let bytes = reader.size(value) { self.warm.maxSegmentBytes = bytes }
        }
        if let cold = keys.mapping(.cold, keyedBy: ColdKeys.self) {
            cold.checkKeys()
            coldAfter = cold[.after]
            if let value = coldAfter, let days = reader.days(value) { self.cold.afterDays = days }
            self.cold.compression = Self.compression(
                cold[.codec], cold[.level], cold[.blockSize], path: cold.path, defaults: self.cold.compression,
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

    /// A tier's codec, level and block size; `level: max` is the codec's densest level, whatever the CPU (zstd 19,
    /// zlib 9, lz4 12).
    private static func compression(
        _ codecValue: Located?, _ levelValue: Located?, _ blockSizeValue: Located?, path: String,
        defaults: TierCompression, reader: ConfigReader
    ) -> TierCompression {
        var compression = defaults
        if let value = codecValue, let choice = reader.choice(value, Codec.self) { compression.codec = choice }
        let codec = compression.codec
        if let value = levelValue {
            if value.text == "max" {
                compression.level = codec.levels.upperBound
            } else if let number = reader.int(value) {
                compression.level = number
            }
        }
        if !codec.levels.contains(compression.level) {
            reader.problems.append(
                .invalidValue(
                    file: reader.file, line: (levelValue ?? codecValue)?.line, path: "\(path).level",
                    value: "\(compression.level)",
                    reason: "\(codec.rawValue) takes levels \(codec.levels.lowerBound) to \(codec.levels.upperBound)"))
        }
        if let value = blockSizeValue, let bytes = reader.blockSize(value) { compression.blockSize = bytes }
        return compression
    }
}
