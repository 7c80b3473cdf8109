import Foundation

/// Expands the source globs of a pipeline file into log files.
///
/// Patterns are split at `/`; a component may use `*` and `?` (never matching `/` or a leading `.`), `[abc]`,
/// `[a-z]`, `[!a-z]` or `[^a-z]`, and `\` to escape; a component that is exactly `**` matches any number of
/// directories, none included. Relative patterns start at `relativeTo`. Only regular files (or links to them)
/// are returned; symbolic links to directories are not followed by `**`, so a link loop cannot hang the walk.
package enum SourceGlob {
    /// The files one pattern matched, sorted by path, without duplicates; empty when it matched nothing.
    package struct Match: Sendable, Equatable {
        /// The pattern as written.
        package var pattern: String
        /// The files it matched, as absolute paths without `.` or `..` components.
        package var files: [URL]

        /// The match of `pattern` that found `files`.
        package init(pattern: String, files: [URL]) {
            self.pattern = pattern
            self.files = files
        }
    }

    /// Expands each pattern; the caller reports patterns that matched nothing.
    /// - Throws: `IngestError.badPattern` for a malformed pattern.
    package static func expand(_ patterns: [String], relativeTo root: URL) throws -> [Match] {
        try patterns.map { pattern in
            let absolute = pattern.hasPrefix("/")
            let start = absolute ? "/" : root.path
            let components = pattern.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
            for component in components where component != "**" {
                try validate(component, in: pattern)
            }
            var found = Set<String>()
            walk(start, components[...], into: &found)
            let files = found.sorted().map { URL(fileURLWithPath: $0) }
            return Match(pattern: pattern, files: files)
        }
    }

    // Paths as strings, not URLs: building, joining and standardizing a URL per file was a sixth of a run
    // over 20,000 unchanged logs.
    private static func walk(_ directory: String, _ rest: ArraySlice<String>, into found: inout Set<String>) {
        guard let component = rest.first else { return }
        let remaining = rest.dropFirst()
        if component == "**" {
            walk(directory, remaining, into: &found)
            for name in names(in: directory) where isDirectory(join(directory, name), followLinks: false) {
                walk(join(directory, name), rest, into: &found)
            }
            return
        }
        let candidates =
            hasWildcard(component)
            ? names(in: directory).filter { matches(component, $0) }.map { join(directory, $0) }
            : [join(directory, unescape(component))]
        for candidate in candidates {
            if remaining.isEmpty {
                if isRegularFile(candidate) { found.insert(standardized(candidate)) }
            } else if isDirectory(candidate, followLinks: true) {
                walk(candidate, remaining, into: &found)
            }
        }
    }

    private static func names(in directory: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    }

    private static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// The path without `.` and `..` components, as `URL.standardizedFileURL` gives it; most paths have none.
    private static func standardized(_ path: String) -> String {
        path.contains("/.") ? URL(fileURLWithPath: path).standardizedFileURL.path : path
    }

    private static func isDirectory(_ path: String, followLinks: Bool) -> Bool {
        var info = stat()
        let status = followLinks ? stat(path, &info) : lstat(path, &info)
        return status == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    private static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
    }

    private static func hasWildcard(_ component: String) -> Bool {
        component.contains { $0 == "*" || $0 == "?" || $0 == "[" || $0 == "\\" }
    }

    private static func unescape(_ component: String) -> String {
        component.replacingOccurrences(of: "\\", with: "")
    }

    private static func validate(_ component: String, in pattern: String) throws {
        let chars = Array(component)
        var i = 0
        while i < chars.count {
            if chars[i] == "\\" {
                i += 2
                continue
            }
            if chars[i] == "[" {
                guard let close = classEnd(chars, i) else {
                    throw IngestError.badPattern(pattern: pattern, why: "a '[' is never closed by ']'")
                }
                i = close
            }
            i += 1
        }
    }

    /// The index of the `]` closing the class that opens at `open`, or nil.
    private static func classEnd(_ chars: [Character], _ open: Int) -> Int? {
        var i = open + 1
        if i < chars.count, chars[i] == "!" || chars[i] == "^" { i += 1 }
        if i < chars.count, chars[i] == "]" { i += 1 }  // a leading ']' is a member, as in glob(7)
        while i < chars.count, chars[i] != "]" { i += 1 }
        return i < chars.count ? i : nil
    }

    /// Whether `name` matches one pattern component (backtracking on `*`, as fnmatch does).
    static func matches(_ pattern: String, _ name: String) -> Bool {
        let p = Array(pattern)
        let s = Array(name)
        if s.first == ".", p.first != "." { return false }
        var pi = 0
        var si = 0
        var starP = -1
        var starS = 0
        while si < s.count {
            if pi < p.count, p[pi] == "*" {
                starP = pi
                starS = si
                pi += 1
                continue
            }
            if pi < p.count, let next = matchOne(p, pi, s[si]) {
                pi = next
                si += 1
                continue
            }
            guard starP >= 0 else { return false }
            pi = starP + 1
            starS += 1
            si = starS
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }

    /// The pattern index after matching `c` at `pi`, or nil when it does not match.
    private static func matchOne(_ p: [Character], _ pi: Int, _ c: Character) -> Int? {
        switch p[pi] {
        case "?":
            return pi + 1
        case "\\" where pi + 1 < p.count:
            return p[pi + 1] == c ? pi + 2 : nil
        case "[":
            guard let close = classEnd(p, pi) else { return p[pi] == c ? pi + 1 : nil }
            var i = pi + 1
            let negated = p[i] == "!" || p[i] == "^"
            if negated { i += 1 }
            var hit = false
            while i < close {
                if i + 2 < close, p[i + 1] == "-" {
                    if p[i] <= c && c <= p[i + 2] { hit = true }
                    i += 3
                } else {
                    if p[i] == c { hit = true }
                    i += 1
                }
            }
            return hit != negated ? close + 1 : nil
        default:
            return p[pi] == c ? pi + 1 : nil
        }
    }
}
