import ArgumentParser
import CandorCore
import Foundation

struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Audit posts and report every undisclosed, insufficient, hidden or wrong-language disclosure.",
        discussion: """
        PATH is a file, a directory (searched recursively, skipping hidden and build folders) or - for stdin.
        A .txt, .md or .html file is one post; .jsonl (one JSON post per line) and .csv/.tsv (one post
        per row under a header) are batches; .json/.js platform exports (Instagram, Facebook, X, YouTube,
        TikTok) are recognised by content. Findings point at the file's own line and column.
        Without --jurisdiction, each post is judged under its own "market", or else under the
        jurisdictions of its language (English: uk, us; Spanish: es; Italian: it; French: fr;
        German: de; Portuguese: br, pt).
        Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 usage or rule error, a missing
        path, or nothing readable.
        """)

    @OptionGroup var options: AuditArguments

    func run() throws { try options.run() }
}

/// What `candor audit` takes, shared with `candor baseline create|update`. A
/// `ParsableArguments` rather than the command itself, so that those commands'
/// usage reads `candor baseline create`, not `candor baseline audit create`.
struct AuditArguments: ParsableArguments {
    enum ColorMode: String, ExpressibleByArgument, CaseIterable { case auto, always, never }

    @Argument(help: ArgumentHelp("Files, directories or - for stdin (default: stdin when it is piped, else the current directory).", valueName: "path"))
    var paths: [String] = []

    @Option(help: "Output format: text, json, jsonl, sarif, csv, html (a self-contained report) or github (Actions annotations).")
    var format: OutputFormat = .text

    @Option(help: ArgumentHelp("Write the report to this file instead of stdout.", valueName: "file"))
    var output: String?

    @Option(name: .customLong("jurisdiction"), help: ArgumentHelp("Judge every post under this jurisdiction (repeatable). Default: the post's market, else its language's jurisdictions.", valueName: "code"))
    var jurisdictions: [String] = []

    @Option(help: "The platform the posts are published on; sets the fold (instagram, tiktok, youtube, x, facebook, blog).")
    var platform: Platform?

    @Option(name: .customLong("fail-on"), help: "Lowest severity that makes the exit code 1: error, warning or note (default: error).")
    var failOn: Severity?

    @Option(help: "Color: auto (a terminal, unless NO_COLOR is set), always or never.")
    var color: ColorMode = .auto

    @Option(name: .customLong("input-format"), help: "How to read inputs: auto (by extension, and by content for .json/.js), text, markdown, html, jsonl, csv, or an export: instagram, facebook, x, youtube, tiktok.")
    var inputFormat: InputFormat = .auto

    @Option(name: .customLong("field"), help: ArgumentHelp("Read a post field from another CSV column or JSONL key, e.g. text=Caption (repeatable; fields: \(FieldMapping.Field.allCases.map(\.rawValue).joined(separator: ", "))).", valueName: "name=column"))
    var fields: [String] = []

    @Option(name: .customLong("max-post-size"), help: ArgumentHelp("Posts (files, batch lines) larger than this many MiB are reported and skipped.", valueName: "MiB"))
    var maxPostSize: Int = 16

