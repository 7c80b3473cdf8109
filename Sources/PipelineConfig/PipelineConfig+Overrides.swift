import Foundation

/// Command-line flags that override the pipeline file (`--archive`, `--source`, `--cold-store`).
package struct ConfigOverrides: Sendable, Equatable {
    /// `--archive DIR`: the archive root.
    package var archive: URL?
    /// `--source GLOB`, repeatable: replaces the file's sources when not empty.
    package var sources: [String]
    /// `--cold-store URL`: `file:///path` or `s3://bucket/prefix`.
    package var coldStore: String?
    /// Directory that relative `--source` globs and `MSGARCHIVE_ARCHIVE` resolve against.
    package var workingDirectory: URL

    /// Overrides as parsed from the command line; relative paths resolve against the current directory.
    package init(
        archive: URL? = nil, sources: [String] = [], coldStore: String? = nil,
        workingDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
    ) {
        self.archive = archive
        self.sources = sources
        self.coldStore = coldStore
        self.workingDirectory = workingDirectory
    }
}

extension PipelineConfig {
    /// Name the cold store gets when `--cold-store` or `MSGARCHIVE_COLD_STORE` supplies it and the file names none.
    package static let overriddenColdStoreName = "cold"

    /// This configuration with flags and environment applied: flag, then environment, then file, then default.
    ///
    /// - `archive`: `overrides.archive`, then `MSGARCHIVE_ARCHIVE`.
    /// - `sources`: `overrides.sources` replace the file's, keeping the first source's field names, timestamp
    ///   format and line limit; they are never deleted after ingest, whatever the file says.
    /// - cold store: `overrides.coldStore`, then `MSGARCHIVE_COLD_STORE`; an `s3://` URL keeps the endpoint,
    ///   region and other settings of an S3 cold store the file already has and replaces bucket and prefix.
    /// - every S3 store without an `endpoint` takes `AWS_ENDPOINT_URL`, and without a `region` takes `AWS_REGION`,
    ///   then `AWS_DEFAULT_REGION`: these follow the file because they are account-wide defaults, the file
    ///   names one store.
    /// - Throws: `PipelineConfigError.invalidOverride` for a malformed URL or glob.
    package func applying(_ overrides: ConfigOverrides, environment: [String: String]) throws -> PipelineConfig {
        var config = self
        var problems: [PipelineConfigError] = []
        let cwd = overrides.workingDirectory
        if let archive = overrides.archive {
            config.archive = URL(fileURLWithPath: ConfigPaths.absolute(archive.path, base: cwd), isDirectory: true)
        } else if let archive = environment["MSGARCHIVE_ARCHIVE"], !archive.isEmpty {
            config.archive = URL(fileURLWithPath: ConfigPaths.absolute(archive, base: cwd), isDirectory: true)
        }
        if !overrides.sources.isEmpty {
            if let empty = overrides.sources.first(where: \.isEmpty) {
                problems.append(.invalidOverride(name: "--source", value: empty, reason: "a glob cannot be empty"))
            }
            var source = sources.first ?? SourceConfig(paths: [])
            source.paths = overrides.sources.filter { !$0.isEmpty }.map { ConfigPaths.absolute($0, base: cwd) }
            source.afterIngest = .keep
            config.sources = [source]
        }
        let coldFlag =
            overrides.coldStore.map { ("--cold-store", $0) }
            ?? environment["MSGARCHIVE_COLD_STORE"].flatMap { $0.isEmpty ? nil : ("MSGARCHIVE_COLD_STORE", $0) }
        if let (name, url) = coldFlag {
            do {
                try config.replaceColdStore(with: url, named: name, workingDirectory: cwd)
            } catch let error as PipelineConfigError {
                problems.append(error)
            }
        }
        let endpoint = environment["AWS_ENDPOINT_URL"].flatMap { $0.isEmpty ? nil : $0 }
        if let endpoint, !S3Names.isValidEndpoint(endpoint) {
            problems.append(.invalidOverride(name: "AWS_ENDPOINT_URL", value: endpoint, reason: S3Names.endpointRule))
        }
        let region = [environment["AWS_REGION"], environment["AWS_DEFAULT_REGION"]].compactMap { $0 }
            .first { !$0.isEmpty }
        for (name, store) in config.stores {
            guard case .s3(var s3) = store else { continue }
            if s3.endpoint == nil, let endpoint, S3Names.isValidEndpoint(endpoint) { s3.endpoint = endpoint }
            if s3.configuredRegion == nil, let region { s3.configuredRegion = region }
            config.stores[name] = .s3(s3)
        }
        if !problems.isEmpty { throw PipelineConfigError.combining(problems) }
        return config
    }

    /// Points the cold tier at `url` (`file:///path` or `s3://bucket/prefix`).
    private mutating func replaceColdStore(with url: String, named flag: String, workingDirectory: URL) throws {
        let store: StoreConfig
        if url.hasPrefix("file://") {
            let path = String(url.dropFirst("file://".count))
            guard path.hasPrefix("/") else {
                throw PipelineConfigError.invalidOverride(
                    name: flag, value: url, reason: "a file URL needs an absolute path, as in 'file:///srv/cold'")
            }
            let decoded = path.removingPercentEncoding ?? path
            store = .directory(
                path: URL(fileURLWithPath: ConfigPaths.absolute(decoded, base: workingDirectory), isDirectory: true))
        } else if url.hasPrefix("s3://") {
            let rest = url.dropFirst("s3://".count)
            let bucket = String(rest.prefix { $0 != "/" })
            let rawPrefix = String(rest.dropFirst(bucket.count).drop { $0 == "/" })
            guard S3Names.isValidBucket(bucket) else {
                throw PipelineConfigError.invalidOverride(name: flag, value: url, reason: S3Names.bucketRule)
            }
            guard let prefix = S3Names.normalisedPrefix(rawPrefix) else {
                throw PipelineConfigError.invalidOverride(name: flag, value: url, reason: S3Names.prefixRule)
            }
            var s3 = S3StoreConfig(bucket: bucket)
            if case .s3(let current)? = tiers.cold.store.flatMap({ stores[$0] }) { s3 = current }
            s3.bucket = bucket
            s3.prefix = prefix
            store = .s3(s3)
        } else {
            throw PipelineConfigError.invalidOverride(
                name: flag, value: url, reason: "a cold store is 'file:///path' or 's3://bucket/prefix'")
        }
        let name = tiers.cold.store ?? Self.overriddenColdStoreName
        stores[name] = store
        tiers.cold.store = name
    }
}
