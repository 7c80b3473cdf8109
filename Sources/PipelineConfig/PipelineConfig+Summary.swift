import Foundation

extension PipelineConfig {
    /// What `msgarchive validate FILE` prints: sources, dedup, tiers, stores, retention, prices and warnings.
    package func summary() -> String {
        var lines: [String] = []
        lines.append("Pipeline \(file.map { "'\($0.path)'" } ?? "(built in)") is valid.")
        lines.append("Archive: \(archive.path)")
        lines.append("Sources:")
        for source in sources {
            lines.append("  - \(source.paths.joined(separator: ", ")) (format \(source.format.rawValue))")
            let fields = source.fields
            lines.append(
                "    fields: id=\(fields.id) conversation=\(fields.conversation) sender=\(fields.sender) "
                    + "timestamp=\(fields.timestamp) body=\(fields.body); timestamps \(source.timestampFormat.rawValue)"
            )
            lines.append(
                "    lines up to \(Units.formatBytes(source.maxLineBytes)); "
                    + "after ingest: \(source.afterIngest.rawValue)")
        }
        var dedupLine = "Dedup: by \(dedup.mode.rawValue)"
        if dedup.mode == .content { dedupLine += ", window \(Units.formatDuration(microseconds: dedup.window))" }
        lines.append(dedupLine + ", exact ids for \(dedup.horizonDays)d")
        lines.append("Ingest memory: \(Units.formatBytes(ingestMemory)) of records buffered while reading")
        lines.append("Tiers:")
        lines.append("  hot   0d to \(tiers.warm.afterDays)d: \(describe(tiers.hot.compression))")
        lines.append(
            "  warm  \(tiers.warm.afterDays)d to \(tiers.cold.afterDays)d: \(describe(tiers.warm.compression)), "
                + "segments up to \(Units.formatBytes(tiers.warm.maxSegmentBytes))")
        lines.append(
            "  cold  from \(tiers.cold.afterDays)d: \(describe(tiers.cold.compression)), "
                + "objects of about \(Units.formatBytes(tiers.cold.packTargetBytes)) in "
                + (tiers.cold.store.map { "store '\($0)'" } ?? coldStore.displayName))
        lines.append("Stores:" + (stores.isEmpty ? " none" : ""))
        for name in stores.keys.sorted() {
            lines.append("  \(name): \(stores[name]?.displayName ?? "")")
        }
        lines.append(
            "Retention: "
                + (retention.map { "partitions are deleted after \($0.deleteAfterDays)d" } ?? "keep forever"))
        lines.append(
            "Prices (\(prices.currency) per GiB-month): source \(prices.source), hot \(prices.hot), "
                + "warm \(prices.warm), cold \(prices.cold); per 1,000 requests: PUT \(prices.putPer1000), "
                + "GET \(prices.getPer1000)")
        for warning in warnings { lines.append("Warning: \(warning)") }
        return lines.joined(separator: "\n")
    }

    /// A tier's codec, level and block size, as `validate` prints them.
    private func describe(_ compression: TierCompression) -> String {
        "\(compression.codec.rawValue) level \(compression.level), \(Units.formatBytes(blockSize(of: compression))) blocks"
    }
}

extension StoreConfig {
    /// One line describing the store, without credentials (it never has any).
    package var displayName: String {
        switch self {
        case .directory(let path):
            return "directory \(path.path)"
        case .s3(let s3):
            var parts = ["s3://\(s3.bucket)/\(s3.prefix)", "region \(s3.region)", "\(s3.addressing.rawValue)-style"]
            if let endpoint = s3.endpoint { parts.insert("at \(endpoint)", at: 1) }
            if let storageClass = s3.storageClass { parts.append("class \(storageClass)") }
            if let sse = s3.sse { parts.append("SSE \(sse)") }
            parts.append(
                "multipart from \(Units.formatBytes(s3.multipartThresholdBytes)) in "
                    + "\(Units.formatBytes(s3.partSizeBytes)) parts")
            return parts.joined(separator: ", ")
        }
    }
}