    @Option(help: "Worker threads (default: one per core).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: ArgumentHelp("A YAML file of declared partnerships: posts mentioning a partner carry its relationship (repeatable).", valueName: "file"))
    var partners: [String] = []

    @Flag(help: "Add the missing disclosures to .txt, .md and .html posts (and stdin): print them as a unified diff.")
    var fix = false

    @Flag(help: "With --fix, write the fixed files (stdin: print the fixed post) instead of the diff.")
    var write = false

    @Flag(help: "Audit the text, Markdown and HTML files staged for the next commit, as staged (PATHs, if any, limit which).")
    var staged = false

    @Flag(help: "After the summary, print how long pattern matching took and which rules took most of it.")
    var timing = false

    @OptionGroup var rules: RuleOptions
    @OptionGroup var config: ConfigOptions

    func run() throws {
        var (request, ruleSet) = try prepare()
        var destination = FileHandle.standardOutput
        if let output {
            // Opening the report truncates it: it must not be a post named to be audited.
            func real(_ path: String) -> String { URL(fileURLWithPath: path).resolvingSymlinksInPath().path }
            if paths.contains(where: { $0 != "-" && real($0) == real(output) }) {
                throw ValidationError("--output '\(output)' is one of the files to audit; write the report elsewhere")
            }
            guard FileManager.default.createFile(atPath: output, contents: nil), let file = FileHandle(forWritingAtPath: output) else {
                throw ValidationError("--output: cannot write '\(output)'")
            }
            destination = file
            request.excludedPaths = [output]
        }
        let report = OutputBuffer(destination)
        // What went to stdout before a warning is written first, so the two keep their order in one stream.
        let code = runAudit(request, rules: ruleSet, stdout: report.write, stdoutBytes: report.write(utf8:),
                            stderr: { report.flush(); writeErr($0) })
        report.flush()
        if code != 0 { throw ExitCode(code) }
    }

    /// The request and rules for this command line and its project's files
    /// (options win over `.candor.yml`). `baseline: false` leaves `--baseline` unread.
    func prepare(baseline: Bool = true) throws -> (AuditRequest, RuleSet) {
        let project = try config.project(for: paths)
        let settings = project.config ?? ProjectConfig(path: ".")
        let ruleSet = try rules.load(for: settings, partners: partners)
        var seen = Set<String>()
        let named = self.jurisdictions.isEmpty ? (settings.jurisdictions ?? []).map(\.value) : self.jurisdictions
        let jurisdictions = named.map { $0.lowercased() }.filter { seen.insert($0).inserted }
        for code in jurisdictions where ruleSet.jurisdiction(code) == nil {
            throw ValidationError("unknown jurisdiction '\(code)' (known: \(ruleSet.jurisdictions.keys.sorted().joined(separator: ", ")))")
        }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        // Like grep tools: piped input is the post; at a terminal, audit the folder.
        let inputs = paths.isEmpty ? (isatty(STDIN_FILENO) != 0 ? ["."] : ["-"]) : paths
        var request = AuditRequest(paths: inputs, workers: jobs)
        request.inputFormat = inputFormat
        if write, !fix { throw ValidationError("--write needs --fix") }
        if write, staged {
            // The fix is made to the staged content; writing it would lose the working tree's unstaged changes.
            throw ValidationError("--fix --write cannot be used with --staged (it would replace each file with its staged content); `candor audit --staged --fix | git apply --cached` fixes the index")
        }
        if fix, format != .text { throw ValidationError("--fix prints a diff or writes files; it cannot be combined with --format \(format.rawValue)") }
        request.fix = fix ? (write ? .write : .diff) : nil
        guard (1...(1 << 20)).contains(maxPostSize) else { throw ValidationError("--max-post-size must be between 1 and 1048576 (MiB)") }
        request.read.maxPostBytes = maxPostSize << 20
        for field in fields {
            do { try request.read.fields.apply(field) } catch { throw ValidationError("--field: \(error)") }
        }
        if staged { request.discovered = try stagedInputs(request.read.maxPostBytes) }
        request.options = AuditOptions(jurisdictions: jurisdictions, platform: platform ?? settings.platform)
        request.format = format
        request.timing = timing
        request.failOn = failOn ?? settings.failOn ?? .error
        request.color = useColor
        request.findings.selection = settings.selection
        request.findings.ignore = project.ignore
        request.walkFilter = settings.pathFilter
        if baseline, let file = try config.loadBaseline(), let path = config.baseline {
            if file.ruleSetVersion != ruleSet.version {
                writeErr("candor: warning: \(path) was made with other rules (rule set \(file.ruleSetVersion), now \(ruleSet.version)); `candor baseline update` records the current findings\n")
            }
            request.findings.baseline = (file, path)
        }
        return (request, ruleSet)
    }

    private var useColor: Bool {
        switch color {
        case .always: return true
        case .never: return false
        case .auto:
            let noColor = ProcessInfo.processInfo.environment["NO_COLOR"].map { !$0.isEmpty } ?? false
            return !noColor && format == .text && isatty(STDOUT_FILENO) != 0
        }
    }
}
