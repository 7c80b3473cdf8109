import FileIO
import Foundation
import Ledger

/// The embedded default cold store: objects as files in a local directory.
///
/// Layout under `root`: `data/<key>` holds the bytes, `meta/<key>` the user metadata as JSON, `tmp/` the files being
/// written. Every write goes to `tmp/`, is fsynced, renamed into place and the directory fsynced, so a final name never
/// holds a partial file. The sidecar is written before the data, so an object that `head` sees always has metadata at
/// least as new as its bytes; a sidecar left without data by a crash is invisible and overwritten by the next put.
package struct DirectoryStore: ObjectStore {
    /// The store's directory.
    package let root: URL
    var dataRoot: URL { root.appendingPathComponent("data", isDirectory: true) }
    var metaRoot: URL { root.appendingPathComponent("meta", isDirectory: true) }
    var tmpRoot: URL { root.appendingPathComponent("tmp", isDirectory: true) }

    /// Opens (creating if needed) the store at `root`.
    ///
    /// - Throws: `ObjectStoreError.io` when the directories cannot be created.
    package init(root: URL) throws {
        self.root = root.standardizedFileURL
        for dir in [dataRoot, metaRoot, tmpRoot] {
            try Self.makeDirectory(dir)
        }
    }

    /// None: a local directory is not billed by the request.
    package var requests: RequestFigures { RequestFigures() }

    /// `file:///path/to/root/`.
    package var location: String { root.absoluteString }

    /// Copies `file` into the store at `key`.
    ///
    /// - Throws: `ObjectStoreError.invalidKey`, or `.io` when reading or writing fails.
    package func put(key: String, file: URL, metadata: [String: String]) async throws -> ObjectInfo {
        try ObjectKey.validate(key)
        let source = open(file.path, O_RDONLY | O_CLOEXEC)
        guard source >= 0 else { throw ObjectStoreError.io(operation: "open", path: file.path, errno: errno) }
        defer { close(source) }
        try writeMetadata(key: key, metadata: metadata)
        let size = try writeAtomically(to: dataRoot.appendingPathComponent(key)) { sink, path in
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            var total: UInt64 = 0
            while true {
                let count: Int
                do {
                    count = try buffer.withUnsafeMutableBytes { raw in try FileIO.readSome(source, into: raw) }
                } catch let error as FileIO.Failure {
                    throw ObjectStoreError.io(operation: error.operation, path: file.path, errno: error.errno)
                }
                if count == 0 { return total }
                try Self.writeAll(sink, buffer[0..<count], path: path)
                total += UInt64(count)
            }
        }
        return ObjectInfo(key: key, size: size, metadata: Self.normalized(metadata))
    }

    /// Stores `bytes` at `key`.
    ///
    /// - Throws: `ObjectStoreError.invalidKey`, or `.io` when writing fails.
    package func put(key: String, bytes: [UInt8], metadata: [String: String]) async throws -> ObjectInfo {
        try ObjectKey.validate(key)
        try writeMetadata(key: key, metadata: metadata)
        _ = try writeAtomically(to: dataRoot.appendingPathComponent(key)) { sink, path in
            try Self.writeAll(sink, bytes[...], path: path)
            return UInt64(bytes.count)
        }
        return ObjectInfo(key: key, size: UInt64(bytes.count), metadata: Self.normalized(metadata))
    }

    /// Size and metadata, or nil when `key` holds nothing.
    ///
    /// - Throws: `ObjectStoreError.invalidKey`, or `.io` when the file cannot be examined.
    package func head(key: String) async throws -> ObjectInfo? {
        try ObjectKey.validate(key)
        let path = dataRoot.appendingPathComponent(key).path
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw ObjectStoreError.io(operation: "stat", path: path, errno: errno)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return ObjectInfo(key: key, size: UInt64(info.st_size), metadata: try readMetadata(key: key))
    }

    /// The bytes of `key`, or those in `range`.
    ///
    /// - Throws: `ObjectStoreError.notFound`, `.rangeOutOfBounds`, `.invalidKey` or `.io`.
    package func get(key: String, range: Range<UInt64>?) async throws -> [UInt8] {
        try ObjectKey.validate(key)
        let path = dataRoot.appendingPathComponent(key).path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT || errno == ENOTDIR || errno == EISDIR {
                throw ObjectStoreError.notFound(location: location, key: key)
            }
            throw ObjectStoreError.io(operation: "open", path: path, errno: errno)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ObjectStoreError.io(operation: "stat", path: path, errno: errno) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw ObjectStoreError.notFound(location: location, key: key) }
        let size = UInt64(info.st_size)
        let wanted = range ?? 0..<size
        guard wanted.upperBound <= size else {
            throw ObjectStoreError.rangeOutOfBounds(key: key, range: wanted, size: size)
        }
        return try Self.readExactly(fd, path: path, offset: wanted.lowerBound, count: Int(wanted.count))
    }

    /// Every object whose key starts with `prefix`, in bytewise key order; metadata is left empty (use `head`).
    ///
    /// - Throws: `ObjectStoreError.invalidKey` for a bad prefix.
    package func list(prefix: String) async throws -> [ObjectInfo] {
        try ObjectKey.validatePrefix(prefix)
        var found: [ObjectInfo] = []
        let base = dataRoot.path + "/"
        guard let walker = FileManager.default.enumerator(atPath: dataRoot.path) else { return [] }
        while let relative = walker.nextObject() as? String {
            guard relative.hasPrefix(prefix) || prefix.hasPrefix(relative + "/") else {
                // Skip whole directories that cannot hold a match.
                if walker.fileAttributes?[.type] as? FileAttributeType == .typeDirectory { walker.skipDescendants() }
                continue
            }
            var info = stat()
            guard stat(base + relative, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, relative.hasPrefix(prefix)
            else { continue }
            found.append(ObjectInfo(key: relative, size: UInt64(info.st_size)))
        }
        return found.sorted { ObjectKey.precedes($0.key, $1.key) }
    }

    /// Removes `key` (data first, then its sidecar); no error when it is already gone.
    ///
    /// - Throws: `ObjectStoreError.invalidKey` or `.io`.
    package func delete(key: String) async throws {
        try ObjectKey.validate(key)
        for url in [dataRoot.appendingPathComponent(key), metaRoot.appendingPathComponent(key)] {
            if unlink(url.path) != 0 && errno != ENOENT && errno != ENOTDIR {
                throw ObjectStoreError.io(operation: "delete", path: url.path, errno: errno)
            }
            try Self.fsyncDirectory(url.deletingLastPathComponent().path)
        }
    }

    /// Removes temporary files an interrupted put left in `tmp/`; returns how many (the prefix does not apply there).
    package func abortIncompleteUploads(prefix: String) async throws -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: tmpRoot.path)) ?? []
        var removed = 0
        for name in names where unlink(tmpRoot.appendingPathComponent(name).path) == 0 { removed += 1 }
        return removed
    }

    /// Nothing to release.
    package func shutdown() async throws {}
}

