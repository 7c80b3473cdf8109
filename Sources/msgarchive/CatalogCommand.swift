import ArchiveAccess
import ArchiveRead
import ArgumentParser
import Foundation
import PipelineConfig

struct CatalogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog", abstract: "Maintain the archive's catalog.", subcommands: [Rebuild.self])

    struct Rebuild: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recreate the catalog from the segment files and the cold store's listing.",
            discussion: """
                The old catalog, if any, is kept as catalog.sqlite.old. Which source logs were read is not \
                recoverable from segments: the next run reads them again and drops every record as a duplicate.
                """)

        @OptionGroup var pipeline: PipelineOptions

        @OptionGroup var logging: LoggingOptions

        func run() async throws {
            let logger = logging.bootstrap(label: "msgarchive.catalog")
            let config = try pipeline.load()
            let layout = ArchiveLayout(root: config.archive)
            do {
                let fm = FileManager.default
                if fm.fileExists(atPath: layout.catalog.path) {
                    let old = layout.catalog.appendingPathExtension("old")
                    try? fm.removeItem(at: old)
                    try fm.moveItem(at: layout.catalog, to: old)
                }
                let archive = try Archive(
                    config: config, readOnly: false, rebuilding: true,
                    environment: ProcessInfo.processInfo.environment, logger: logger)
                let (local, remote) = try await CatalogRebuilder(archive: archive, logger: logger).rebuild()
                try await archive.store.shutdown()
                print("catalog rebuilt: \(local) local and \(remote) cold segments")
            } catch {
                throw fail(error)
            }
        }
    }
}
