import FileIO
import Foundation
import Ledger
import Segments

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The figures of one run that go into the metrics file.
package struct RunMetrics: Sendable, Equatable {
    /// Wall-clock duration of the run.
    package var durationSeconds: Double
    /// Input lines read this run.
    package var linesRead: Int
    /// Records written to segments this run.
    package var recordsArchived: Int
    /// Records dropped because their id was already archived or seen.
    package var duplicatesById: Int
    /// Records dropped by content dedup.
    package var duplicatesByContent: Int
    /// Lines quarantined this run.
    package var quarantined: Int
    /// Lines of rewritten logs read again this run, logs found rewritten, and logs that vanished unread.
    package var linesReread = 0
    package var inputsRewritten = 0
    package var inputsVanished = 0
    /// Bytes stored per tier after the run (the whole archive, not just this run).
    package var storedBytes: [Tier: Int]
    /// Segments per tier after the run.
    package var segments: [Tier: Int]
    /// Bytes uploaded to the object store this run.
    package var uploadedBytes: Int
    /// The attribution of the run's ledger entry; nil when the run wrote none.
    package var savings: Savings?
    /// The run's exit status (0 done, 1 failed, 2 config, 3 work left, 75 locked).
    package var exitCode: Int32
    /// When the run ended; becomes the last success time when `exitCode` is 0.
    package var finishedAt: Date

    /// Figures of a run; counts default to zero.
    package init(
        durationSeconds: Double, linesRead: Int = 0, recordsArchived: Int = 0, duplicatesById: Int = 0,
        duplicatesByContent: Int = 0, quarantined: Int = 0, storedBytes: [Tier: Int] = [:],
        segments: [Tier: Int] = [:], uploadedBytes: Int = 0, exitCode: Int32, finishedAt: Date
    ) {
        self.durationSeconds = durationSeconds
        self.linesRead = linesRead
        self.recordsArchived = recordsArchived
        self.duplicatesById = duplicatesById
        self.duplicatesByContent = duplicatesByContent
        self.quarantined = quarantined
        self.storedBytes = storedBytes
        self.segments = segments
        self.uploadedBytes = uploadedBytes
        self.exitCode = exitCode
        self.finishedAt = finishedAt
    }
}

/// Why the metrics file could not be written.
package enum MetricsFileError: Error, CustomStringConvertible, Equatable {
    /// A system call failed on the temporary or final file.
    case writeFailed(path: String, operation: String, errno: Int32)

    package var description: String {
        switch self {
        case .writeFailed(let path, let operation, let code):
            return "Cannot write the metrics file '\(path)': \(operation) failed with "
                + "\(FileIO.explain(code)); check that its directory exists and is writable."
        }
    }
}

