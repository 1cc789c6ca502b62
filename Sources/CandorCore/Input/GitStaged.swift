import Foundation
#if canImport(Glibc)
import Glibc
#endif

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
    /// (so a hook sees the index git chose, `GIT_INDEX_FILE`), fed `input` on
    /// its standard input. At most `limit` bytes of standard output are read;
    /// past that git is stopped. Spawned and reaped directly: a hook runs git a
    /// few times per commit and must not wait on a polling loop for each exit.
    public static func run(_ arguments: [String], input: [UInt8] = [], limit: Int = .max) throws -> Output {
        var stdinPipe: [Int32] = [-1, -1], stdoutPipe: [Int32] = [-1, -1], stderrPipe: [Int32] = [-1, -1]
        guard pipe(&stdinPipe) == 0, pipe(&stdoutPipe) == 0, pipe(&stderrPipe) == 0 else {
            let reason = String(cString: strerror(errno))
            for descriptor in stdinPipe + stdoutPipe + stderrPipe where descriptor >= 0 { close(descriptor) }
            throw Failure("cannot run git: \(reason)")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, stderrPipe[1], 2)
        // A pipe end numbered 0, 1 or 2 (Candor started with that stream closed) is already where
        // it belongs, or replaced by the dup2 above; closing it would close git's stream.
        for descriptor in stdinPipe + stdoutPipe + stderrPipe where descriptor > 2 {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }
        let argv: [UnsafeMutablePointer<CChar>?] = (["git"] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, "git", &actions, nil, argv, environ)
        close(stdinPipe[0])
        close(stdoutPipe[1])
        close(stderrPipe[1])
        guard spawned == 0 else {
            [stdinPipe[1], stdoutPipe[0], stderrPipe[0]].forEach { close($0) }
            // As a shell says it: 127 is "command not found".
            return Output(status: spawned == ENOENT ? 127 : 126, stdout: [], stderr: String(cString: strerror(spawned)), truncated: false)
        }
        // stdin is written, and stderr read, on threads of their own, so git never
        // waits on a full pipe while Candor waits on another.
        let helpers = DispatchGroup()
        let complaint = Collected()
        helpers.enter()
        let writer = Thread { [stdinPipe] in
            // Should git exit without reading, the write fails with EPIPE instead
            // of the signal ending Candor: SIGPIPE is blocked on this thread.
            var blocked = sigset_t()
            sigemptyset(&blocked)
            sigaddset(&blocked, SIGPIPE)
            pthread_sigmask(SIG_BLOCK, &blocked, nil)
            input.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = write(stdinPipe[1], buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0 && errno == EINTR { continue }
                    if written <= 0 { break }  // git stopped reading
                    offset += written
                }
            }
            close(stdinPipe[1])
            helpers.leave()
        }
        writer.start()
        helpers.enter()
        let errorReader = Thread { [stderrPipe] in
            readAll(stderrPipe[0]) { complaint.bytes += $0; return true }
            close(stderrPipe[0])
            helpers.leave()
        }
        errorReader.start()
        var bytes: [UInt8] = []
        var truncated = false
        readAll(stdoutPipe[0]) { chunk in
            bytes += chunk
            if bytes.count > limit {
                // Closing the pipe stops git (SIGPIPE).
                truncated = true
                return false
            }
            return true
        }
        close(stdoutPipe[0])
        helpers.wait()
        var status: Int32 = 0
        var reaped = waitpid(pid, &status, 0)
        while reaped < 0 && errno == EINTR { reaped = waitpid(pid, &status, 0) }
        // Without its exit status (SIGCHLD ignored by whoever started Candor) git's answer cannot be trusted.
        guard reaped == pid else { throw Failure("cannot tell how git ended: \(String(cString: strerror(errno)))") }
        // The low 7 bits name the signal that ended it; otherwise the exit status is the next byte.
        let signal = status & 0x7F
        let exitStatus = signal == 0 ? (status >> 8) & 0xFF : 128 + signal
        return Output(status: truncated ? 0 : exitStatus, stdout: bytes, stderr: String(decoding: complaint.bytes, as: UTF8.self), truncated: truncated)
    }

    /// Filled by one thread, read once it has finished.
    private final class Collected: @unchecked Sendable { var bytes: [UInt8] = [] }

    /// Hands over what a pipe gives until its end, or until `body` returns false.
    private static func readAll(_ descriptor: Int32, _ body: (ArraySlice<UInt8>) -> Bool) {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 || !body(buffer[0..<count]) { return }
        }
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
        let paths = listing.stdout.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            .filter { InputDiscovery.postExtensions.contains(URL(fileURLWithPath: $0).pathExtension.lowercased()) }
        // One `git cat-file --batch` reads every staged post; a path `--batch` cannot
        // name (it holds a newline) and a file too large to keep whole are read alone.
        let batched = paths.filter { !$0.contains("\n") }
        let sizes = try blobSizes(batched)
        let whole = batched.filter { (sizes[$0] ?? 0) <= maxBytes }
        var contents = try blobs(whole)
        var sources: [InputSource] = []
        var problems: [InputProblem] = []
        for path in paths {
            let shown = relative(path, from: prefix)
            if let bytes = contents.removeValue(forKey: path) {
                sources.append(InputSource(path: shown, format: format, contents: bytes))
                continue
            }
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

    /// The size of each path's staged blob, from `git cat-file --batch-check`.
    static func blobSizes(_ paths: [String]) throws -> [String: Int] {
        guard !paths.isEmpty else { return [:] }
        let output = try Git.run(["cat-file", "--batch-check=%(objectsize)"], input: Array(paths.map { ":" + $0 + "\n" }.joined().utf8))
        guard output.status == 0 else { return [:] }
        var sizes: [String: Int] = [:]
        // One line per name asked, in order: a size, or "NAME missing".
        for (path, line) in zip(paths, output.stdout.split(separator: 0x0A, omittingEmptySubsequences: false)) {
            if let size = Int(String(decoding: line, as: UTF8.self)) { sizes[path] = size }
        }
        return sizes
    }

    /// Each path's staged blob, from one `git cat-file --batch`; a path git
    /// cannot find is left out (and read alone, which says why).
    static func blobs(_ paths: [String]) throws -> [String: [UInt8]] {
        guard !paths.isEmpty else { return [:] }
        let output = try Git.run(["cat-file", "--batch"], input: Array(paths.map { ":" + $0 + "\n" }.joined().utf8))
        guard output.status == 0 else { return [:] }
        var found: [String: [UInt8]] = [:]
        var position = 0
        let bytes = output.stdout
        // Each answer: "OID TYPE SIZE\n" and SIZE bytes and "\n", or "NAME missing\n".
        for path in paths {
            guard let lineEnd = bytes[position...].firstIndex(of: 0x0A) else { break }
            let header = bytes[position..<lineEnd].split(separator: 0x20)
            position = lineEnd + 1
            guard header.count == 3, let size = Int(String(decoding: header[2], as: UTF8.self)),
                  position + size <= bytes.count else { continue }
            found[path] = Array(bytes[position..<(position + size)])
            position += size + 1
        }
        return found
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
