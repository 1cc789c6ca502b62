import CandorPCRE
import Foundation

/// Exit codes shared by every command.
public enum ExitCode {
    /// Nothing at or above the failure threshold.
    public static let clean: Int32 = 0
    /// Findings at or above the failure threshold.
    public static let findings: Int32 = 1
    /// Usage, rule or input error, or an audit that could not finish.
    public static let failure: Int32 = 2
}

/// Everything `candor audit` needs, filled from the command line or by an embedding tool.
public struct AuditRequest: Sendable {
    public var paths: [String]
    public var inputFormat: InputFormat = .auto
    public var read = ReadOptions()
    public var options = AuditOptions()
    public var format: OutputFormat = .text
    public var color = false
    public var failOn: Severity = .error
    public var workers: Int
    /// Add missing disclosures to single-post files: print the diff, or write it.
    public var fix: FixMode?
    /// Files never audited: the report being written (`--output`) inside an audited folder.
    public var excludedPaths: [String] = []
    /// Disabled rules, severity overrides, ignore file and baseline (`.candor.yml` and friends).
    public var findings = FindingPolicy()
    /// `include` / `exclude` for files found by walking folders.
    public var walkFilter: PathFilter?
    /// Time every pattern match and report the slowest rules (`--timing`).
    public var timing = false

    /// Inputs already found (a repository's staged files): read instead of discovering `paths`.
    public var discovered: (sources: [InputSource], problems: [InputProblem])?

    public enum FixMode: Sendable { case diff, write }

    public init(paths: [String], workers: Int = 1) {
        self.paths = paths
        self.workers = workers
    }
}

/// Runs one audit end to end: discovers inputs, streams posts through the
/// engine, writes reports in input order and returns the exit code.
public func runAudit(_ request: AuditRequest, rules: RuleSet,
                     stdout: @escaping (String) -> Void, stdoutBytes: (([UInt8]) -> Void)? = nil,
                     stderr: @escaping (String) -> Void) -> Int32 {
    let reporter = makeReporter(request.format, color: request.color, rules: rules, write: stdout, writeBytes: stdoutBytes)
    var summary = AuditSummary()
    var fatalInput = false
    func problem(_ problem: InputProblem) {
        summary.inputProblems += 1
        if problem.fatal { fatalInput = true }
        stderr("candor: \(problem)\n")
    }

    let excluded = Set(request.excludedPaths.map { ReportPath.absolute($0) })
    var (sources, problems) = request.discovered ?? InputDiscovery.sources(for: request.paths, format: request.inputFormat, filter: request.walkFilter)
    // Staged files are found, not named: include and exclude apply to them as to walked ones.
    if request.discovered != nil, let filter = request.walkFilter { sources.removeAll { !filter.accepts($0.path) } }
    if !excluded.isEmpty { sources.removeAll { $0.path != "-" && excluded.contains(ReportPath.absolute($0.path)) } }
    problems.forEach(problem)
    var unknownMarkets: [String: Int] = [:]
    let filter = FindingFilter(request.findings, format: request.inputFormat, warn: stderr)
    let auditor = Auditor(rules: rules)
    // SARIF carries the fix `--fix` would make, so it needs the fixer too.
    let fixer = request.fix != nil || request.format == .sarif ? Fixer(auditor: auditor, options: request.options) : nil
    // SARIF wants fixes and --fix rewrites posts: those reports are made here, not ahead.
    let render = request.fix == nil ? reporter.render : nil
    func noteMarket(_ market: String?, posts: Int = 1) {
        if request.options.jurisdictions.isEmpty, let market, rules.jurisdiction(market.lowercased()) == nil {
            unknownMarkets[market, default: 0] += posts
        }
    }
    // Quiet records are what `filter.apply` passes through unchanged.
    func settled(rendered: [UInt8], count: Int, markets: [String: Int]) {
        summary.posts += count
        for (market, posts) in markets { noteMarket(market, posts: posts) }
        reporter.report(rendered: rendered)
    }
    let runner = AuditRunner(auditor: auditor, options: request.options, workers: request.workers, render: render,
                             timed: request.timing, problem: problem, separator: reporter.renderedSeparator,
                             emitSettled: settled) { audited, post, rendered in
        let report = filter.apply(audited, document: post.text.document, summary: &summary)
        // A fixed post is judged by the same policy, so what it silenced stays silent.
        let policy: Fixer.Policy = { report, bytes in filter.reapply(report, document: SourceText(bytes)) }
        if let fixer, let mode = request.fix, post.record == nil,
           fix(post, report, fixer: fixer, policy: policy, mode: mode, format: request.inputFormat, summary: &summary, reporter: reporter,
               stdout: stdout, stderr: stderr) {
            return
        }
        summary.add(report)
        noteMarket(report.market)
        for diagnostic in report.diagnostics { stderr("candor: warning: \(diagnostic)\n") }
        // What was rendered ahead holds if the policy dropped or changed no finding.
        if let rendered, report.findings == audited.findings {
            reporter.report(rendered: rendered)
        } else {
            reporter.report(report, text: post.text, fix: request.format == .sarif ? fixer?.proposal(post, report: report, format: request.inputFormat, policy: policy) : nil)
        }
    }
    for source in sources {
        PostReader(source: source, options: request.read).read(runner.add)
    }
    runner.flush()
    filter.finish()
    reporter.finish(summary)
    for (market, count) in unknownMarkets.sorted(by: { $0.key < $1.key }) {
        stderr("candor: warning: no rules for market '\(market)' (\(count) post\(count == 1 ? "" : "s")); judged by their language instead\n")
    }
    stderr(summary.line + "\n")
    if let times = runner.times { stderr(timingReport(auditor.ruleTimes(times), total: times.total, workers: request.workers)) }

    if fatalInput || summary.ruleDiagnostics > 0 || (summary.posts == 0 && summary.inputProblems > 0) { return ExitCode.failure }
    return summary.count(atLeast: request.failOn) > 0 ? ExitCode.findings : ExitCode.clean
}

