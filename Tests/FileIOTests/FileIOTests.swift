import Foundation
import Testing

@testable import FileIO

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct FileIOTests {
    private func temporaryFile() throws -> (URL, Int32) {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fileio-\(UUID().uuidString)")
        let fd = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        try #require(fd >= 0)
        return (url, fd)
    }

    @Test func writesAndReadsBackWholeBuffersAtOffsets() throws {
        let (url, fd) = try temporaryFile()
        defer {
            close(fd)
            unlink(url.path)
        }
        let bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try bytes.withUnsafeBytes { try FileIO.writeAll(fd, $0) }
        try [UInt8](repeating: 7, count: 10).withUnsafeBytes { try FileIO.writeAll(fd, $0, at: 100) }
        var expected = bytes
        expected.replaceSubrange(100..<110, with: [UInt8](repeating: 7, count: 10))
        var back = [UInt8](repeating: 0, count: bytes.count + 50)
        let got = try back.withUnsafeMutableBytes { try FileIO.readAll(fd, into: $0, at: 0) }
        #expect(got == bytes.count)
        #expect(Array(back[0..<got]) == expected)
        #expect(try Data(contentsOf: url) == Data(expected))
    }

    @Test func aFullDiskIsReportedWithWhatToDo() throws {
        let fd = open("/dev/full", O_WRONLY | O_CLOEXEC)
        try #require(fd >= 0, "/dev/full is missing")
        defer { close(fd) }
        let error = #expect(throws: FileIO.Failure.self) {
            try [UInt8](repeating: 1, count: 4096).withUnsafeBytes { try FileIO.writeAll(fd, $0) }
        }
        #expect(error == FileIO.Failure(operation: "write", errno: ENOSPC))
        #expect(FileIO.explain(ENOSPC).contains("make room"))
        #expect(FileIO.explain(EACCES).contains("check the owner and mode"))
        #expect(FileIO.explain(EROFS).contains("read-only"))
        #expect(FileIO.explain(EBADF).hasSuffix("(errno \(EBADF))"))
    }

    @Test func readingFromAWriteOnlyDescriptorFailsWithItsErrno() throws {
        let fd = open("/dev/null", O_WRONLY | O_CLOEXEC)
        try #require(fd >= 0)
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 8)
        let error = #expect(throws: FileIO.Failure.self) {
            try buffer.withUnsafeMutableBytes { try FileIO.readSome(fd, into: $0) }
        }
        #expect(error == FileIO.Failure(operation: "read", errno: EBADF))
    }

    @Test func syncingAMissingDirectoryNamesTheStep() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("fileio-\(UUID().uuidString)")
        let error = #expect(throws: FileIO.Failure.self) { try FileIO.syncDirectory(missing.path) }
        #expect(error == FileIO.Failure(operation: "open directory", errno: ENOENT))
        try FileIO.syncDirectory(FileManager.default.temporaryDirectory.path)
    }

    /// A call made off the cooperative pool returns its result, or throws its error, to the task that awaits it.
    @Test func aCallOffThePoolReturnsOrThrowsToItsCaller() async throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("fileio-\(UUID().uuidString)")
        let error = await #expect(throws: FileIO.Failure.self) {
            try await FileIO.offPool { () throws(FileIO.Failure) in try FileIO.syncDirectory(missing.path) }
        }
        #expect(error == FileIO.Failure(operation: "open directory", errno: ENOENT))
        let size = try await FileIO.offPool { () throws(FileIO.Failure) in
            try FileIO.size(FileManager.default.temporaryDirectory.path)
        }
        #expect(size > 0)
    }

    @Test func makesMissingDirectoriesAndLeavesExistingOnesAlone() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fileio-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let deep = root.appendingPathComponent("hot/2026-05-01")
        try FileIO.makeDirectories(deep.path)
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: deep.path, isDirectory: &isDirectory) && isDirectory.boolValue)
        let kept = deep.appendingPathComponent("kept")
        try Data("x".utf8).write(to: kept)
        try FileIO.makeDirectories(deep.path)
        #expect(try Data(contentsOf: kept) == Data("x".utf8))
        // A file where a directory should be is an error naming the step, not a directory made elsewhere.
        let error = #expect(throws: FileIO.Failure.self) { try FileIO.makeDirectories(kept.path + "/below") }
        #expect(error == FileIO.Failure(operation: "create directory", errno: ENOTDIR))
    }
}
