import Foundation
import Testing

/// A real git repository in a temporary folder, with its own identity and no
/// global or system configuration (nor the GIT_* variables of a hook this suite may run under).
struct Repository {
    let root: URL

    static let undisclosed = "---\ntitle: Gift guide\n---\n\n# Gift guide\n\nMy favourite kettle: https://amzn.to/3xKq9Lm\n"
    static let disclosed = "---\ntitle: Gift guide\n---\n\n#ad · I earn a commission if you buy through the links in this post.\n\n# Gift guide\n\nMy favourite kettle: https://amzn.to/3xKq9Lm\n"
    static let finding = "error: Undisclosed affiliate relationship: Amazon Associates short link"

    init() throws {
        root = try Repository.temporaryFolder()
        try git("init", "-q", "-b", "main")
        try git("config", "user.name", "Test Writer")
        try git("config", "user.email", "writer@example.com")
    }

    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("candor-git-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // Symlinks resolved: git prints real paths.
        return folder.resolvingSymlinksInPath()
    }

    static var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("GIT_") }
        env.removeValue(forKey: "NO_COLOR")
        env["GIT_CONFIG_GLOBAL"] = "/dev/null"
        env["GIT_CONFIG_NOSYSTEM"] = "1"
        env["GIT_CEILING_DIRECTORIES"] = FileManager.default.temporaryDirectory.resolvingSymlinksInPath().path
        return env
    }

    /// Runs a program found on PATH (or at an absolute path) in `directory`, below the root.
    /// After `timeout` seconds the program is stopped (and its result is what it printed so far).
    static func run(_ program: String, _ arguments: [String], in directory: URL, environment: [String: String] = [:],
                    timeout: Double? = nil) throws -> CLI.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program.hasPrefix("/") ? program : "/usr/bin/env")
        process.arguments = program.hasPrefix("/") ? arguments : [program] + arguments
        process.currentDirectoryURL = directory
        process.environment = Repository.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        if let timeout {
            // SIGKILL: a program started from a test thread may have SIGTERM blocked.
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        }
        // stderr is read on its own thread: a hook's output through git commit can fill a pipe.
        let errData = Collected()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            errData.data = err.fileHandleForReading.readDataToEndOfFile()
            done.signal()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        done.wait()
        process.waitUntilExit()
        return CLI.Result(code: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData.data, as: UTF8.self))
    }

    @discardableResult
    func git(_ arguments: String..., in subdirectory: String = "") throws -> CLI.Result {
        let result = try Repository.run("git", arguments, in: root.appendingPathComponent(subdirectory))
        guard result.code == 0 || arguments.first == "commit" else {
            throw GitError(message: "git \(arguments.joined(separator: " ")): \(result.stderr)")
        }
        return result
    }

    func candor(_ arguments: String..., in subdirectory: String = "") throws -> CLI.Result {
        try Repository.run(CLI.executable.path, arguments, in: root.appendingPathComponent(subdirectory))
    }

    func write(_ path: String, _ text: String) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func remove(_ path: String) throws { try FileManager.default.removeItem(at: root.appendingPathComponent(path)) }

    func read(_ path: String) throws -> String { try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8) }

    struct GitError: Error { let message: String }

    /// Written by one thread, read after it signals.
    final class Collected: @unchecked Sendable { var data = Data() }
}

@Suite struct GitHookStagedAuditTests {
    @Test func theIndexIsAuditedNotTheWorkingTree() throws {
        let repo = try Repository()
        try repo.write("posts/gift-guide.md", Repository.undisclosed)
        try repo.git("add", ".")
        try repo.write("posts/gift-guide.md", Repository.disclosed)  // fixed, but not staged
        let staged = try repo.candor("audit", "--staged")
        #expect(staged.code == 1)
        #expect(staged.stdout.hasPrefix("posts/gift-guide.md:7:22: \(Repository.finding)"))
        #expect(try repo.candor("audit", "posts/gift-guide.md").code == 0)

        try repo.git("add", ".")
        let fixed = try repo.candor("audit", "--staged")
        #expect(fixed.code == 0)
        #expect(fixed.stderr == "candor: audited 1 post: 0 errors, 0 warnings, 0 notes in 0 posts\n")
    }

    @Test func aStagedFileDeletedFromTheWorkingTreeIsStillAudited() throws {
        let repo = try Repository()
        try repo.write("posts/gift-guide.md", Repository.undisclosed)
        try repo.git("add", ".")
        try repo.remove("posts/gift-guide.md")
        let result = try repo.candor("audit", "--staged")
        #expect(result.code == 1)
        #expect(result.stdout.hasPrefix("posts/gift-guide.md:7:22: "))
    }

