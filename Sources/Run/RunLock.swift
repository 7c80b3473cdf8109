import FileIO
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a run could not take the archive's lock.
package enum RunLockError: Error, CustomStringConvertible, Equatable {
    /// Another process holds the lock; `pid` is what it wrote into the lock file, if it could be read.
    case held(pid: Int32?, path: String)
    /// The lock file could not be created or locked.
    case failed(path: String, operation: String, errno: Int32)

    /// The exit status a run ends with when the lock is held: EX_TEMPFAIL, "try again later".
    package static let heldExitCode: Int32 = 75

    package var description: String {
        switch self {
        case .held(let pid, let path):
            let holder = pid.map { "process \($0)" } ?? "another process"
            return "Another msgarchive run (\(holder)) holds the lock '\(path)'; this run exits 75 (EX_TEMPFAIL) "
                + "so that cron or a retry loop tries again later. Wait for it to finish, or stop \(holder) if it "
                + "is stuck; the lock frees itself when that process ends."
        case .failed(let path, let operation, let code):
            return "Cannot lock '\(path)': \(operation) failed with \(FileIO.explain(code)); check that "
                + "the archive directory exists and is writable."
        }
    }
}

/// The advisory lock that keeps one run at a time per archive root (DESIGN.md invariant 7).
///
/// It is a `flock` on `<archive>/.lock`, so the kernel drops it when the holder dies, even by SIGKILL; the file
/// holds the holder's pid for the message a second run prints. The file is never deleted: unlinking a flock'd
/// file lets a third process lock a new file of the same name while the second still waits on the old one.
package final class RunLock: @unchecked Sendable {
    // @unchecked Sendable: `descriptor` is only touched under `mutex`.
    private let mutex = NSLock()
    private var descriptor: Int32
    /// The lock file.
    package let path: URL

    private init(descriptor: Int32, path: URL) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit {
        release()
    }

    /// Takes the lock for `archive`, creating the directory and the lock file when missing; never waits.
    /// - Throws: `RunLockError.held` when another run has it, `.failed` when the file cannot be opened or locked.
    package static func acquire(archive: URL) throws -> RunLock {
        let path = archive.appendingPathComponent(".lock")
        try? FileManager.default.createDirectory(at: archive, withIntermediateDirectories: true)
        let fd = open(path.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw RunLockError.failed(path: path.path, operation: "open", errno: errno) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            defer { close(fd) }
            if code == EWOULDBLOCK { throw RunLockError.held(pid: readPid(fd), path: path.path) }
            throw RunLockError.failed(path: path.path, operation: "flock", errno: code)
        }
        let text = Array("\(getpid())\n".utf8)
        let written = ftruncate(fd, 0) == 0 ? text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) } : -1
        guard written == text.count else {
            let code = errno
            close(fd)
            throw RunLockError.failed(path: path.path, operation: "write", errno: code)
        }
        return RunLock(descriptor: fd, path: path)
    }

    /// Frees the lock; later calls do nothing.
    package func release() {
        mutex.lock()
        defer { mutex.unlock() }
        guard descriptor >= 0 else { return }
        // An empty file tells a reader the pid inside is stale. Unlock explicitly rather than rely on close: a
        // child forked meanwhile holds the open file description (and so the flock) until it execs.
        _ = ftruncate(descriptor, 0)
        _ = flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }

    /// The pid a holder wrote into the lock file, or nil while it is empty or being written.
    private static func readPid(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return Int32(text)
    }
}
