import Foundation

/// The built `msgarchive` executable, next to the test bundle.
package enum Msgarchive {
    package static var executable: URL {
        let bundleDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [
            bundleDir.appendingPathComponent("msgarchive"),
            bundleDir.deletingLastPathComponent().appendingPathComponent("msgarchive"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    /// Runs `msgarchive` with `arguments` to its end.
    package static func run(
        _ arguments: [String], environment: [String: String] = [:], in directory: URL? = nil
    ) throws -> ProcessResult {
        try runProcess(executable.path, arguments, environment: environment, currentDirectory: directory)
    }

    /// The repository's top folder, for committed fixtures and pipelines.
    package static func repositoryRoot(filePath: String = #filePath) -> URL {
        var url = URL(fileURLWithPath: filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return url
    }
}
