import Foundation
import Segments

/// Segments written in the background while ingest reads on, so compression keeps every core busy instead of
/// waiting for the reader, and one segment's fsync overlaps the others' work.
///
/// While reading, one segment at a time keeps memory near the ingest budget (the caller leaves a share of the
/// budget for it); once reading is done the buffers left are already counted, so `limit` can rise.
final class SegmentWriteQueue {
    /// Segments in flight at once.
    var limit = 1
    private var inFlight: [Task<WrittenSegment, any Error>] = []
    private let done: (WrittenSegment) throws -> Void

    /// - Parameter done: called on the caller's side, in submission order, with each segment written.
    init(done: @escaping (WrittenSegment) throws -> Void) {
        self.done = done
    }

    /// Starts writing `buffer` to `url`, first waiting for a slot.
    func submit(_ buffer: RecordBuffer, to url: URL, options: SegmentOptions, keepDigests: Bool) async throws {
        try await collect(leaving: limit - 1)
        inFlight.append(
            Task { try await WrittenSegment.write(buffer, to: url, options: options, keepDigests: keepDigests) })
    }

    /// Waits until at most `room` segments are in flight.
    /// - Throws: the first error of a segment write, or of `done`.
    func collect(leaving room: Int = 0) async throws {
        while inFlight.count > room {
            try done(try await inFlight.removeFirst().value)
        }
    }

    /// After an error, lets the segments in flight finish (or remove their temporary files) before the error
    /// ends the process; their own errors are dropped.
    func abandon() async {
        for task in inFlight { _ = try? await task.value }
        inFlight = []
    }
}
