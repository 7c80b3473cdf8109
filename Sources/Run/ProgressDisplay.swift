/// Where a run shows how far it is through its logs; the CLI draws it on a terminal.
package protocol ProgressDisplay: AnyObject {
    /// Replaces what is shown with `text`.
    func show(_ text: String)
    /// Clears what was shown.
    func finish()
}
