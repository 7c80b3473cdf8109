import Codecs
import FileIO
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One line of a log.
package struct LogLine: Sendable {
    /// 1-based line number in the (decompressed) log.
    package var number: Int
    /// The line's bytes without the newline (a `\r` before it stays); at most `maxLineBytes` of them when `tooLong`.
    package var bytes: ArraySlice<UInt8>
    /// The line was longer than the limit; `bytes` holds its start, `fullLength` its length.
    package var tooLong: Bool
    /// The line's length in bytes without the newline, even when only a prefix was kept.
    package var fullLength: Int
    /// The line ended with a newline (false only for the last line of a log).
    package var terminated: Bool
    /// Offset just past this line (and its newline) in the decompressed stream.
    package var endOffset: UInt64
}

/// One line of a `LineBatch`: where its bytes lie in the batch's buffer, and the rest of what `LogLine` says.
package struct LineSpan: Sendable {
    package var number: Int
    /// The line's bytes (as `LogLine.bytes`) in the batch's buffer.
    package var range: Range<Int>
    package var tooLong: Bool
    package var fullLength: Int
    package var terminated: Bool
    package var endOffset: UInt64

    package init(number: Int, range: Range<Int>, tooLong: Bool, fullLength: Int, terminated: Bool, endOffset: UInt64) {
        (self.number, self.range, self.tooLong) = (number, range, tooLong)
        (self.fullLength, self.terminated, self.endOffset) = (fullLength, terminated, endOffset)
    }
}

/// Consecutive lines of a log in one buffer of the reader's: `LineReader.nextBatch` hands them over without a
/// slice for each, whose reference to the buffer cost a retain and a release wherever a line was copied (5% of a
/// compaction of short lines).
package struct LineBatch: Sendable {
    /// The buffer the lines lie in (shared with the reader, never copied).
    package let bytes: [UInt8]
    package var spans: [LineSpan]

    /// The line at `k` as `LineReader.next()` would have returned it.
    package func line(_ k: Int) -> LogLine { LogLine(spans[k], in: bytes) }
}

extension LogLine {
    /// The line `span` of `bytes`.
    package init(_ span: LineSpan, in bytes: [UInt8]) {
        self.init(
            number: span.number, bytes: bytes[span.range], tooLong: span.tooLong, fullLength: span.fullLength,
            terminated: span.terminated, endOffset: span.endOffset)
    }

    /// The raw bytes of `record`'s body in this line (the line `record` was scanned from), or nil.
    package func body(of record: ScannedRecord) -> ArraySlice<UInt8>? {
        record.body.map { bytes[(bytes.startIndex + $0.lowerBound)..<(bytes.startIndex + $0.upperBound)] }
    }
}