/// A Prometheus textfile-collector file (node_exporter `--collector.textfile.directory`).
///
/// The `_total` series are counters across runs: each write adds this run's figures to those in the previous
/// file, so `increase()` gives per-run numbers and a deleted file reads as a counter reset. The rest are gauges
/// of the latest run. `msgarchive_last_success_timestamp_seconds` keeps the previous value when a run fails,
/// which is what an alert on "no success for 36 hours" needs.
package enum MetricsFile {
    /// Writes `metrics` to `url` atomically: a temporary file in the same directory (not ending `.prom`, so the
    /// collector never reads it half-written), fsync, rename, fsync of the directory.
    /// - Throws: `MetricsFileError` when the directory is missing or not writable.
    package static func write(_ metrics: RunMetrics, to url: URL) throws {
        let previous = read(url)
        try writeAtomically(render(metrics, previous: previous), to: url)
    }

    /// The file's text for `metrics`, continuing the counters and last success time found in `previous`.
    static func render(_ metrics: RunMetrics, previous: [String: Double]) -> String {
        var out = ""
        func family(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: Double)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for sample in samples { out += "\(name)\(sample.labels) \(format(sample.value))\n" }
        }
        func counter(_ name: String, _ value: Int, labels: String = "") -> (labels: String, value: Double) {
            (labels, (previous[name + labels] ?? 0) + Double(value))
        }
        /// A counter family of one unlabelled sample.
        func counter(_ name: String, _ help: String, _ value: Int) {
            family(name, "counter", help, [counter(name, value)])
        }
        let tiers = Tier.allCases
        family(
            "msgarchive_run_duration_seconds", "gauge", "Wall-clock duration of the latest run.",
            [("", metrics.durationSeconds)])
        counter("msgarchive_lines_read_total", "Input lines read.", metrics.linesRead)
        counter("msgarchive_records_archived_total", "Records written to segments.", metrics.recordsArchived)
        family(
            "msgarchive_duplicates_total", "counter", "Records dropped as duplicates, by how they were recognised.",
            [
                counter("msgarchive_duplicates_total", metrics.duplicatesById, labels: "{kind=\"id\"}"),
                counter("msgarchive_duplicates_total", metrics.duplicatesByContent, labels: "{kind=\"content\"}"),
            ])
        counter("msgarchive_quarantined_total", "Lines set aside as unreadable.", metrics.quarantined)
        counter(
            "msgarchive_lines_reread_total", "Lines of rewritten logs read again (not duplicates).", metrics.linesReread
        )
        counter(
            "msgarchive_inputs_rewritten_total", "Logs changed before the end of what was read, read again.",
            metrics.inputsRewritten)
        counter(
            "msgarchive_inputs_vanished_total",
            "Logs gone before a run saw them rotated; what was written after the last read is not archived.",
            metrics.inputsVanished)
        family(
            "msgarchive_stored_bytes", "gauge", "Bytes the archive stores per tier after the latest run.",
            tiers.map { ("{tier=\"\($0.rawValue)\"}", Double(metrics.storedBytes[$0] ?? 0)) })
        family(
            "msgarchive_segments", "gauge", "Segments per tier after the latest run.",
            tiers.map { ("{tier=\"\($0.rawValue)\"}", Double(metrics.segments[$0] ?? 0)) })
        counter("msgarchive_uploaded_bytes_total", "Bytes uploaded to the object store.", metrics.uploadedBytes)
        if let savings = metrics.savings { renderSavings(savings, family) }
        let lastSuccess =
            metrics.exitCode == 0
            ? metrics.finishedAt.timeIntervalSince1970 : previous["msgarchive_last_success_timestamp_seconds"]
        if let lastSuccess {
            family(
                "msgarchive_last_success_timestamp_seconds", "gauge", "Unix time the latest successful run ended.",
                [("", lastSuccess)])
        }
        family(
            "msgarchive_last_run_exit_code", "gauge", "Exit status of the latest run (0 done, 1 failed, 3 work left).",
            [("", Double(metrics.exitCode))])
        return out
    }

    /// The ledger entry's `savings` as gauges: bytes by figure, monthly costs by figure, the month's requests.
    private static func renderSavings(
        _ savings: Savings, _ family: (String, String, String, [(labels: String, value: Double)]) -> Void
    ) {
        let bytes: [(String, Int64)] = [
            ("raw_bytes_read", savings.rawBytesRead), ("duplicate_bytes", savings.duplicateBytes),
            ("reread_bytes", savings.rereadBytes), ("quarantined_bytes", savings.quarantinedBytes),
            ("archived_raw_bytes", savings.archivedRawBytes), ("overhead_bytes", savings.overheadBytes),
        ]
        family(
            "msgarchive_savings_bytes", "gauge",
            "Where the archive's bytes went after the latest run (the ledger's savings figures).",
            bytes.map { ("{figure=\"\($0.0)\"}", Double($0.1)) })
        let currency = savings.prices.currency
        let costs: [(String, Money)] = [
            ("cost_raw", savings.costRaw), ("cost_deduped", savings.costDeduped),
            ("cost_compressed", savings.costCompressed), ("cost_actual", savings.costActual),
        ]
        family(
            "msgarchive_cost_per_month", "gauge",
            "Monthly cost of the raw input, deduplicated, compressed, and as archived, after the latest run.",
            costs.map { ("{figure=\"\($0.0)\",currency=\"\(currency)\"}", $0.1.doubleValue) })
        let requests = savings.requestsMonth
        family(
            "msgarchive_requests_month", "gauge",
            "Object-store requests of the 30 days up to the latest run, retries included, by billing kind.",
            [
                ("{kind=\"put\"}", Double(requests.put)), ("{kind=\"get\"}", Double(requests.get)),
                ("{kind=\"delete\"}", Double(requests.delete)),
            ])
    }

    /// Samples of an existing metrics file keyed by name and labels (`msgarchive_segments{tier="hot"}`); empty when
    /// there is none or it cannot be read, which restarts the counters.
    static func read(_ url: URL) -> [String: Double] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [:] }
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                continue
            }
            samples[String(line[..<space])] = value
        }
        return samples
    }

    /// Integers without a fraction (so counters stay exact in the text), others in full.
    private static func format(_ value: Double) -> String {
        if value.rounded() == value, abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    private static func writeAtomically(_ text: String, to url: URL) throws {
        let directory = url.deletingLastPathComponent().path
        let temporary = "\(directory)/.\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        func fail(_ operation: String, _ path: String) -> MetricsFileError {
            .writeFailed(path: path, operation: operation, errno: errno)
        }
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw fail("open", temporary) }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { writeBytes(fd, UnsafeRawBufferPointer(rebasing: $0[offset...])) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else {
                let error = fail("write", temporary)
                close(fd)
                unlink(temporary)
                throw error
            }
            offset += written
        }
        guard fsync(fd) == 0 else {
            let error = fail("fsync", temporary)
            close(fd)
            unlink(temporary)
            throw error
        }
        close(fd)
        guard rename(temporary, url.path) == 0 else {
            let error = fail("rename", url.path)
            unlink(temporary)
            throw error
        }
        // The rename is durable only once the directory entry is on disk.
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            _ = fsync(directoryFD)
            close(directoryFD)
        }
    }
}

/// POSIX `write(2)`, named apart from `MetricsFile.write` which would otherwise shadow it.
private func writeBytes(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int {
    write(fd, bytes.baseAddress, bytes.count)
}
