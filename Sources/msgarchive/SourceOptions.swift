import ArgumentParser
import Ingest
import PipelineConfig

/// How the lines of a log are read, as a pipeline source says it (`compact` and `export` of a directory).
struct SourceOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "What the inputs are: jsonl (our field names), matrix (Synapse export-data), rocketchat (mongoexport), or the exports slack (.zip or folder), discord (DiscordChatExporter JSON), mattermost (mmctl bulk JSONL)."
        ))
    var format: SourceFormat?

    @Option(
        name: .customLong("field"),
        help: ArgumentHelp(
            "The key of a field, as NAME=KEY (repeatable): NAME is id, conversation, sender, timestamp or body; KEY a top-level key or a JSON Pointer ('/ts/$date').",
            valueName: "NAME=KEY"))
    var fields: [String] = []

    @Option(help: "How timestamps are written: auto, rfc3339, epoch_seconds, epoch_millis, epoch_micros, epoch_nanos.")
    var timestampFormat: TimestampFormat?

    func validate() throws {
        _ = try applied(to: SourceConfig(paths: []))
    }

    /// `source` with the flags applied: `--format` resets its fields to the format's, `--field` then names each.
    /// - Throws: `ValidationError` for a `--field` that is not `NAME=KEY`.
    func applied(to source: SourceConfig) throws -> SourceConfig {
        var source = source
        if let format {
            source.format = format
            source.fields = format.fields
        }
        for field in fields {
            let parts = field.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let name = MappedField(rawValue: parts[0]), !parts[1].isEmpty else {
                let known = MappedField.allCases.map(\.rawValue).joined(separator: ", ")
                throw ValidationError("--field '\(field)' is not NAME=KEY with NAME one of \(known).")
            }
            source.fields[name] = parts[1]
        }
        if let timestampFormat { source.timestampFormat = timestampFormat }
        return source
    }
}

extension TimestampFormat: ExpressibleByArgument {}
extension SourceFormat: ExpressibleByArgument {}
