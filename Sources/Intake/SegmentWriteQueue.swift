import Foundation
import Segments

/// Segments written in the background while ingest reads on, so compression keeps every core busy instead of
/// waiting for the reader, and one segment's fsync overlaps the others' work.
///
/// The writes are child tasks of a task group that `writeAll` owns: none outlives it, and an error or a
/// cancellation ends the writes in flight (written, or their temporary files removed) before it returns.
/// At most one segment a core is in flight (four zstd-9 writers, each with three 18 MB contexts, took the run of
/// the 300 MB long corpus to 216 MiB). While reading, the buffers in flight also stay within `memory`, the share
/// of the budget the caller leaves for them, though one goes whatever its size; once reading is done the buffers
/// left are already counted. (With one segment at a time while reading, a day's segment waited at the end of
/// each log for the day before's: the reader stopped, a core idled, and a compaction of 35 days of short lines
/// took 3-7% longer.)
///
/// Small segments are made durable together (`SegmentBatch`): every `SegmentBatch.sealEvery` of them and before
/// `writeAll` returns, so everything it reported written is durable under its final name by then.
package final class SegmentWriteQueue {
    private struct Job: Sendable {
        var buffers: [RecordBuffer]
        var url: URL
        var options: SegmentOptions
        var keepDigests: Bool
    }

    private let memory: Int
    /// Whether `writeAll` is past `read`, so the buffers in flight are no longer held to `memory`.
    private var readingDone = false
    /// The buffer bytes of each segment in flight, in submission order.
    private var inFlight: [Int] = []
    private var bytesInFlight = 0
    /// Where `submit` hands jobs to the writer task, and where that task says how each job ended, numbered in
    /// the order of the jobs; set only while `writeAll` runs.
    private var jobs: AsyncStream<Job>.Continuation?
    private var ended: AsyncStream<(Int, Result<WrittenSegment, any Error>)>.AsyncIterator?
    /// Jobs ended out of order, waiting for the ones before them.
    private var early: [Int: Result<WrittenSegment, any Error>] = [:]
    private var delivered = 0
    private let done: (WrittenSegment) throws -> Void
    private let batch = SegmentBatch()

    /// - Parameters:
    ///   - memory: buffer bytes (`RecordBuffer.bytes`) the segments in flight may hold while reading goes on.
    ///   - done: called on the caller's side, in submission order, with each segment written.
    package init(memory: Int, done: @escaping (WrittenSegment) throws -> Void) {
        self.memory = memory
        self.done = done
    }

    /// Starts writing `buffers` (one, or one a day of a segment of several days, in day order) to `url`, first
    /// waiting for a slot. Only `writeAll`'s `read` and `finish` call it.
    package func submit(
        _ buffers: [RecordBuffer], to url: URL, options: SegmentOptions, keepDigests: Bool
    ) async throws {
        guard let jobs else { preconditionFailure("SegmentWriteQueue.submit outside writeAll") }
        let bytes = buffers.reduce(0) { $0 + $1.bytes }
        while inFlight.count >= SegmentOptions.cores
            || (!readingDone && !inFlight.isEmpty && bytesInFlight + bytes > memory)
        {
            try await deliverOldest()
        }
        inFlight.append(bytes)
        bytesInFlight += bytes
        jobs.yield(Job(buffers: buffers, url: url, options: options, keepDigests: keepDigests))
    }

    /// Runs `read`, which submits segments as buffers fill, then `finish`, which submits the rest several at a
    /// time, and waits for every segment. On an error, the segments in flight end first before it is thrown.
    package func writeAll<T>(read: () async throws -> T, finish: () async throws -> Void) async throws -> T {
        let (jobStream, jobs) = AsyncStream.makeStream(of: Job.self)
        let (endedStream, ended) = AsyncStream.makeStream(of: (Int, Result<WrittenSegment, any Error>).self)
        (self.jobs, self.ended, readingDone, inFlight, bytesInFlight, early, delivered) = (
            jobs, endedStream.makeAsyncIterator(), false, [], 0, [:], 0
        )
        defer { (self.jobs, self.ended) = (nil, nil) }
        let batch = batch
        do {
            return try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await Self.write(jobStream, reporting: ended, batch: batch) }
                defer { jobs.finish() }
                let result = try await read()
                readingDone = true
                try await finish()
                try await collect()
                if batch.waiting > 0 { CrashPoint.segmentsSealing.reach() }
                try batch.seal()
                return result
            }
        } catch {
            // The segments written whole stay, as when each was made durable on its own.
            if (try? batch.seal()) == nil { batch.discard() }
            throw error
        }
    }

    /// Writes each job in a child task of its own and reports how it ended; returns when `jobs` ends (or the task
    /// is cancelled) and the writes in flight have ended.
    private static func write(
        _ jobs: AsyncStream<Job>, reporting ended: AsyncStream<(Int, Result<WrittenSegment, any Error>)>.Continuation,
        batch: SegmentBatch
    ) async {
        await withDiscardingTaskGroup { group in
            var number = 0
            for await job in jobs {
                group.addTask { [number] in
                    do {
                        let segment = try await WrittenSegment.write(
                            job.buffers, to: job.url, options: job.options, keepDigests: job.keepDigests,
                            batch: batch)
                        ended.yield((number, .success(segment)))
                    } catch {
                        ended.yield((number, .failure(error)))
                    }
                }
                number += 1
            }
        }
        ended.finish()
    }

    /// Waits for every segment in flight, handing each to `done` in order.
    /// - Throws: the first error of a segment write, or of `done`.
    private func collect() async throws {
        while !inFlight.isEmpty { try await deliverOldest() }
    }

    /// Waits for the oldest segment in flight and hands it to `done`. Throws as `collect`.
    private func deliverOldest() async throws {
        while early[delivered] == nil {
            guard let (number, result) = await ended?.next() else { throw CancellationError() }
            early[number] = result
        }
        let segment = try early.removeValue(forKey: delivered)!.get()
        delivered += 1
        bytesInFlight -= inFlight.removeFirst()
        try done(segment)
        if batch.waiting >= SegmentBatch.sealEvery { try batch.seal() }
    }
}
