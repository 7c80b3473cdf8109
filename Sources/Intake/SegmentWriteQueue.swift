import Foundation
import Segments

/// Segments written in the background while ingest reads on, so compression keeps every core busy instead of
/// waiting for the reader, and one segment's fsync overlaps the others' work.
///
/// While reading, one segment at a time keeps memory near the ingest budget (the caller leaves a share of the
/// budget for it); once reading is done the buffers left are already counted, so four go at once.
package final class SegmentWriteQueue {
    /// Segments in flight at once.
    private var limit = 1
    private var inFlight: [Task<WrittenSegment, any Error>] = []
    private let done: (WrittenSegment) throws -> Void

    /// - Parameter done: called on the caller's side, in submission order, with each segment written.
    package init(done: @escaping (WrittenSegment) throws -> Void) {
        self.done = done
    }

    /// Starts writing `buffer` to `url`, first waiting for a slot.
    package func submit(_ buffer: RecordBuffer, to url: URL, options: SegmentOptions, keepDigests: Bool) async throws {
        try await collect(leaving: limit - 1)
        inFlight.append(
            Task { try await WrittenSegment.write(buffer, to: url, options: options, keepDigests: keepDigests) })
    }

    /// Runs `read`, which submits segments as buffers fill, then `finish`, which submits the rest several at a
    /// time, and waits for every segment. On an error, the segments in flight end first (writing, or removing
    /// their temporary files) before it is thrown.
    package func writeAll<T>(read: () async throws -> T, finish: () async throws -> Void) async throws -> T {
        do {
            let result = try await read()
            try await collect()
            limit = 4
            try await finish()
            try await collect()
            return result
        } catch {
            for task in inFlight { _ = try? await task.value }
            inFlight = []
            throw error
        }
    }

    /// Waits until at most `room` segments are in flight.
    /// - Throws: the first error of a segment write, or of `done`.
    private func collect(leaving room: Int = 0) async throws {
        while inFlight.count > room {
            try done(try await inFlight.removeFirst().value)
        }
    }
}
