import ArgumentParser
import CandorCore
import Foundation

struct Hook: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hook",
        abstract: "Install or remove a git pre-commit hook that runs `candor audit --staged`.",
        subcommands: [Install.self, Uninstall.self])

    /// The line that tells Candor's hook from anyone else's.
    static let marker = "# candor-pre-commit-hook: written by `candor hook install`"

    struct Install: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "install",
            abstract: "Write the repository's pre-commit hook (core.hooksPath and worktrees respected).",
            discussion: "Options after -- are passed to `candor audit --staged`, e.g. candor hook install -- --jurisdiction uk --fail-on warning")

        @Flag(help: "Replace a pre-commit hook Candor did not write.")
        var force = false

        @Argument(parsing: .postTerminator, help: ArgumentHelp("Options for `candor audit --staged`.", valueName: "audit-option"))
        var auditOptions: [String] = []

        func run() throws {
            let hook = try Hook.path()
            // lstat, so that even a dangling symlink counts as a hook that is there.
            let present = (try? FileManager.default.attributesOfItem(atPath: hook.path)) != nil
            let ours = (try? String(contentsOf: hook, encoding: .utf8)).map(Hook.isCandors) ?? false
            if present, !ours, !force {
                writeErr("candor: error: \(hook.path) exists and was not written by Candor; left as it is (--force replaces it)\n")
                throw ExitCode(CandorCore.ExitCode.failure)
            }
            do {
                try FileManager.default.createDirectory(at: hook.deletingLastPathComponent(), withIntermediateDirectories: true)
                // Removed first so a symlinked hook is replaced, not written through.
                try? FileManager.default.removeItem(at: hook)
                try Data(Hook.script(candor: Hook.executable(), options: auditOptions).utf8).write(to: hook)
                try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hook.path)
            } catch {
                writeErr("candor: error: cannot write \(hook.path): \(error.localizedDescription)\n")
                throw ExitCode(CandorCore.ExitCode.failure)
            }
            writeErr("candor: \(ours ? "updated" : "installed") the pre-commit hook \(hook.path)\n")
        }
    }

    struct Uninstall: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "uninstall", abstract: "Remove the pre-commit hook, only if Candor wrote it.")

        func run() throws {
            let hook = try Hook.path()
            guard FileManager.default.fileExists(atPath: hook.path) else {
                writeErr("candor: no pre-commit hook at \(hook.path)\n")
                return
            }
            guard let script = try? String(contentsOf: hook, encoding: .utf8), Hook.isCandors(script) else {
                writeErr("candor: error: \(hook.path) was not written by Candor; left as it is\n")
                throw ExitCode(CandorCore.ExitCode.failure)
            }
            do { try FileManager.default.removeItem(at: hook) } catch {
                writeErr("candor: error: cannot remove \(hook.path): \(error.localizedDescription)\n")
                throw ExitCode(CandorCore.ExitCode.failure)
            }
            writeErr("candor: removed the pre-commit hook \(hook.path)\n")
        }
    }

    static func isCandors(_ script: String) -> Bool {
        script.split(separator: "\n").contains { $0 == marker }
    }

    /// The pre-commit hook git runs: `rev-parse --git-path` follows core.hooksPath
    /// and linked worktrees, and answers relative to the current directory.
    static func path() throws -> URL {
        do {
            guard try Git.workTreePrefix() != nil else { throw Git.Failure("not inside a git work tree") }
            let output = try Git.run(["rev-parse", "--git-path", "hooks"])
            guard output.status == 0 else { throw Git.Failure("git rev-parse failed: \(output.complaint)") }
            let hooks = output.text.trimmingCharacters(in: .newlines)
            let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
            return URL(fileURLWithPath: hooks, isDirectory: true, relativeTo: cwd).appendingPathComponent("pre-commit").standardizedFileURL
        } catch let failure as Git.Failure {
            writeErr("candor: error: \(failure)\n")
            throw ExitCode(CandorCore.ExitCode.failure)
        }
    }

    /// This executable's absolute path as it was started (a symlink kept, so an
    /// upgrade behind it is picked up), or nil when it cannot be told.
    static func executable() -> String? {
        let argument = CommandLine.arguments[0]
        let cwd = FileManager.default.currentDirectoryPath
        if argument.contains("/") {
            return URL(fileURLWithPath: argument, relativeTo: URL(fileURLWithPath: cwd, isDirectory: true)).standardizedFileURL.path
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for directory in path.split(separator: ":") where directory.hasPrefix("/") {
            let candidate = directory + "/" + argument
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return Bundle.main.executablePath
    }

    /// A POSIX shell script: the installing binary if it is still there, else `candor` on PATH.
    static func script(candor: String?, options: [String]) -> String {
        let arguments = (["audit", "--staged"] + options).map(quoted).joined(separator: " ")
        return """
        #!/bin/sh
        \(marker)
        # Audits the posts staged for commit; `git commit --no-verify` skips it once,
        # `candor hook uninstall` removes it.
        candor=\(quoted(candor ?? "candor"))
        [ -x "$candor" ] || candor=candor
        exec "$candor" \(arguments)

        """
    }

    static func quoted(_ word: String) -> String {
        word.allSatisfy({ $0.isLetter || $0.isNumber || "-_./=:@".contains($0) }) && !word.isEmpty
            ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
