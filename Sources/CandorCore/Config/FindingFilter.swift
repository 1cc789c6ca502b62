import Foundation

/// What happens to findings after the engine: rules disabled, severities
/// overridden, suppression comments, the ignore file and the baseline.
public struct FindingPolicy: Sendable {
    public var selection = RuleSelection()
    public var ignore: IgnoreFile?
    public var baseline: (file: BaselineFile, path: String)?
    /// Set by `candor baseline create|update`: every reported finding is recorded.
    public var recorder: BaselineRecorder?
    public init() {}
}

/// Applies a `FindingPolicy` to each report in turn and keeps count of what
/// it dropped. Used on the thread that writes reports, never concurrently.
final class FindingFilter {
    let policy: FindingPolicy
    let format: InputFormat
    let warn: (String) -> Void
    private var usedIgnores = Set<String>()
    private var usedBaseline = Set<String>()
    private let baselined: Set<String>
    private let baselineFolder: String
    /// The last document named relative to a folder (a batch's reports share one).
    private var named: (path: String, folder: String, name: String)?

    init(_ policy: FindingPolicy, format: InputFormat, warn: @escaping (String) -> Void) {
        self.policy = policy
        self.format = format
        self.warn = warn
        baselined = Set(policy.baseline?.file.findings.map(\.fingerprint) ?? [])
        baselineFolder = (ProjectPaths.absolute(policy.baseline?.path ?? ".") as NSString).deletingLastPathComponent
    }

    /// `document` is read only for a file that may hold suppression comments.
    func apply(_ report: PostReport, document: @autoclosure () -> SourceText, summary: inout AuditSummary) -> PostReport {
        if report.isQuietRecord { return report }
        return apply(report, document: document(), summary: &summary, quiet: false)
    }

    /// The policy applied to a post already filtered once (its fixed version,
    /// audited again): nothing counted, warned about, marked used or recorded.
    func reapply(_ report: PostReport, document: SourceText) -> PostReport {
        var uncounted = AuditSummary()
        return apply(report, document: document, summary: &uncounted, quiet: true)
    }

    private func apply(_ report: PostReport, document: SourceText, summary: inout AuditSummary, quiet: Bool) -> PostReport {
        var report = report
        // Asked first: removing in place copies the array (shared with the caller) even when nothing goes.
        if report.findings.contains(where: { !policy.selection.isEnabled($0.ruleId) }) {
            report.findings.removeAll { !policy.selection.isEnabled($0.ruleId) }
        }
        for index in report.findings.indices {
            if let severity = policy.selection.severity(for: report.findings[index].ruleId) { report.findings[index].severity = severity }
        }
        var keep = [Bool](repeating: true, count: report.findings.count)
        // Comments are only safe where they are not published: Markdown and HTML.
        if report.record == nil, [.markdown, .html].contains(InputSource(path: report.path, format: format).formatByExtension) {
            for suppression in Suppression.scan(document.bytes) {
                let rules = suppression.rules.isEmpty ? "all rules" : suppression.rules.joined(separator: ", ")
                let place = "\(report.path):\(suppression.line):\(suppression.column)"
                if let problem = suppression.problem {
                    if !quiet {
                        summary.unusedSuppressions += 1
                        warn("\(place): warning: \(problem)\n")
                    }
                    continue
                }
                if suppression.reason == nil, !quiet { warn("\(place): warning: suppression for \(rules) gives no reason (add ': why' before '-->')\n") }
                var used = false
                for (index, finding) in report.findings.enumerated() where suppression.covers(finding) {
                    if keep[index] { summary.suppressed += 1 }
                    keep[index] = false
                    used = true
                }
                if !used, !quiet {
                    summary.unusedSuppressions += 1
                    warn("\(place): warning: unused suppression for \(rules)\n")
                }
            }
        }
        if let ignore = policy.ignore, !report.findings.isEmpty {
            for (index, fingerprint) in fingerprints(report, in: ignore.directory).prints.enumerated() where ignore.entries[fingerprint] != nil {
                if !quiet { usedIgnores.insert(fingerprint) }
                if keep[index] { summary.suppressed += 1 }
                keep[index] = false
            }
        }
        if policy.baseline != nil, !report.findings.isEmpty {
            for (index, fingerprint) in fingerprints(report, in: baselineFolder).prints.enumerated() where keep[index] && baselined.contains(fingerprint) {
                if !quiet { usedBaseline.insert(fingerprint) }
                summary.baselined += 1
                keep[index] = false
            }
        }
        // Most reports keep every finding, and keep the array they came with.
        if keep.contains(false) { report.findings = report.findings.indices.filter { keep[$0] }.map { report.findings[$0] } }
        if let recorder = policy.recorder, !quiet, !report.findings.isEmpty {
            let (document, prints) = fingerprints(report, in: recorder.directory)
            recorder.add(report.findings.indices.map { index in
                BaselineEntry(fingerprint: prints[index], ruleId: report.findings[index].ruleId,
                              document: document, evidence: report.findings[index].evidence)
            })
        }
        return report
    }

    /// Warnings for ignore entries no finding matched, and a note for baseline
    /// entries not seen (fixed, or outside the paths audited).
    func finish() {
        if let ignore = policy.ignore {
            for (fingerprint, line) in ignore.entries.sorted(by: { $0.value < $1.value }) where !usedIgnores.contains(fingerprint) {
                warn("\(ignore.path):\(line): warning: unused ignore entry \(fingerprint) (no finding has this fingerprint)\n")
            }
        }
        if let (file, path) = policy.baseline {
            let gone = file.findings.count - usedBaseline.count
            if gone > 0 {
                warn("candor: note: \(gone) baselined finding\(gone == 1 ? "" : "s") not found in this run; `candor baseline update --baseline \(path)` drops them\n")
            }
        }
    }

    /// `Fingerprint.of` the report, its document named relative to `folder`.
    private func fingerprints(_ report: PostReport, in folder: String) -> (document: String, prints: [String]) {
        if named?.path != report.path || named?.folder != folder {
            named = (report.path, folder, ProjectPaths.document(report.path, in: folder))
        }
        var relative = report
        relative.path = named!.name
        return (Fingerprint.document(relative), Fingerprint.of(relative))
    }
}
