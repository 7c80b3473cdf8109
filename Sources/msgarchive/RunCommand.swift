import ArchiveAccess
import ArgumentParser
import Foundation
import Ledger
import Logging
import PipelineConfig
import Run
import Segments

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "The cron job: ingest new logs, move partitions between tiers, push cold ones, write the ledger.",
        discussion: """
            Safe to run again (a second run on the same inputs changes nothing and says 'nothing new'), to kill \
            (the next run finishes or rolls back what was interrupted), and to start twice (the second exits 75).
            Exit codes: 0 done, 1 failed, 2 configuration error, 3 work left for the next run, 75 locked.
            """)

    @OptionGroup var pipeline: PipelineOptions

    @Option(help: "The time tiers and retention are judged against (RFC 3339 or YYYY-MM-DD; default: now).")
    var now: String?

    @Flag(help: "Print the plan and change nothing.")
    var dryRun = false

    @Flag(help: "Print the run summary as one JSON object on stdout.")
    var json = false

    @Option(help: "Write Prometheus metrics to this file (textfile collector format), atomically.")
    var metricsFile: String?

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = logging.bootstrap(label: "msgarchive.run")
        let config = try pipeline.load()
        if let source = config.sources.first(where: \.format.isContainer) {
            // A run tracks logs by offset and fingerprint; exports are read whole, by 'compact'.
            throw fail(
                ValidationError(
                    "Source format '\(source.format.rawValue)' is an export, which 'run' does not read yet; archive it "
                        + "with 'msgarchive compact --pipeline FILE --out DIR' instead."), code: 2)
        }
        for warning in config.warnings { logger.warning("\(warning)") }
        let now = try now.map { try parseTime($0, flag: "--now") } ?? Date()
        let environment = ProcessInfo.processInfo.environment
        if dryRun {
            let plan: DryRunPlan
            do {
                let archive = try Archive(config: config, readOnly: true, environment: environment, logger: logger)
                plan = try ArchiveRun(archive: archive, now: now, logger: logger).dryRun()
            } catch {
                throw fail(error)
            }
            try printPlan(plan)
            return
        }
        let started = Date()
        let summary: RunSummary
        do {
            summary = try await RunDriver.run(
                config: config, now: now, environment: environment, logger: logger,
                progress: ProgressLine(enabled: logging.logFormat == .text))
        } catch let error as RunLockError {
            writeMetrics(nil, exitCode: 75, started: started, logger: logger)
            throw fail(error, code: 75)
        } catch {
            writeMetrics(nil, exitCode: 1, started: started, logger: logger)
            throw fail(error)
        }
        writeMetrics(summary, exitCode: summary.exitCode, started: started, logger: logger)
        if json {
            try printJSON(summary)
        } else {
            printSummary(summary)
        }
        if summary.exitCode != 0 { throw ExitCode(summary.exitCode) }
    }

    /// Writes the Prometheus textfile when `--metrics-file` asks; a failure to write it is logged, not fatal.
    private func writeMetrics(_ summary: RunSummary?, exitCode: Int32, started: Date, logger: Logger) {
        guard let metricsFile else { return }
        var metrics = RunMetrics(
            durationSeconds: Date().timeIntervalSince(started), exitCode: exitCode, finishedAt: Date())
        if let summary {
            let c = summary.counts
            metrics.linesRead = c.linesRead
            metrics.recordsArchived = c.recordsArchived
            metrics.duplicatesById = c.duplicatesById
            metrics.duplicatesByContent = c.duplicatesByContent
            metrics.quarantined = c.quarantined
            metrics.linesReread = c.linesReread
            metrics.inputsRewritten = summary.inputs.rewritten.count
            metrics.inputsVanished = summary.inputs.vanished.count
            metrics.uploadedBytes = Int(summary.uploadedBytes)
            metrics.savings = summary.savings
            for tier in Tier.allCases {
                metrics.storedBytes[tier] = Int(summary.tiers[LedgerTier(tier)].storedBytes)
                metrics.segments[tier] = summary.tiers[LedgerTier(tier)].segments
            }
        }
        do {
            try MetricsFile.write(metrics, to: URL(fileURLWithPath: metricsFile))
        } catch {
            logger.error("could not write the metrics file", metadata: ["error": "\(error)"])
        }
    }

    private func printPlan(_ plan: DryRunPlan) throws {
        if json { return try printJSON(plan) }
        print("Dry run: nothing is changed.")
        for input in plan.inputs {
            print(
                "  input  \(input.state.padding(toLength: 9, withPad: " ", startingAt: 0)) \(humanBytes(input.bytesToRead).padding(toLength: 10, withPad: " ", startingAt: 0)) \(input.path)"
            )
        }
        for move in plan.moves {
            print("  \(move.partition)  \(move.action): \(move.segments) segments, \(humanBytes(move.bytes))")
        }
        print("Would read \(humanBytes(plan.bytesToRead)) of logs and upload about \(humanBytes(plan.bytesToUpload)).")
    }

    private func printSummary(_ s: RunSummary) {
        let c = s.counts
        if s.status == .nothingNew {
            print("nothing new: \(s.inputs.unchanged) inputs unchanged, no tier moves")
        }
        print(
            """
            inputs             \(inputsLine(s.inputs))
            lines read         \(c.linesRead)\(c.linesReread == 0 ? "" : " (\(c.linesReread) re-read from rewritten logs)")
            records archived   \(c.recordsArchived)
            duplicates         \(c.duplicatesById + c.duplicatesByContent) (id \(c.duplicatesById), content \(c.duplicatesByContent))
            quarantined        \(c.quarantined)\(s.quarantineFile.map { " -> \($0)" } ?? "")
            segments written   \(s.segmentsWritten), partitions merged \(s.compactions)
            uploaded           \(humanBytes(s.uploadedBytes)) in \(s.uploadedObjects) object\(s.uploadedObjects == 1 ? "" : "s"), freed \(humanBytes(s.freedBytes))
            """)
        for tier in LedgerTier.allCases {
            let t = s.tiers[tier]
            print(
                "\(tier.rawValue.padding(toLength: 19, withPad: " ", startingAt: 0))\(t.segments) segments, \(humanBytes(t.rawBytes)) raw, \(humanBytes(t.storedBytes)) stored"
            )
        }
        for hint in s.hints {
            print("field hint         \(hint.message)\(hint.total ? " (exit 2)" : "")")
        }
        for log in s.inputs.vanished {
            print(
                "vanished log       \(log.path), read to line \(log.linesRead): anything written to it after that was not archived"
            )
        }
        if !s.pendingUploads.isEmpty {
            print("left for the next run: \(s.pendingUploads.count) segments not uploaded (exit 3)")
        }
        if !s.pendingDeletions.isEmpty {
            print(
                "left for the next run: \(s.pendingDeletions.count) objects or files past retention not deleted (exit 3)"
            )
        }
        if !s.ledgerMirrored {
            print("left for the next run: the ledger's copy in the cold store (exit 3)")
        }
    }

    /// `3 new, 1 grown, 2 unchanged`, then the rarer kinds when there are any.
    private func inputsLine(_ inputs: RunSummary.Inputs) -> String {
        var parts = ["\(inputs.new) new", "\(inputs.grown) grown", "\(inputs.unchanged) unchanged"]
        if inputs.copies > 0 { parts.append("\(inputs.copies) copies of another") }
        if !inputs.rewritten.isEmpty { parts.append("\(inputs.rewritten.count) rewritten (read again)") }
        if !inputs.waiting.isEmpty { parts.append("\(inputs.waiting.count) waiting for a first line") }
        if !inputs.unreadable.isEmpty { parts.append("\(inputs.unreadable.count) unreadable now") }
        if !inputs.vanished.isEmpty { parts.append("\(inputs.vanished.count) vanished") }
        return parts.joined(separator: ", ")
    }
}