    @Test func deletedFilesAndOtherExtensionsAreIgnored() throws {
        let repo = try Repository()
        try repo.write("posts/gift-guide.md", Repository.undisclosed)
        try repo.git("add", ".")
        try repo.git("commit", "-q", "-m", "first", "--no-verify")
        try repo.git("rm", "-q", "posts/gift-guide.md")
        try repo.write("notes.py", "# https://amzn.to/3xKq9Lm\n")
        try repo.write("export.jsonl", "{\"text\": \"https://amzn.to/3xKq9Lm\"}\n")
        try repo.git("add", ".")
        let result = try repo.candor("audit", "--staged")
        #expect(result.code == 0)
        #expect(result.stdout == "")
        #expect(result.stderr == "candor: audited 0 posts: 0 errors, 0 warnings, 0 notes in 0 posts\n")
    }

    @Test func theConfigsIncludeAndExcludeApplyToStagedFiles() throws {
        let repo = try Repository()
        try repo.write(".candor.yml", "jurisdictions: [us]\nexclude: [drafts]\n")
        try repo.write("posts/gift-guide.md", Repository.undisclosed)
        try repo.write("drafts/kettle.txt", "Grab it https://amzn.to/3xKq9Lm\n")
        try repo.git("add", ".")
        let result = try repo.candor("audit", "--staged")
        #expect(result.code == 1)
        #expect(result.stdout.hasPrefix("posts/gift-guide.md:7:22: "))
        #expect(!result.stdout.contains("drafts/"))
        #expect(result.stderr == "candor: audited 1 post: 1 error, 0 warnings, 0 notes in 1 post\n")
    }

    @Test func fixingTheIndexNeverTouchesTheWorkingTree() throws {
        let repo = try Repository()
        try repo.write("a.txt", "Grab it https://amzn.to/3xKq9Lm\n")
        try repo.git("add", ".")
        let working = "Grab it https://amzn.to/3xKq9Lm\nA paragraph not staged yet.\n"
        try repo.write("a.txt", working)
        let refused = try repo.candor("audit", "--staged", "--fix", "--write", "--jurisdiction", "us")
        #expect(refused.code == 2)
        #expect(refused.stderr.hasPrefix("Error: --fix --write cannot be used with --staged (it would replace each file with its staged content); `candor audit --staged --fix | git apply --cached` fixes the index\n"))
        #expect(try repo.read("a.txt") == working)
        // The diff is of the staged content, and applies to the index.
        let diff = try repo.candor("audit", "--staged", "--fix", "--jurisdiction", "us")
        #expect(diff.code == 1)
        try repo.write("fix.patch", diff.stdout)
        try repo.git("apply", "--cached", "fix.patch")
        #expect(try repo.git("show", ":a.txt").stdout == "#ad · I earn a commission if you buy through the links in this post\nGrab it https://amzn.to/3xKq9Lm\n")
        #expect(try repo.read("a.txt") == working)
    }

    @Test func fromASubdirectoryPathsAreRelativeToIt() throws {
        let repo = try Repository()
        try repo.write("posts/gift-guide.md", Repository.undisclosed)
        try repo.write("drafts/kettle.txt", "Grab it https://amzn.to/3xKq9Lm\n")
        try repo.git("add", ".")
        let all = try repo.candor("audit", "--staged", "--jurisdiction", "us", in: "drafts")
        #expect(all.code == 1)
        #expect(all.stdout.hasPrefix("kettle.txt:1:9: "))
        #expect(all.stdout.contains("\n../posts/gift-guide.md:7:22: "))
        // PATHs are pathspecs: only the staged files under them.
        let here = try repo.candor("audit", "--staged", "--jurisdiction", "us", ".", in: "drafts")
        #expect(here.stderr.hasPrefix("candor: audited 1 post: "))
        #expect(!here.stdout.contains("gift-guide"))
    }

    @Test func binaryAndEmptyStagedFilesAreReportedAndSkipped() throws {
        let repo = try Repository()
        try repo.write("posts/gift-guide.md", Repository.undisclosed)
        try repo.write("posts/logo.txt", "PNG\u{0}\u{1}")
        try repo.write("posts/empty.html", "")
        try repo.git("add", ".")
        let result = try repo.candor("audit", "--staged", "--max-post-size", "1")
        #expect(result.code == 1)
        #expect(result.stderr.contains("candor: posts/logo.txt: warning: binary file, skipped\n"))
        #expect(result.stderr.contains("candor: posts/empty.html: warning: empty file, skipped\n"))
    }

