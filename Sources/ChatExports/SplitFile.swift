import Foundation

/// A file being split into JSON array elements, read a chunk at a time.
final class SplitFile {
    static let chunkSize = 1 << 20

    let entry: String?
    private let handle: FileHandle
    private(set) var splitter: JSONArraySplitter

    /// Opens `url` for splitting the array at `shape`.
    /// - Throws: `ChatExportError.unreadable`.
    init(_ url: URL, entry: String?, shape: JSONArraySplitter.Shape, limits: ExportLimits) throws {
        do {
            handle = try FileHandle(forReadingFrom: url)
        } catch {
            throw ChatExportError.unreadable(path: url.path, cause: error)
        }
        self.entry = entry
        splitter = JSONArraySplitter(shape: shape, maxElementBytes: limits.maxMessageBytes)
    }

    deinit {
        try? handle.close()
    }

    /// Feeds the next chunk to the splitter; false at the end of the file, after `finish`.
    /// - Throws: `JSONArraySplitter.Malformed`, or `ChatExportError.unreadable` when reading fails.
    func step(_ emit: (JSONArraySplitter.Event) throws -> Void) throws -> Bool {
        let data: Data
        do {
            data = try handle.read(upToCount: Self.chunkSize) ?? Data()
        } catch {
            throw ChatExportError.unreadable(path: entry ?? "", cause: error)
        }
        if data.isEmpty {
            try splitter.finish()
            return false
        }
        try data.withUnsafeBytes { try splitter.feed($0, emit: emit) }
        return true
    }
}

/// The quarantine entry for an entry whose JSON structure broke after `splitter.elements` messages.
func malformedItem(_ entry: String?, _ splitter: JSONArraySplitter, _ error: JSONArraySplitter.Malformed) -> ExportItem
{
    .failure(
        entry, splitter.elements + 1, .badExport,
        "The file is not a well-formed JSON document at byte \(error.offset): \(error.why); the \(splitter.elements) "
            + "messages before it were read. Export it again or fix the file.")
}
