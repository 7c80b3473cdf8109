import Foundation
import Yams

extension PipelineConfig {
    /// Reads and strictly decodes the pipeline file at `url`.
    /// - Throws: `PipelineConfigError` naming the file, line and key of every problem found.
    package static func load(from url: URL) throws -> PipelineConfig {
        try parse(yaml: ConfigPaths.text(of: url), file: url)
    }

    /// Strictly decodes pipeline YAML; relative paths resolve against `file`'s directory, or the working
    /// directory when `file` is nil.
    /// - Throws: `PipelineConfigError`: one problem as itself, several as `.several`.
    package static func parse(yaml: String, file: URL?) throws -> PipelineConfig {
        let base =
            file?.deletingLastPathComponent()
            ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
        let name = file?.path ?? "<pipeline>"
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw ConfigReader.syntaxError(error, file: name)
        }
        guard let root else { throw PipelineConfigError.syntax(file: name, line: nil, problem: "it is empty") }
        let reader = ConfigReader(file: name, url: file, base: base, root: ConfigReader.keysByText(root))
        let decoded = try? YAMLDecoder().decode(
            PipelineFile.self, from: reader.root, userInfo: [ConfigReader.userInfoKey: reader])
        if let config = decoded?.config, reader.problems.isEmpty { return config }
        // Sections are read in dependency order (stores before tiers); report in file order.
        let inFileOrder = reader.problems.enumerated().sorted {
            ($0.element.line ?? Int.max, $0.offset) < ($1.element.line ?? Int.max, $1.offset)
        }
        throw PipelineConfigError.combining(inFileOrder.map(\.element))
    }

    /// Advice that does not stop a run: settings that are allowed but probably not meant.
    package var warnings: [String] {
        var notes: [String] = []
        if let retention {
            if retention.deleteAfterDays <= tiers.cold.afterDays {
                notes.append(
                    "retention.delete_after (\(retention.deleteAfterDays)d) is not past tiers.cold.after "
                        + "(\(tiers.cold.afterDays)d): partitions are deleted before they reach the cold tier.")
            }
            if retention.deleteAfterDays < dedup.horizonDays {
                notes.append(
                    "retention.delete_after (\(retention.deleteAfterDays)d) is shorter than dedup.horizon "
                        + "(\(dedup.horizonDays)d): a message redelivered after deletion is archived again.")
            }
        }
        if sources.contains(where: { $0.afterIngest == .delete }) {
            notes.append("a source has after_ingest: delete; its logs are removed once their records are committed.")
        }
        return notes
    }
}

extension PipelineConfigError {
    /// One problem as itself, several wrapped in `.several`.
    static func combining(_ problems: [PipelineConfigError]) -> PipelineConfigError {
        problems.count == 1 ? problems[0] : .several(problems)
    }
}

/// Reading the files and lexical path handling shared by the file and its overrides.
enum ConfigPaths {
    /// The UTF-8 text of the file at `url`.
    /// - Throws: `PipelineConfigError.unreadable`.
    static func text(of url: URL) throws -> String {
        do {
            return try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw PipelineConfigError.unreadable(file: url.path, reason: error.localizedDescription)
        }
    }

    /// `path` made absolute against `base` (`~/` against the home directory), with `.` and `..` folded
    /// lexically so globs keep their wildcards.
    static func absolute(_ path: String, base: URL) -> String {
        var full: String
        if path.hasPrefix("/") {
            full = path
        } else if path == "~" || path.hasPrefix("~/") {
            full = NSHomeDirectory() + path.dropFirst()
        } else {
            // A relative pipeline URL (`pipelines/x.yaml`) has a relative `path`; anchor it at the working directory.
            let directory = base.absoluteURL.path
            let anchored =
                directory.hasPrefix("/") ? directory : FileManager.default.currentDirectoryPath + "/" + directory
            full = anchored + "/" + path
        }
        var parts: [Substring] = []
        for part in full.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": _ = parts.popLast()
            default: parts.append(part)
            }
        }
        full = "/" + parts.joined(separator: "/")
        return full
    }
}
