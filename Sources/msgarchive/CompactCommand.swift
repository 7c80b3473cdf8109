import ArgumentParser
import Codecs
import Foundation
import Ingest
import Intake
import PipelineConfig

struct CompactCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compact",
        abstract: "One-off compaction: turn log files into deduplicated segments under a directory.",
        discussion: """
            Reads .jsonl, .jsonl.gz, .jsonl.lz4 and .jsonl.zst logs (files or quoted globs, '**' included), drops \
            duplicates, and writes one or more segments per UTC day to OUT/YYYY-MM-DD/, with bad lines in \
            OUT/quarantine.jsonl. Read them back with 'msgarchive export OUT'.
            With --format slack, discord or mattermost the inputs are chat exports (a Slack .zip or its folder); \
            each message is archived as {"context":{...},"message":...} (docs/segment-format.md), and files, \
            entries or messages that cannot be read are quarantined naming the export and the entry.
            """)

    @Argument(help: "Log files or globs.")
    var inputs: [String]

    @Option(name: .long, help: "Directory to write the segments to (new or empty).")
    var out: String

    @Option(help: "Segment codec: lz4, zlib or zstd.")
    var codec: Codec = .zlib

    @Option(help: "Compression level (lz4 1-12, zlib 1-9, zstd 1-19; default lz4 1, zlib 9, zstd 3).")
    var level: Int?

    @Option(help: "Duplicate handling: id, content (also drops echoes of the same body), or none.")
    var dedup: DedupMode = .id

    @Option(help: "Content-dedup window in seconds.")
    var window: Double = 2

    @Option(help: "Raw bytes per compressed block.")
    var blockSize: Int = 1 << 20

    @Option(help: "Lines longer than this many bytes are quarantined (default 1 MiB).")
    var maxLineBytes: Int?

    @Option(help: "A ZIP entry of an export inflating past this many bytes is quarantined unread (default 256 MiB).")
    var maxEntryBytes: Int64?

    @Option(help: "Read fields, timestamp format and line limit from this pipeline file's first source (flags win).")
    var pipeline: String?

    @OptionGroup var source: SourceOptions

    @Flag(help: "Print the summary as one JSON object on stdout.")
    var json = false

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if let level, !codec.levels.contains(level) {
            throw ValidationError(
                "--level \(level) is out of range for \(codec): use \(codec.levels.lowerBound)-\(codec.levels.upperBound)."
            )
        }
        if blockSize < 1024 { throw ValidationError("--block-size must be at least 1024 bytes.") }
        if window < 0 { throw ValidationError("--window cannot be negative.") }
        if let maxEntryBytes, maxEntryBytes < 1 { throw ValidationError("--max-entry-bytes must be positive.") }
    }

    /// The source settings: the pipeline's first source if named, then the flags.
    private func resolvedSource() throws -> SourceConfig {
        var base = SourceConfig(paths: inputs)
        if let pipeline {
            guard let first = try PipelineConfig.load(from: URL(fileURLWithPath: pipeline)).sources.first else {
                throw ValidationError("The pipeline file '\(pipeline)' has no source.")
            }
            base = first
        }
        var resolved = try source.applied(to: base)
        if let maxLineBytes { resolved.maxLineBytes = maxLineBytes }
        return resolved
    }

    func run() async throws {
        let logger = logging.bootstrap(label: "msgarchive.compact")
        var options = Compactor.Options(inputs: inputs, output: URL(fileURLWithPath: out, isDirectory: true))
        options.codec = codec
        options.level = level ?? codec.defaultLevel
        options.dedup = dedup
        options.window = Int64(window * 1_000_000)
        options.blockSize = blockSize
        let summary: Compactor.Summary
        do {
            let source = try resolvedSource()
            options.fields = source.fields
            options.timestampFormat = source.timestampFormat
            options.format = source.format
            if let maxEntryBytes { options.maxEntryBytes = maxEntryBytes }
            options.maxLineBytes = source.maxLineBytes
            summary = try await Compactor.run(options, logger: logger)
        } catch {
            throw fail(error)
        }
        if json {
            try printJSON(summary)
        } else {
            printSummary(summary)
        }
        // Every line of a log lacks the same field: the source is misdescribed, a configuration error.
        if summary.hints.contains(where: \.total) { throw ExitCode(2) }
    }

    private func printSummary(_ summary: Compactor.Summary) {
        let c = summary.counts
        print(
            """
            lines read         \(c.linesRead)
            records archived   \(c.recordsArchived)
            duplicates         \(c.duplicatesById + c.duplicatesByContent) (id \(c.duplicatesById), content \(c.duplicatesByContent))
            quarantined        \(c.quarantined)\(summary.quarantineFile.map { " -> \($0)" } ?? "")
            raw bytes          \(humanBytes(c.rawBytes))
            stored bytes       \(humanBytes(summary.storedBytes)) in \(summary.segments) segments, \(summary.partitions) partitions
            ratio              \(String(format: "%.2f", summary.ratio))x
            seconds            \(String(format: "%.2f", summary.seconds))
            """)
        if summary.skipped > 0 {
            print("skipped            \(summary.skipped) (export lines or files without messages)")
        }
        for hint in summary.hints { print("field hint         \(hint.message)") }
    }
}

extension Codec: ExpressibleByArgument {}
extension DedupMode: ExpressibleByArgument {}
