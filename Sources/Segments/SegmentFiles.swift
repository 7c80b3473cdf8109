/// Naming rules for segment files on disk.
package enum SegmentFiles {
    /// Whether `fileName` is a writer's temporary file (`.<final-name>.<random>.tmp`), which a crash can leave
    /// behind and which is safe to delete when no run holds the archive's lock.
    package static func isTemporary(_ fileName: String) -> Bool {
        fileName.hasPrefix(".") && fileName.hasSuffix(".tmp") && fileName.count > 5
    }

    /// The temporary name the writer uses for `finalName`.
    static func temporaryName(for finalName: String) -> String {
        let random = (0..<4).map { _ in String(UInt16.random(in: 0...UInt16.max), radix: 16) }.joined()
        return ".\(finalName).\(random).tmp"
    }
}