    @Test func aTooLargeStagedFileIsReportedAndSkipped() throws {
        let repo = try Repository()
        try repo.write("big.txt", String(repeating: "Just the sea and my friends.\n", count: 40_000))  // over 1 MiB
        try repo.write("small.txt", "Grab it https://amzn.to/3xKq9Lm\n")
        try repo.git("add", ".")
        let result = try repo.candor("audit", "--staged", "--max-post-size", "1")
        #expect(result.code == 1)
        #expect(result.stderr.contains("candor: big.txt: warning: post larger than 1 MiB, skipped (raise the limit with --max-post-size)\n"))
        #expect(result.stdout.hasPrefix("small.txt:1:9: "))
    }

    @Test func stagedPathsWithSpacesNewlinesAndQuotesAreAllRead() throws {
        let repo = try Repository()
        for name in ["my post.txt", "new\nline.txt", "\"quoted\".txt", "plain.txt"] { try repo.write(name, "Grab it https://amzn.to/3xKq9Lm\n") }
        try repo.git("add", ".")
        let result = try repo.candor("audit", "--staged", "--format", "jsonl")
        #expect(result.code == 1)
        #expect(result.stderr == "candor: audited 4 posts: 8 errors, 0 warnings, 0 notes in 4 posts\n")
        let paths = result.stdout.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["path"] as? String
        }
        #expect(Set(paths) == ["my post.txt", "new\nline.txt", "\"quoted\".txt", "plain.txt"])
    }

    @Test func aGitThatWarnsAtLengthDoesNotStallTheAudit() throws {
        let repo = try Repository()
        try repo.write("post.md", Repository.undisclosed)
        try repo.git("add", ".")
        // A git that prints 200 KB on stderr before it answers: more than a pipe holds.
        let real = try Repository.run("sh", ["-c", "command -v git"], in: repo.root).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let bin = try Repository.temporaryFolder()
        let git = bin.appendingPathComponent("git")
        try Data("#!/bin/sh\nhead -c 200000 /dev/zero | tr '\\0' w >&2\necho >&2\nexec '\(real)' \"$@\"\n".utf8).write(to: git)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: git.path)
        let path = bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let result = try Repository.run(CLI.executable.path, ["audit", "--staged", "--jurisdiction", "us"], in: repo.root,
                                        environment: ["PATH": path], timeout: 20)
        #expect(result.code == 1)
        #expect(result.stdout.contains(Repository.finding))
    }

    @Test func aClosedStandardOutputDoesNotReachGit() throws {
        // With fd 1 closed, the pipes made for git can take its number.
        let repo = try Repository()
        try repo.write("post.md", Repository.undisclosed)
        try repo.git("add", ".")
        let result = try Repository.run("sh", ["-c", "exec \"$0\" audit --staged --jurisdiction us --output report.txt >&-", CLI.executable.path],
                                        in: repo.root)
        #expect(result.stderr.hasPrefix("candor: audited 1 post: "))
        #expect(result.code == 1)
        #expect(try repo.read("report.txt").contains(Repository.finding))
    }

    @Test func outsideARepositoryIsAUsageError() throws {
        let folder = try Repository.temporaryFolder()
        let result = try Repository.run(CLI.executable.path, ["audit", "--staged"], in: folder)
        #expect(result.code == 2)
        #expect(result.stderr == "candor: error: --staged: not inside a git work tree\n")
        let hook = try Repository.run(CLI.executable.path, ["hook", "install"], in: folder)
        #expect(hook.code == 2)
        #expect(hook.stderr == "candor: error: not inside a git work tree\n")
    }
}

