import Foundation
import Run

/// A one-line progress display on stderr, drawn only when stderr is a terminal (never in cron mail or logs).
final class ProgressLine: ProgressDisplay {
    private let enabled: Bool
    private var lastWidth = 0

    /// Draws only if `enabled` and stderr is a TTY.
    init(enabled: Bool) {
        self.enabled = enabled && isatty(STDERR_FILENO) == 1
    }

    /// Replaces the line with `text`.
    func show(_ text: String) {
        guard enabled else { return }
        let padded = text.padding(toLength: max(text.count, lastWidth), withPad: " ", startingAt: 0)
        lastWidth = text.count
        FileHandle.standardError.write(Data(("\r" + padded).utf8))
    }

    /// Clears the line.
    func finish() {
        guard enabled, lastWidth > 0 else { return }
        FileHandle.standardError.write(Data(("\r" + String(repeating: " ", count: lastWidth) + "\r").utf8))
        lastWidth = 0
    }
}
