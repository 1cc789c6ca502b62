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
    /// Inputs already found (a repository's staged files): read instead of discovering `paths`.
    public var discovered: (sources: [InputSource], problems: [InputProblem])?

    public init(paths: [String], workers: Int = 1) {
        self.paths = paths
        self.workers = workers
    }
}

/// Runs one audit end to end: discovers inputs, streams posts through the
/// engine, writes reports in input order and returns the exit code.
public func runAudit(_ request: AuditRequest, rules: RuleSet,
                     stdout: @escaping (String) -> Void, stderr: @escaping (String) -> Void) -> Int32 {
    let reporter = makeReporter(request.format, color: request.color, write: stdout)
    var summary = AuditSummary()
    var fatalInput = false
    func problem(_ problem: InputProblem) {
        summary.inputProblems += 1
        if problem.fatal { fatalInput = true }
        stderr("candor: \(problem)\n")
    }

    let (sources, problems) = request.discovered ?? InputDiscovery.sources(for: request.paths, format: request.inputFormat)
    problems.forEach(problem)
    var unknownMarkets: [String: Int] = [:]
    let runner = AuditRunner(auditor: Auditor(rules: rules), options: request.options, workers: request.workers) { report, post in
        summary.add(report)
        if request.options.jurisdictions.isEmpty, let market = report.market, rules.jurisdiction(market.lowercased()) == nil {
            unknownMarkets[market, default: 0] += 1
        }
        for diagnostic in report.diagnostics { stderr("candor: warning: \(diagnostic)\n") }
        reporter.report(report, text: post.text)
    }
    for source in sources {
        PostReader(source: source, options: request.read).read(post: runner.add, problem: problem)
    }
    runner.flush()
    reporter.finish(summary)
    for (market, count) in unknownMarkets.sorted(by: { $0.key < $1.key }) {
        stderr("candor: warning: no rules for market '\(market)' (\(count) post\(count == 1 ? "" : "s")); judged by their language instead\n")
    }
    stderr(summary.line + "\n")

    if fatalInput || summary.ruleDiagnostics > 0 || (summary.posts == 0 && summary.inputProblems > 0) { return ExitCode.failure }
    return summary.count(atLeast: request.failOn) > 0 ? ExitCode.findings : ExitCode.clean
}
