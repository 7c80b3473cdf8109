import ArchiveAccess
import ArchiveRead
import ArgumentParser
import ChatExports
import Foundation
import PipelineConfig
import Segments

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Print archived records as JSON Lines, byte for byte as they were ingested.",
        discussion: """
            Reads the segments under DIR (as 'compact' wrote them), or every tier of a pipeline's archive with \
            --pipeline, cold objects included (fetching only the blocks a filter needs). Records come out \
            segment by segment, each segment in (conversation, timestamp, id) order.
            """)

    @Argument(help: "A directory of segments written by 'compact'.")
    var directory: String?

    @Option(help: "Pipeline file: export its archive instead of a directory.")
    var pipeline: String?

    @Option(help: "Archive root, overriding the pipeline's.")
    var archive: String?

    @Option(help: "Cold store, overriding the pipeline's: file:///path or s3://bucket/prefix.")
    var coldStore: String?

    @Option(help: "Only records at or after this time (RFC 3339 or YYYY-MM-DD).")
    var from: String?

    @Option(help: "Only records before this time.")
    var to: String?

    @Option(help: "Only records of this conversation id.")
    var conversation: String?

    @Option(help: "With --format slack: write a Slack export tree (<channel>/<YYYY-MM-DD>.json) to this new folder.")
    var out: String?

    @OptionGroup(title: "Fields of a directory's records (as given to 'compact'; with --pipeline, its sources')")
    var source: SourceOptions

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if (directory == nil) == (pipeline == nil) {
            throw ValidationError("Give either a segment directory or --pipeline, not both and not neither.")
        }
        if out != nil, source.format != .slack {
            throw ValidationError("--out writes a Slack export tree: give it with --format slack.")
        }
    }

    func run() async throws {
        let logger = logging.bootstrap(label: "msgarchive.export")
        let filter = Exporter.Filter(
            from: try from.map { Day.micros(try parseTime($0, flag: "--from")) },
            to: try to.map { Day.micros(try parseTime($0, flag: "--to")) }, conversation: conversation)
        var counts = Exporter.Counts()
        let sink: any RecordSink
        do {
            if let out {
                sink = try SlackTreeWriter(root: URL(fileURLWithPath: out, isDirectory: true))
            } else {
                sink = OutputSink()
            }
        } catch {
            throw fail(error)
        }
        if let directory {
            let sources = SegmentLocator.segmentFiles(under: URL(fileURLWithPath: directory, isDirectory: true))
                .map { FileByteSource(url: $0) as any ByteSource }
            do {
                let source = try source.applied(to: SourceConfig(paths: []))
                try await Exporter(filter: filter, fields: source.fields, timestampFormat: source.timestampFormat)
                    .export(sources, to: sink, counts: &counts)
            } catch {
                throw fail(error)
            }
        } else if let pipeline {
            var options = try PipelineOptions.parse(["--pipeline", pipeline])
            options.archive = archive
            options.coldStore = coldStore
            let config = try options.load()
            do {
                let opened = try Archive(
                    config: config, readOnly: true, environment: ProcessInfo.processInfo.environment, logger: logger)
                let first = config.sources.first ?? SourceConfig(paths: [])
                try await Exporter(filter: filter, fields: first.fields, timestampFormat: first.timestampFormat).export(
                    try opened.segmentSources(matching: filter), to: sink, counts: &counts)
                try await opened.store.shutdown()
            } catch {
                throw fail(error)
            }
        }
        logger.info(
            "export done",
            metadata: [
                "segments": "\(counts.segments)", "records": "\(counts.records)",
                "blocks.read": "\(counts.blocksRead)", "blocks.skipped": "\(counts.blocksSkipped)",
            ])
    }
}