@Suite struct GitHookInstallTests {
    @Test func theHookBlocksAnUndisclosedCommitAndPassesOnceDisclosed() throws {
        let repo = try Repository()
        let install = try repo.candor("hook", "install")
        #expect(install.code == 0)
        #expect(install.stderr == "candor: installed the pre-commit hook \(repo.root.path)/.git/hooks/pre-commit\n")
        let script = try repo.read(".git/hooks/pre-commit")
        #expect(script.contains("candor=\(CLI.executable.path)\n"))
        let mode = try FileManager.default.attributesOfItem(atPath: repo.root.appendingPathComponent(".git/hooks/pre-commit").path)[.posixPermissions] as? Int
        #expect(mode == 0o755)

        try repo.write("posts/gift-guide.md", Repository.undisclosed)
        try repo.git("add", ".")
        let blocked = try repo.git("commit", "-m", "Gift guide")
        #expect(blocked.code != 0)
        #expect(blocked.stderr.contains("posts/gift-guide.md:7:22: \(Repository.finding)"))
        #expect(try Repository.run("git", ["rev-parse", "--verify", "-q", "HEAD"], in: repo.root).code != 0)

        try repo.write("posts/gift-guide.md", Repository.disclosed)
        try repo.git("add", ".")
        let passed = try repo.git("commit", "-m", "Gift guide")
        #expect(passed.code == 0)
        #expect(passed.stderr.contains("candor: audited 1 post: 0 errors"))
    }

    @Test func optionsAfterTheTerminatorReachTheAudit() throws {
        let repo = try Repository()
        #expect(try repo.candor("hook", "install", "--", "--jurisdiction", "us", "--fail-on", "warning").code == 0)
        #expect(try repo.read(".git/hooks/pre-commit").contains("exec \"$candor\" audit --staged --jurisdiction us --fail-on warning\n"))
        try repo.write("giveaway.txt", "#giveaway time! Follow and tag a friend to enter\n")
        try repo.git("add", ".")
        #expect(try repo.git("commit", "-m", "Giveaway").code != 0)  // a warning, failing only with --fail-on warning
    }

    @Test func coreHooksPathIsRespectedFromASubdirectory() throws {
        let repo = try Repository()
        try repo.git("config", "core.hooksPath", ".githooks")
        try repo.write("posts/gift-guide.md", Repository.undisclosed)
        let install = try repo.candor("hook", "install", in: "posts")
        #expect(install.code == 0)
        #expect(install.stderr == "candor: installed the pre-commit hook \(repo.root.path)/.githooks/pre-commit\n")
        #expect(!FileManager.default.fileExists(atPath: repo.root.appendingPathComponent(".git/hooks/pre-commit").path))
        try repo.git("add", "posts")
        let blocked = try repo.git("commit", "-m", "Gift guide")
        #expect(blocked.code != 0)
        #expect(blocked.stderr.contains("posts/gift-guide.md:7:22: "))
    }

    @Test func aLinkedWorktreeSharesTheRepositoryHooks() throws {
        let repo = try Repository()
        try repo.git("commit", "-q", "--allow-empty", "-m", "start")
        let tree = try Repository.temporaryFolder().appendingPathComponent("tree")
        try repo.git("worktree", "add", "-q", tree.path)
        let install = try Repository.run(CLI.executable.path, ["hook", "install"], in: tree)
        #expect(install.code == 0)
        #expect(install.stderr == "candor: installed the pre-commit hook \(repo.root.path)/.git/hooks/pre-commit\n")
    }

    @Test func aForeignHookIsKeptUnlessForced() throws {
        let repo = try Repository()
        try repo.write(".git/hooks/pre-commit", "#!/bin/sh\nexec make lint\n")
        let refused = try repo.candor("hook", "install")
        #expect(refused.code == 2)
        #expect(refused.stderr == "candor: error: \(repo.root.path)/.git/hooks/pre-commit exists and was not written by Candor; left as it is (--force replaces it)\n")
        #expect(try repo.read(".git/hooks/pre-commit") == "#!/bin/sh\nexec make lint\n")

        let uninstall = try repo.candor("hook", "uninstall")
        #expect(uninstall.code == 2)
        #expect(uninstall.stderr.contains("was not written by Candor; left as it is"))
        #expect(try repo.read(".git/hooks/pre-commit") == "#!/bin/sh\nexec make lint\n")

        #expect(try repo.candor("hook", "install", "--force").code == 0)
        #expect(try repo.read(".git/hooks/pre-commit").contains("audit --staged"))
        // Candor's own hook is simply updated.
        let again = try repo.candor("hook", "install")
        #expect(again.code == 0)
        #expect(again.stderr.hasPrefix("candor: updated the pre-commit hook "))
    }

    @Test func uninstallRemovesOnlyCandorsHook() throws {
        let repo = try Repository()
        #expect(try repo.candor("hook", "install").code == 0)
        let removed = try repo.candor("hook", "uninstall")
        #expect(removed.code == 0)
        #expect(removed.stderr == "candor: removed the pre-commit hook \(repo.root.path)/.git/hooks/pre-commit\n")
        #expect(!FileManager.default.fileExists(atPath: repo.root.appendingPathComponent(".git/hooks/pre-commit").path))
        let nothing = try repo.candor("hook", "uninstall")
        #expect(nothing.code == 0)
        #expect(nothing.stderr == "candor: no pre-commit hook at \(repo.root.path)/.git/hooks/pre-commit\n")
    }
}

