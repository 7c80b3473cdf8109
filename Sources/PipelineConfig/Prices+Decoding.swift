import Ledger

/// The `retention` and `prices` sections.
extension RetentionConfig {
    /// Keys of `retention`.
    enum Keys: String, CodingKey, CaseIterable {
        case deleteAfter = "delete_after"
    }

    /// The retention in `keys`, or nil without a readable `delete_after` of at least a day.
    init?(reading keys: ConfigMapping<Keys>) {
        let reader = keys.reader
        keys.checkKeys()
        guard let value = keys[.deleteAfter] else {
            keys.missing(.deleteAfter)
            return nil
        }
        guard let days = reader.days(value) else { return nil }
        if days < 1 {
            reader.invalid(value, value.text ?? "", "it must be at least '1d'")
            return nil
        }
        self.init(deleteAfterDays: days)
    }
}

extension Prices {
    /// Keys of `prices`.
    enum Keys: String, CodingKey, CaseIterable {
        case currency, source, hot, warm, cold, overhead
        case putPer1000 = "put_per_1000"
        case getPer1000 = "get_per_1000"
        case retrievalPerGiB = "retrieval_per_gib"

        /// The price this key sets; nil for `currency`.
        var price: WritableKeyPath<Prices, Double>? {
            switch self {
            case .currency: nil
            case .source: \.source
            case .hot: \.hot
            case .warm: \.warm
            case .cold: \.cold
            case .overhead: \.overhead
            case .putPer1000: \.putPer1000
            case .getPer1000: \.getPer1000
            case .retrievalPerGiB: \.retrievalPerGiB
            }
        }
    }

    /// The prices in `keys`, zero where absent or unreadable; `overhead` defaults to the `hot` price.
    init(reading keys: ConfigMapping<Keys>) {
        let reader = keys.reader
        self.init()
        keys.checkKeys()
        if let value = keys[.currency], let text = reader.string(value) {
            if text.count == 3, text.allSatisfy({ $0.isASCII && $0.isUppercase }) {
                currency = text
            } else {
                reader.invalid(value, text, "a currency is a three-letter ISO 4217 code such as 'USD'")
            }
        }
        for key in Keys.allCases {
            guard let price = key.price, let value = keys[key], let number = reader.number(value) else { continue }
            if number >= 0 {
                self[keyPath: price] = number
            } else {
                reader.invalid(value, value.text ?? "", "a price cannot be negative")
            }
        }
        // The catalog, ledger and quarantine share the hot tier's disk unless priced apart.
        if keys[.overhead] == nil { overhead = hot }
    }
}