/// Streams the lines of a `.jsonl`, `.jsonl.gz`, `.jsonl.lz4` or `.jsonl.zst` log with large buffered reads.
///
/// Memory stays bounded by the read size, `maxLineBytes` and one read's decompressed output: a line longer than
/// `maxLineBytes` keeps only its first `maxLineBytes` bytes and the rest is counted, not buffered. `bytes` of a
/// returned line is a slice of the reader's buffer, which a refill leaves to the lines still holding it.
package final class LineReader {
    /// Bytes asked of `read(2)` at a time for plain logs.
    static let plainReadSize = 1 << 20
    /// Compressed bytes fed to the decompressor at a time: small enough that one feed's output stays modest.
    static let compressedReadSize = 256 << 10

    /// A line cut at `maxLineBytes`, in the order such lines occur.
    private struct LongLine {
        /// Absolute buffer position of the newline the reader put after the kept prefix, nil until the line ends.
        var newlinePosition: Int?
        /// Bytes dropped after the kept prefix.
        var dropped: Int
        /// The line ended at a newline (false when the log ended inside it).
        var terminated: Bool
    }

    private let path: String
    private let fd: Int32
    private let decompressor: StreamDecompressor?
    private let maxLineBytes: Int
    private let startOffset: UInt64
    private var lineNumber: Int

    /// Lines not yet returned; `pending[head...]` is unread, `pending[..<head]` may be dropped on the next refill.
    private var pending: [UInt8] = []
    /// The buffer `pending` was before the last refill, to be filled again at the next.
    private var spare: [UInt8] = []
    private var head = 0
    /// Absolute stream position (counting only kept bytes) of `pending[0]`.
    private var pendingBase = 0
    /// Length of the current line's kept bytes that are already in `pending` but have no newline yet.
    private var openLineLength = 0
    private var skipping = false
    private var longLines: [LongLine] = []
    private var longLinesHead = 0
    /// Bytes dropped from too-long lines already returned, to turn buffer positions into stream offsets.
    private var droppedBefore = 0
    /// Decompressed bytes still to discard before `startOffset` is reached (compressed logs only).
    private var toSkip: UInt64 = 0
    private var readBuffer: [UInt8]
    private var atEnd = false
    private var deferredError: IngestError?

    /// Opens `url`; logs may start at `offset` (the tail a previous run has not read), counted in decompressed
    /// bytes for compressed logs (which are then decompressed from the start and the first `offset` bytes skipped).
    /// - Throws: `IngestError.fileNotFound` or `.unreadable`.
    package init(url: URL, offset: UInt64 = 0, firstLineNumber: Int = 1, maxLineBytes: Int = 1 << 20) throws {
        path = url.path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw code == ENOENT
                ? IngestError.fileNotFound(path: path) : IngestError.unreadable(path: path, errno: code)
        }
        self.maxLineBytes = max(maxLineBytes, 1)
        startOffset = offset
        lineNumber = firstLineNumber
        if let codec = Codec(fileName: url.lastPathComponent) {
            do {
                decompressor = try StreamDecompressor(codec: codec)
            } catch {
                close(fd)
                throw error
            }
            toSkip = offset
            readBuffer = Self.readBuffer(Self.compressedReadSize)
        } else {
            decompressor = nil
            readBuffer = Self.readBuffer(Self.plainReadSize)
            if offset > 0, lseek(fd, off_t(offset), SEEK_SET) < 0 {
                let code = errno
                close(fd)
                throw IngestError.unreadable(path: path, errno: code)
            }
        }
        pending.reserveCapacity(Self.plainReadSize + self.maxLineBytes + 1)
    }

    deinit {
        close(fd)
    }

    /// A buffer for `read(2)`, left uninitialized: only the bytes a read returns are ever looked at, and zeroing
    /// a megabyte for each of 20,000 logs of a few kilobytes was a tenth of a sparse run.
    private static func readBuffer(_ count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }

    /// The next line, or nil at the end.
    /// - Throws: `IngestError` when reading fails or a compressed log is damaged or truncated; the lines before
    ///   the damage are returned first.
    package func next() throws -> LogLine? {
        guard let batch = try nextBatch(bytes: 0) else { return nil }
        return batch.line(0)
    }

    /// The next lines, as many as come to `bytes` (with their newlines) or the first past it, and at least one,
    /// all from one buffer (so a batch ends where the buffer is refilled); nil at the end. Throws as `next()`.
    package func nextBatch(bytes limit: Int) throws -> LineBatch? {
        var spans: [LineSpan] = []
        var total = 0
        while true {
            while spans.isEmpty || total < limit, let span = takeLine() {
                spans.append(span)
                total += span.range.count + 1
            }
            if !spans.isEmpty { return LineBatch(bytes: pending, spans: spans) }
            if atEnd {
                if let error = deferredError {
                    deferredError = nil
                    throw error
                }
                return takeFinalLine().map { LineBatch(bytes: pending, spans: [$0]) }
            }
            try refill()
        }
    }

    /// A complete line from `pending`, or nil when none is there.
    private func takeLine() -> LineSpan? {
        let available = pending.count - head
        guard available > 0 else { return nil }
        let newline: Int? = pending.withUnsafeBytes { buffer -> Int? in
            guard let base = buffer.baseAddress, let found = memchr(base + head, 0x0A, available) else { return nil }
            return UnsafeRawPointer(found) - base
        }
        guard let newline else { return nil }
        var line = LineSpan(
            number: lineNumber, range: head..<newline, tooLong: false, fullLength: newline - head, terminated: true,
            endOffset: 0)
        if longLinesHead < longLines.count, longLines[longLinesHead].newlinePosition == pendingBase + newline {
            let long = longLines[longLinesHead]
            longLinesHead += 1
            line.tooLong = true
            line.fullLength += long.dropped
            line.terminated = long.terminated
            droppedBefore += long.dropped
            if longLinesHead == longLines.count {
                longLines.removeAll(keepingCapacity: true)
                longLinesHead = 0
            }
        }
        // The newline of a too-long line that ended without one was put there by `finishInput`.
        line.endOffset = streamOffset(newline + (line.terminated ? 1 : 0))
        head = newline + 1
        lineNumber += 1
        return line
    }

    /// The unterminated last line, or nil when the log ended with a newline.
    private func takeFinalLine() -> LineSpan? {
        guard head < pending.count else { return nil }
        let end = pending.count
        let line = LineSpan(
            number: lineNumber, range: head..<end, tooLong: false, fullLength: end - head, terminated: false,
            endOffset: streamOffset(end))
        head = end
        lineNumber += 1
        return line
    }

    private func streamOffset(_ position: Int) -> UInt64 {
        startOffset + UInt64(pendingBase + position + droppedBefore)
    }

    /// Drops returned lines from the buffer and reads (and decompresses) the next chunk.
    private func refill() throws {
        if head > 0 {
            // Into another buffer: lines returned earlier may still hold this one (a batch being ingested while
            // the next is read), and shrinking it in place would copy it whole, at whatever capacity. The one before
            // is emptied and filled again: its lines are taken by now, so its pages are reused instead of faulted
            // in anew (if some line still holds it, emptying makes a new buffer and that line keeps the old).
            var kept = spare
            kept.removeAll(keepingCapacity: true)
            kept.reserveCapacity(Self.plainReadSize + maxLineBytes + 1)
            kept.append(contentsOf: pending[head...])
            spare = pending
            pending = kept
            pendingBase += head
            head = 0
        }
        let count: Int
        do {
            count = try readBuffer.withUnsafeMutableBytes { buffer in
                try FileIO.readSome(fd, into: buffer)
            }
        } catch let error as FileIO.Failure {
            throw IngestError.unreadable(path: path, errno: error.errno)
        }
        guard count > 0 else {
            finishInput()
            return
        }
        guard let decompressor else {
            readBuffer.withUnsafeBytes { absorb(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            return
        }
        do {
            try readBuffer.withUnsafeBytes { input in
                try decompressor.decompress(UnsafeRawBufferPointer(rebasing: input[0..<count])) { output in
                    absorbDecompressed(output)
                }
            }
        } catch {
            deferredError = .corrupt(path: path, cause: error)
            atEnd = true
        }
    }

    private func finishInput() {
        atEnd = true
        if let decompressor {
            do {
                try decompressor.finish()
            } catch {
                deferredError = .truncated(path: path, cause: error)
                return
            }
        }
        if skipping {
            // The log ended inside a too-long line: end its kept prefix so `takeLine` returns it, unterminated.
            skipping = false
            longLines[longLines.count - 1].newlinePosition = pendingBase + pending.count
            longLines[longLines.count - 1].terminated = false
            pending.append(0x0A)
        }
    }

    private func absorbDecompressed(_ output: UnsafeRawBufferPointer) {
        var output = output
        if toSkip > 0 {
            let skipped = Int(min(toSkip, UInt64(output.count)))
            toSkip -= UInt64(skipped)
            output = UnsafeRawBufferPointer(rebasing: output[skipped...])
        }
        absorb(output)
    }

    /// Appends a chunk to `pending`, cutting lines longer than `maxLineBytes` to their first `maxLineBytes` bytes.
    private func absorb(_ chunk: UnsafeRawBufferPointer) {
        guard let base = chunk.baseAddress else { return }
        let n = chunk.count
        var i = 0
        var runStart = 0
        while i < n {
            if skipping {
                guard let found = memchr(base + i, 0x0A, n - i) else {
                    longLines[longLines.count - 1].dropped += n - i
                    return
                }
                let newline = UnsafeRawPointer(found) - base
                longLines[longLines.count - 1].dropped += newline - i
                longLines[longLines.count - 1].newlinePosition = pendingBase + pending.count
                pending.append(0x0A)
                skipping = false
                i = newline + 1
                runStart = i
                continue
            }
            // Look for the newline only as far as the current line may still reach.
            let room = maxLineBytes - openLineLength
            let window = min(n - i, room + 1)
            if let found = memchr(base + i, 0x0A, window) {
                i = (UnsafeRawPointer(found) - base) + 1
                openLineLength = 0
            } else if window == n - i && n - i <= room {
                openLineLength += n - i
                i = n
            } else {
                // The line passes the limit: keep what fits, then drop bytes until its newline.
                pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[runStart..<i + room]))
                longLines.append(LongLine(newlinePosition: nil, dropped: 0, terminated: true))
                skipping = true
                openLineLength = 0
                i += room
                runStart = i
            }
        }
        if !skipping, runStart < n {
            pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[runStart..<n]))
        }
    }
}