/// `--timing`: the time spent in pattern matching, and the rules that took most of it.
func timingReport(_ rules: [(name: String, time: MatchTimes.Entry)], total: MatchTimes.Entry, workers: Int, shown: Int = 20) -> String {
    func milliseconds(_ time: Duration) -> Double {
        Double(time.components.seconds) * 1000 + Double(time.components.attoseconds) / 1e15
    }
    func column(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }
    let threads = workers == 1 ? "one thread" : "\(workers) threads"
    var lines = ["candor: timing: \(total.calls) pattern runs took \(String(format: "%.1f", milliseconds(total.time))) ms, summed over \(threads); the slowest rules:",
                 "\(column("ms", 10))\(column("runs", 10))\(column("µs/run", 10))  rule"]
    for (name, time) in rules.prefix(shown) {
        let ms = milliseconds(time.time)
        lines.append(column(String(format: "%.1f", ms), 10) + column(String(time.calls), 10)
                     + column(String(format: "%.1f", ms * 1000 / Double(time.calls)), 10) + "  " + name)
    }
    if rules.count > shown {
        let rest = rules.dropFirst(shown).reduce(Duration.zero) { $0 + $1.time.time }
        lines.append("(\(rules.count - shown) more rules ran, for \(String(format: "%.1f", milliseconds(rest))) ms)")
    }
    return lines.joined(separator: "\n") + "\n"
}

/// Applies `--fix` to one post read from a file or stdin; false when the post
/// is not one Candor can fix (a batch record, a file not in UTF-8, a page with
/// nowhere to put a paragraph), so it is reported as usual.
private func fix(_ post: Post, _ report: PostReport, fixer: Fixer, policy: Fixer.Policy, mode: AuditRequest.FixMode, format: InputFormat,
                 summary: inout AuditSummary, reporter: Reporter, stdout: (String) -> Void, stderr: (String) -> Void) -> Bool {
    guard let layout = Fixer.layout(of: post, format: format) else { return false }
    let original = post.text.document.bytes
    let check = TextDecoding.utf8Check(original[...])
    guard check.firstInvalid == nil else {
        stderr("candor: \(post.path): warning: not valid UTF-8, so not fixed; add the disclosure by hand\n")
        return false
    }
    let found: Fixer.Fix?
    do { found = try fixer.fix(post, report: report, original: original, layout: layout, policy: policy) } catch {
        stderr("candor: \(post.path): warning: not fixed: \(error); add the disclosure by hand\n")
        return false
    }
    guard let fix = found else {
        summary.add(report)
        if mode == .write, post.path == "-" { stdout(String(decoding: original, as: UTF8.self)) }
        return true
    }
    let added = fix.added.map { "“\($0)”" }.joined(separator: " and ")
    let open = fix.report.findings.filter(Fixer.needsDisclosure)
    if !open.isEmpty {
        stderr("candor: \(post.path): warning: adding \(added) leaves \(open.count) finding\(open.count == 1 ? "" : "s") open; fix \(open.count == 1 ? "it" : "them") by hand\n")
    }
    switch mode {
    case .diff:
        summary.add(report)
        stdout(UnifiedDiff.of(path: post.path, original: original, fixed: fix.fixed))
    case .write:
        summary.add(fix.report)
        if post.path == "-" {
            stdout(String(decoding: fix.fixed, as: UTF8.self))
        } else {
            do {
                try Data(fix.fixed).write(to: URL(fileURLWithPath: post.path))
                stderr("candor: \(post.path): added \(added)\n")
                // What the fix could not mend (a search-engine note, say) is still reported.
                reporter.report(fix.report, text: SourceText(fix.fixed))
            } catch {
                stderr("candor: \(post.path): error: cannot write the fix (\(error.localizedDescription))\n")
                summary.inputProblems += 1
            }
        }
    }
    return true
}
