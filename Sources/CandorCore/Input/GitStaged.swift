import Foundation

/// Runs `git` (found on PATH) and collects what it prints.
public enum Git {
    /// Why git could not answer: said as it is, exit status 2.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    public struct Output {
        public let status: Int32
        public let stdout: [UInt8]
        public let stderr: String
        /// Standard output was cut at the limit (the rest was not read).
        public let truncated: Bool

        public var text: String { String(decoding: stdout, as: UTF8.self) }
        /// Git's own complaint, for messages.
        public var complaint: String {
            let message = stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            return message.hasPrefix("fatal: ") ? String(message.dropFirst(7)) : message
        }
    }

    /// `git ARGUMENTS` in the current directory, with the caller's environment
    /// (so a hook sees the index git chose, `GIT_INDEX_FILE`). At most
    /// `limit` bytes of standard output are read; past that git is stopped.
    public static func run(_ arguments: [String], limit: Int = .max) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        var bytes: [UInt8] = []
        var truncated = false
        while true {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            bytes += chunk
            if bytes.count > limit {
                // Closing the pipe stops git (SIGPIPE); a signal could be blocked in the child.
                truncated = true
                try? out.fileHandleForReading.close()
                break
            }
        }
        // Git's stderr is a line or two: reading it after stdout cannot fill the pipe.
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: truncated ? 0 : process.terminationStatus, stdout: bytes, stderr: String(decoding: error, as: UTF8.self), truncated: truncated)
    }

    /// The current directory's path inside its work tree ("" at the top, "posts/" below it),
    /// or nil outside a work tree (no repository, a bare one, or inside `.git`).
    public static func workTreePrefix() throws -> String? {
        let output = try run(["rev-parse", "--is-inside-work-tree", "--show-prefix"])
        if output.status == 127 { throw Failure("git not found on PATH") }
        let lines = output.text.split(separator: "\n", omittingEmptySubsequences: false)
        guard output.status == 0, lines.first == "true" else { return nil }
        return lines.count > 1 ? String(lines[1]) : ""
    }
}

/// The posts staged for the next commit, read from the index, never the work tree.
public enum GitStaged {
    /// Every added, copied, modified or renamed text, Markdown or HTML file in
    /// the index (deleted ones have nothing to audit), under `pathspecs` if any,
    /// each whole. Paths are shown relative to the current directory, as
    /// `git status` does, so they open from where Candor ran. A file larger than
    /// `maxBytes` is read only far enough for the reader to report it.
    public static func sources(pathspecs: [String], format: InputFormat, maxBytes: Int) throws -> (sources: [InputSource], problems: [InputProblem]) {
        guard let prefix = try Git.workTreePrefix() else { throw Git.Failure("--staged: not inside a git work tree") }
        let listing = try Git.run(["diff", "--cached", "--name-only", "--diff-filter=ACMR", "--no-renames", "-z", "--"] + pathspecs)
        guard listing.status == 0 else { throw Git.Failure("--staged: git diff --cached failed: \(listing.complaint)") }
        var sources: [InputSource] = []
        var problems: [InputProblem] = []
        for entry in listing.stdout.split(separator: 0) {
            let path = String(decoding: entry, as: UTF8.self)
            guard InputDiscovery.postExtensions.contains(URL(fileURLWithPath: path).pathExtension.lowercased()) else { continue }
            let shown = relative(path, from: prefix)
            // `:path` names the index entry; git reads it from the top of the work tree.
            let blob = try Git.run(["show", ":" + path], limit: maxBytes)
            if blob.status == 0 {
                sources.append(InputSource(path: shown, format: format, contents: blob.stdout))
            } else {
                problems.append(InputProblem(path: shown, message: "cannot read the staged file (\(blob.complaint)), skipped"))
            }
        }
        return (sources, problems)
    }

    /// `path` (from the top of the work tree) as seen from the directory `prefix`.
    static func relative(_ path: String, from prefix: String) -> String {
        var up = prefix.split(separator: "/")
        var parts = path.split(separator: "/")
        while let first = up.first, parts.count > 1, parts.first == first {
            up.removeFirst()
            parts.removeFirst()
        }
        return (Array(repeating: "..", count: up.count) + parts.map(String.init)).joined(separator: "/")
    }
}
