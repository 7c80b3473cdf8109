import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Makes many small segments durable with two flushes of their file system instead of three `fsync`s each.
///
/// A segment of fewer than `smallBytes` written with a batch (`withSegmentWriter(at:options:batch:)`) is left
/// under its temporary name without an `fsync`, and a new directory is made without syncing its parent. `seal()`
/// then flushes the file system (`syncfs(2)`), renames every waiting segment into place and flushes it again: a
/// final name still never holds a partial file (DESIGN.md invariant 4), and everything is durable when it
/// returns. Until then the segments are only temporary files, which recovery removes after a crash, so the
/// caller seals before it commits them to the catalog. A quiet service's history of 5,000 days, one small
/// segment a day, spent most of its run in 15,000 `fsync`s.
package final class SegmentBatch: Sendable {
    /// Stored bytes under which a segment waits for `seal`. A larger one is made durable on its own: writing its
    /// data costs more than the flush, and that write overlaps the next segment's work.
    package static let smallBytes: UInt64 = 1 << 20
    /// Segments waiting before the writer of the batch seals it, so that temporary files do not pile up.
    package static let sealEvery = 256

    private struct State {
        var renames: [(temporary: URL, final: URL)] = []
        /// Directories above the segments' directories made or written to since the last seal: one per file
        /// system in practice, each flushed by `seal`.
        var roots: Set<String> = []
    }

    private let state = Mutex(State())

    package init() {}

    /// Segments waiting for `seal`.
    package var waiting: Int { state.withLock { $0.renames.count } }

    /// Records a segment written under `temporary` to be renamed to `final` by the next seal.
    func add(temporary: URL, final: URL) {
        let root = final.deletingLastPathComponent().deletingLastPathComponent().path
        state.withLock {
            $0.renames.append((temporary, final))
            $0.roots.insert(root)
        }
    }

    /// Records a directory made without syncing its parent, which the next seal makes durable.
    func madeDirectory(_ directory: String) {
        let root = URL(fileURLWithPath: directory).deletingLastPathComponent().path
        state.withLock { _ = $0.roots.insert(root) }
    }

    /// Makes every segment waiting durable under its final name.
    /// - Throws: `SegmentError.io` when a flush or a rename fails; the segments not yet renamed wait again, for
    ///   `discard` (or the next run's recovery, which removes temporary files).
    package func seal() throws(SegmentError) {
        let (renames, roots) = state.withLock { state in
            defer { state = State() }
            return (state.renames, state.roots)
        }
        guard !roots.isEmpty else { return }
        var renamed = 0
        defer {
            if renamed < renames.count {
                state.withLock {
                    $0.renames += renames[renamed...]
                    $0.roots.formUnion(roots)
                }
            }
        }
        try flush(roots, paths: renames.map(\.temporary.path))
        for (temporary, final) in renames {
            // See: rename(2); atomic within one file system, which the same directory guarantees.
            guard rename(temporary.path, final.path) == 0 else {
                throw SegmentError.io(path: final.path, operation: "rename into place", errno: errno)
            }
            renamed += 1
        }
        try flush(roots, paths: Set(renames.map { $0.final.deletingLastPathComponent().path }).sorted() + roots)
    }

    /// Removes the temporary files of the segments waiting: for a write that failed before its seal.
    package func discard() {
        let renames = state.withLock { state in
            defer { state = State() }
            return state.renames
        }
        for (temporary, _) in renames { unlink(temporary.path) }
    }

    /// Makes the data and names written under `roots` durable: one `syncfs` a file system on Linux; elsewhere an
    /// `fsync` of each of `paths` (the files before their renames, their directories and the roots after).
    private func flush(_ roots: Set<String>, paths: [String]) throws(SegmentError) {
        #if os(Linux)
            var devices: Set<UInt64> = []
            for root in roots.sorted() {
                let fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                guard fd >= 0 else { throw SegmentError.io(path: root, operation: "open directory", errno: errno) }
                defer { close(fd) }
                var info = stat()
                guard fstat(fd, &info) == 0 else { throw SegmentError.io(path: root, operation: "stat", errno: errno) }
                guard devices.insert(UInt64(info.st_dev)).inserted else { continue }
                // See: syncfs(2); since Linux 5.8 it also reports writeback errors of the file system.
                guard syncfs(fd) == 0 else { throw SegmentError.io(path: root, operation: "syncfs", errno: errno) }
            }
        #else
            for path in paths {
                let fd = open(path, O_RDONLY | O_CLOEXEC)
                guard fd >= 0 else { throw SegmentError.io(path: path, operation: "open", errno: errno) }
                defer { close(fd) }
                guard fsync(fd) == 0 else { throw SegmentError.io(path: path, operation: "fsync", errno: errno) }
            }
        #endif
    }
}

#if os(Linux)
    /// glibc's `syncfs(2)`, which Swift's Glibc module does not import (it is declared only with `_GNU_SOURCE`).
    @_silgen_name("syncfs")
    private func syncfs(_ fd: Int32) -> Int32
#endif
