import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The system calls on file descriptors that every module makes the same way: whole writes and reads that
/// retry short counts and `EINTR`, directory syncs, and one wording of what an `errno` means for the operator.
package enum FileIO {
    /// A system call that failed with `errno`; the caller wraps it in its own module's error.
    package struct Failure: Error, Equatable {
        /// What was attempted, as a verb: "write", "fsync directory".
        package let operation: String
        package let errno: Int32
    }

    /// `strerror`'s text and the number, followed, for the causes an operator can act on, by what to do.
    package static func explain(_ code: Int32) -> String {
        let text = "\(String(cString: strerror(code))) (errno \(code))"
        return advice(code).map { "\(text): \($0)" } ?? text
    }

    private static func advice(_ code: Int32) -> String? {
        switch code {
        case ENOSPC: "the disk is full; make room, or move the archive to a larger disk"
        case EDQUOT: "the disk quota is used up; free space or raise the quota"
        case EACCES, EPERM: "permission denied; check the owner and mode of the file and its directory"
        case EROFS: "the file system is mounted read-only; remount it read-write or choose another path"
        case EMFILE, ENFILE: "too many open files; raise the limit (ulimit -n)"
        case EIO: "the device reported an I/O error; check the disk (dmesg, smartctl)"
        default: nil
        }
    }

    /// Writes all of `bytes` at the descriptor's position (or its end, with `O_APPEND`).
    /// - Throws: `Failure` for the `write` that failed.
    package static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(Failure) {
        guard let base = bytes.baseAddress else { return }
        let done = try whole(bytes.count, "write") { write(fd, base + $0, bytes.count - $0) }
        guard done == bytes.count else { throw Failure(operation: "write", errno: EIO) }
    }

    /// Writes all of `bytes` at `offset`, leaving the descriptor's position alone.
    /// - Throws: `Failure` for the `pwrite` that failed.
    package static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: UInt64) throws(Failure) {
        guard let base = bytes.baseAddress else { return }
        let done = try whole(bytes.count, "write") {
            pwrite(fd, base + $0, bytes.count - $0, off_t(offset) + off_t($0))
        }
        guard done == bytes.count else { throw Failure(operation: "write", errno: EIO) }
    }

    /// Fills `buffer` from `offset`, stopping early only at the end of the file.
    /// - Returns: the bytes read, fewer than `buffer.count` only at the end of the file.
    /// - Throws: `Failure` for the `pread` that failed.
    package static func readAll(
        _ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64
    ) throws(Failure) -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        return try whole(buffer.count, "read") { pread(fd, base + $0, buffer.count - $0, off_t(offset) + off_t($0)) }
    }

    /// Calls `transfer(done)` until `count` bytes are done or it returns 0 (the end of a file), as `read` and
    /// `write` may do fewer bytes than asked; retries `EINTR`.
    private static func whole(
        _ count: Int, _ operation: String, _ transfer: (_ done: Int) -> Int
    ) throws(Failure) -> Int {
        var done = 0
        while done < count {
            let n = transfer(done)
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(operation: operation, errno: errno)
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// One `read` at the descriptor's position into `buffer`, retried on `EINTR`.
    /// - Returns: the bytes read, 0 at the end of the file.
    /// - Throws: `Failure` for the `read` that failed.
    package static func readSome(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(Failure) -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        while true {
            let count = read(fd, base, buffer.count)
            if count >= 0 { return count }
            if errno != EINTR { throw Failure(operation: "read", errno: errno) }
        }
    }

    /// The size in bytes of the file at `path`.
    /// - Throws: `Failure` for the `stat` that failed (`ENOENT` when there is no such file).
    package static func size(_ path: String) throws(Failure) -> UInt64 {
        var info = stat()
        guard stat(path, &info) == 0 else { throw Failure(operation: "stat", errno: errno) }
        return UInt64(info.st_size)
    }

    /// Creates the directory at `path` and those missing above it, each made durable in its parent (a crash
    /// leaves no file inside a directory whose own name was lost) unless `syncParents` is false (the caller flushes
    /// the file system later); one that exists already is left alone.
    /// - Returns: whether it made the directory at `path`.
    /// - Throws: `Failure` for the `mkdir`, `open` or `fsync` that failed.
    @discardableResult
    package static func makeDirectories(_ path: String, syncParents: Bool = true) throws(Failure) -> Bool {
        let parent = path.lastIndex(of: "/").map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        var madeParent = false
        while mkdir(path, 0o777) != 0 {
            switch errno {
            case EINTR: continue
            case EEXIST: return false
            case ENOENT where !madeParent && parent != path && parent != ".":
                try makeDirectories(parent, syncParents: syncParents)
                madeParent = true
            default: throw Failure(operation: "create directory", errno: errno)
            }
        }
        if syncParents { try syncDirectory(parent) }
        return true
    }

    /// Runs `work`, a call that blocks on the disk (`fsync`), on a thread outside Swift's cooperative pool, and
    /// waits for it without holding one of the pool's threads. The pool has one thread a core and makes no other
    /// when one blocks, so a segment's `fsync` there left its core idle while work waited.
    package static func offPool<T: Sendable, E: Error>(_ work: @escaping @Sendable () throws(E) -> T) async throws(E)
        -> T
    {
        let result: Result<T, E> = await withCheckedContinuation { continuation in
            blockingQueue.async { continuation.resume(returning: Result { () throws(E) in try work() }) }
        }
        return try result.get()
    }

    /// Where `offPool` runs its calls: a queue of its own is served by threads that `libdispatch` adds beyond one
    /// a core (its overcommitting root queue), which the cooperative pool is not.
    private static let blockingQueue = DispatchQueue(label: "msgarchive.blocking-io", attributes: .concurrent)

    /// Makes the entries of the directory at `path` durable (a new or renamed file's name is durable only then).
    /// - Throws: `Failure` for the `open` or `fsync` that failed.
    package static func syncDirectory(_ path: String) throws(Failure) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(operation: "open directory", errno: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw Failure(operation: "fsync directory", errno: errno) }
    }
}