// MARK: - Files

extension DirectoryStore {
    /// The metadata as S3 would give it back: lower-case names.
    static func normalized(_ metadata: [String: String]) -> [String: String] {
        Dictionary(metadata.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { _, last in last })
    }

    func writeMetadata(key: String, metadata: [String: String]) throws {
        let json: Data
        do {
            json = try JSONSerialization.data(withJSONObject: Self.normalized(metadata), options: [.sortedKeys])
        } catch {
            throw ObjectStoreError.invalidMetadata(
                name: metadata.keys.sorted().joined(separator: ","), reason: "\(error)")
        }
        _ = try writeAtomically(to: metaRoot.appendingPathComponent(key)) { sink, path in
            try Self.writeAll(sink, [UInt8](json)[...], path: path)
            return UInt64(json.count)
        }
    }

    func readMetadata(key: String) throws -> [String: String] {
        let url = metaRoot.appendingPathComponent(key)
        guard let data = FileManager.default.contents(atPath: url.path) else { return [:] }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: String] ?? [:]
    }

    /// Temp file in `tmp/`, `body` writes it, fsync, rename onto `destination`, fsync the destination directory.
    func writeAtomically(to destination: URL, _ body: (Int32, String) throws -> UInt64) throws -> UInt64 {
        try Self.makeDirectory(destination.deletingLastPathComponent())
        let temp = tmpRoot.appendingPathComponent(UUID().uuidString).path
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ObjectStoreError.io(operation: "create", path: temp, errno: errno) }
        do {
            let size = try body(fd, temp)
            guard fsync(fd) == 0 else { throw ObjectStoreError.io(operation: "fsync", path: temp, errno: errno) }
            close(fd)
            guard rename(temp, destination.path) == 0 else {
                throw ObjectStoreError.io(operation: "rename into place", path: destination.path, errno: errno)
            }
            try Self.fsyncDirectory(destination.deletingLastPathComponent().path)
            return size
        } catch {
            close(fd)
            unlink(temp)
            throw error
        }
    }

    static func writeAll(_ fd: Int32, _ bytes: ArraySlice<UInt8>, path: String) throws {
        do {
            try bytes.withUnsafeBytes { raw in try FileIO.writeAll(fd, raw) }
        } catch let error as FileIO.Failure {
            throw ObjectStoreError.io(operation: error.operation, path: path, errno: error.errno)
        }
    }

    /// Syncs the directory at `path`; one that is gone (a removed empty prefix) has nothing to sync.
    static func fsyncDirectory(_ path: String) throws {
        do {
            try FileIO.syncDirectory(path)
        } catch  where error.errno != ENOENT {
            throw ObjectStoreError.io(operation: error.operation, path: path, errno: error.errno)
        }
    }

    /// Exactly `count` bytes of the open file `fd` from `offset`; a file that ends first is an I/O error.
    static func readExactly(_ fd: Int32, path: String, offset: UInt64, count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let got: Int
        do {
            got = try bytes.withUnsafeMutableBytes { raw in
                try FileIO.readAll(fd, into: raw, at: offset)
            }
        } catch let error as FileIO.Failure {
            throw ObjectStoreError.io(operation: error.operation, path: path, errno: error.errno)
        }
        guard got == count else { throw ObjectStoreError.io(operation: "read", path: path, errno: EIO) }
        return bytes
    }

    /// `mkdir -p`, each new directory fsynced in its parent (`FileIO.makeDirectories`).
    static func makeDirectory(_ url: URL) throws {
        do {
            try FileIO.makeDirectories(url.path)
        } catch {
            throw ObjectStoreError.io(operation: error.operation, path: url.path, errno: error.errno)
        }
    }
}
