import ArchiveAccess
import ArgumentParser
import Foundation
import PipelineConfig

/// `--pipeline` and the flags that override the pipeline file (flag > environment > file > default).
struct PipelineOptions: ParsableArguments {
    @Option(help: "Pipeline file (YAML).")
    var pipeline: String

    @Option(help: "Archive root, overriding the pipeline's 'archive' (or MSGARCHIVE_ARCHIVE).")
    var archive: String?

    @Option(name: .customLong("source"), help: "A source glob; repeat it; replaces the pipeline's sources.")
    var sources: [String] = []

    @Option(help: "Cold store, overriding the pipeline's: file:///path or s3://bucket/prefix.")
    var coldStore: String?

    /// The pipeline file with the overrides applied.
    /// - Throws: `ExitCode(2)` after printing the configuration error.
    func load() throws -> PipelineConfig {
        do {
            var overrides = ConfigOverrides()
            overrides.archive = archive.map { URL(fileURLWithPath: $0, isDirectory: true) }
            overrides.sources = sources
            overrides.coldStore = coldStore
            return try PipelineConfig.load(from: URL(fileURLWithPath: pipeline))
                .applying(overrides, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw fail(error, code: 2)
        }
    }
}

/// Reads `--now`, `--from` and `--to` values.
func parseTime(_ text: String, flag: String) throws -> Date {
    do {
        return try Timestamps.parse(text)
    } catch {
        throw ValidationError("\(flag): \(error)")
    }
}
