import ArchiveAccess
import Foundation
import Intake
import PipelineConfig
import Testing

@testable import Run

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A fresh directory under the system temporary directory, removed by the caller.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("msgarchive-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A python3 child that takes the lock the way another msgarchive would, writes its pid and waits.
private final class LockHolder {
    let process = Process()
    let pid: Int32

    init(lockFile: URL) throws {
        let script = """
            import fcntl, os, sys, time
            f = open(sys.argv[1], "a+")
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            f.truncate(0); f.write("%d\\n" % os.getpid()); f.flush()
            print(os.getpid(), flush=True)
            time.sleep(60)
            """
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, lockFile.path]
        process.standardOutput = output
        try process.run()
        // The first line is printed only once the child holds the lock.
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) {
            line.append(byte)
        }
        pid = Int32(String(decoding: line, as: UTF8.self)) ?? -1
    }

    func send(_ signal: Int32) {
        _ = kill(pid, signal)
        process.waitUntilExit()
    }
}

@Suite struct RunLockTests {
    @Test func secondAcquireInTheSameProcessIsRefusedUntilRelease() throws {
        let archive = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: archive) }
        let lock = try RunLock.acquire(archive: archive)
        #expect(try String(contentsOf: lock.path, encoding: .utf8) == "\(getpid())\n")
        // flock locks belong to the open file description, so a second open in this process conflicts too.
        #expect(throws: RunLockError.held(pid: getpid(), path: lock.path.path)) {
            try RunLock.acquire(archive: archive)
        }
        lock.release()
        lock.release()
        let again = try RunLock.acquire(archive: archive)
        again.release()
    }

    @Test func deinitReleases() throws {
        let archive = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: archive) }
        do { _ = try RunLock.acquire(archive: archive) }
        let lock = try RunLock.acquire(archive: archive)
        lock.release()
    }

    @Test func createsAMissingArchiveDirectory() throws {
        let parent = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: parent) }
        let archive = parent.appendingPathComponent("new/archive")
        let lock = try RunLock.acquire(archive: archive)
        #expect(FileManager.default.fileExists(atPath: archive.appendingPathComponent(".lock").path))
        lock.release()
    }

    @Test func anotherProcessHoldingTheLockIsNamedAndFreedWhenItDies() throws {
        let archive = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: archive) }
        let lockFile = archive.appendingPathComponent(".lock")
        let holder = try LockHolder(lockFile: lockFile)
        #expect(holder.pid > 0)
        do {
            _ = try RunLock.acquire(archive: archive)
            Issue.record("the lock was taken while another process held it")
        } catch let error as RunLockError {
            #expect(error == .held(pid: holder.pid, path: lockFile.path))
            #expect(error.description.contains("process \(holder.pid)"))
            #expect(error.description.contains("exits 75"))
        }
        // SIGKILL gives the holder no chance to unlock: the kernel must.
        holder.send(SIGKILL)
        let lock = try RunLock.acquire(archive: archive)
        #expect(try String(contentsOf: lockFile, encoding: .utf8) == "\(getpid())\n")
        lock.release()
    }
}