@Suite struct GitHookPreCommitFrameworkTests {
    /// The `system` hook of the shipped .pre-commit-hooks.yaml as a `repo: local`
    /// hook, its entry pointing at the built binary: no clone, no network.
    static func localConfig() throws -> String {
        let hooks = try String(contentsOf: CLI.root.appendingPathComponent(".pre-commit-hooks.yaml"), encoding: .utf8)
        let block = hooks.components(separatedBy: "\n- id: ")[1...].first { $0.hasPrefix("candor\n") }!
        let hook = ("- id: " + block).replacingOccurrences(of: "entry: candor audit", with: "entry: \(CLI.executable.path) audit")
        return "repos:\n  - repo: local\n    hooks:\n" + hook.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n") + "\n"
    }

    @Test func preCommitBlocksAnUndisclosedCommitAndPassesOnceDisclosed() throws {
        let repo = try Repository()
        let home = try Repository.temporaryFolder()
        let env = ["PRE_COMMIT_HOME": home.path]
        try repo.write(".pre-commit-config.yaml", try GitHookPreCommitFrameworkTests.localConfig())
        let install = try Repository.run("pre-commit", ["install"], in: repo.root, environment: env)
        #expect(install.code == 0, "\(install.stdout)\(install.stderr)")

        try repo.write("posts/gift-guide.md", Repository.undisclosed)
        try repo.write("notes.py", "# https://amzn.to/3xKq9Lm\n")  // not a post: not passed to candor
        try repo.git("add", ".")
        // Fixed only in the working tree: pre-commit stashes that, so the staged post is what is audited.
        try repo.write("posts/gift-guide.md", Repository.disclosed)
        let blocked = try Repository.run("git", ["commit", "-m", "Gift guide"], in: repo.root, environment: env)
        #expect(blocked.code != 0)
        let output = blocked.stdout + blocked.stderr
        #expect(output.contains("posts/gift-guide.md:7:22: \(Repository.finding)"))
        #expect(!output.contains("notes.py"))
        #expect(try repo.read("posts/gift-guide.md") == Repository.disclosed)  // the unstaged fix is restored

        try repo.git("add", ".")
        let passed = try Repository.run("git", ["commit", "-m", "Gift guide"], in: repo.root, environment: env)
        #expect(passed.code == 0, "\(passed.stdout)\(passed.stderr)")
        #expect((passed.stdout + passed.stderr).contains("Passed"))
    }

    /// The `candor-swift` hook as a user gets it: pre-commit clones this
    /// repository at its current commit and builds it (`swift build -c release`,
    /// about two minutes on two cores), then audits the staged posts.
    @Test(.enabled(if: (try? Repository.run("git", ["rev-parse", "HEAD"], in: CLI.root).code) == 0, "needs this repository's git history"),
          .timeLimit(.minutes(10)))
    func theSwiftHookBuildsCandorFromThisRepository() throws {
        let rev = try Repository.run("git", ["rev-parse", "HEAD"], in: CLI.root).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let repo = try Repository()
        let env = ["PRE_COMMIT_HOME": try Repository.temporaryFolder().path]
        try repo.write(".pre-commit-config.yaml", """
            repos:
              - repo: \(CLI.root.path)
                rev: \(rev)
                hooks:
                  - id: candor-swift
                    args: [--jurisdiction, us]

            """)
        try repo.write("posts/gift-guide.md", Repository.undisclosed)
        try repo.git("add", ".")
        let blocked = try Repository.run("pre-commit", ["run", "--files", "posts/gift-guide.md"], in: repo.root, environment: env)
        #expect(blocked.code == 1, "\(blocked.stdout)\(blocked.stderr)")
        #expect(blocked.stdout.contains("- hook id: candor-swift"))
        #expect(blocked.stdout.contains("posts/gift-guide.md:7:22: \(Repository.finding)"))

        try repo.write("posts/gift-guide.md", Repository.disclosed)
        try repo.git("add", ".")
        let passed = try Repository.run("pre-commit", ["run", "--files", "posts/gift-guide.md"], in: repo.root, environment: env)
        #expect(passed.code == 0, "\(passed.stdout)\(passed.stderr)")
        #expect(passed.stdout.contains("Passed"))
    }
}
