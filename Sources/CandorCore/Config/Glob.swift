import Foundation

/// A shell-style pattern over `/`-separated paths: `*` any run of characters
/// within one segment, `**` any run across segments (`**/` also none), `?` one
/// character other than `/`. Also used for rule-id patterns (`affiliate.*`).
public struct Glob: Sendable, CustomStringConvertible {
    public let description: String
    private let pattern: [Unicode.Scalar]

    public init(_ pattern: String) {
        description = pattern
        self.pattern = Array(pattern.unicodeScalars)
    }

    public func matches(_ text: String) -> Bool {
        Self.match(pattern, 0, Array(text.unicodeScalars), 0)
    }

    /// True when the pattern matches the path or one of its folders, so
    /// `drafts` and `drafts/**` both cover `drafts/a.md`.
    public func matches(path: String) -> Bool {
        if matches(path) { return true }
        var folder = Substring(path)
        while let slash = folder.lastIndex(of: "/") {
            folder = folder[..<slash]
            if matches(String(folder)) { return true }
        }
        return false
    }

    private static func match(_ p: [Unicode.Scalar], _ pi: Int, _ s: [Unicode.Scalar], _ si: Int) -> Bool {
        var pi = pi, si = si
        while pi < p.count {
            switch p[pi] {
            case "*" where pi + 1 < p.count && p[pi + 1] == "*":
                if pi + 2 < p.count, p[pi + 2] == "/", match(p, pi + 3, s, si) { return true }
                return (si...s.count).contains { match(p, pi + 2, s, $0) }
            case "*":
                for end in si...s.count {
                    if match(p, pi + 1, s, end) { return true }
                    if end < s.count, s[end] == "/" { break }
                }
                return false
            case "?":
                guard si < s.count, s[si] != "/" else { return false }
            default:
                guard si < s.count, s[si] == p[pi] else { return false }
            }
            pi += 1
            si += 1
        }
        return si == s.count
    }
}

/// The `include` / `exclude` lists of a config file, matched against paths
/// relative to the config file's folder. Applied to files found by walking a
/// folder; a file named on the command line is always audited.
public struct PathFilter: Sendable {
    public let base: String
    public let include: [Glob]
    public let exclude: [Glob]

    public init(base: String, include: [String], exclude: [String]) {
        self.base = ProjectPaths.absolute(base)
        self.include = include.map(Glob.init)
        self.exclude = exclude.map(Glob.init)
    }

    public func accepts(_ path: String) -> Bool {
        // A file outside the config's folder is outside its patterns too.
        guard let relative = ProjectPaths.relative(path, to: base, absoluteBase: true) else { return true }
        if !include.isEmpty, !include.contains(where: { $0.matches(path: relative) }) { return false }
        return !exclude.contains { $0.matches(path: relative) }
    }
}

enum ProjectPaths {
    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// `path` relative to the folder `base`; nil when it lies outside it.
    static func relative(_ path: String, to base: String, absoluteBase: Bool = false) -> String? {
        let full = absolute(path), folder = absoluteBase ? base : absolute(base)
        if folder == "/" { return String(full.dropFirst()) }
        guard full.hasPrefix(folder + "/") else { return nil }
        return String(full.dropFirst(folder.count + 1))
    }

    /// How a report's document is named in a baseline or ignore file kept in
    /// `folder`: relative to it, so the file works from any working directory.
    static func document(_ path: String, in folder: String) -> String {
        path == "-" ? path : relative(path, to: folder) ?? absolute(path)
    }
}
