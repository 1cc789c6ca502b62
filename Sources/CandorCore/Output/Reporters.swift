import Foundation

/// Totals for a run, printed at the end (text on stderr, inside the JSON document).
public struct AuditSummary: Sendable {
    public var posts = 0
    public var postsWithFindings = 0
    public var errors = 0
    public var warnings = 0
    public var notes = 0
    public var inputProblems = 0
    public var ruleDiagnostics = 0
    /// Findings dropped by suppression comments or the ignore file, and by the baseline.
    public var suppressed = 0
    public var baselined = 0
    public var unusedSuppressions = 0

    public init() {}

    public mutating func add(_ report: PostReport) {
        posts += 1
        if !report.findings.isEmpty { postsWithFindings += 1 }
        for finding in report.findings {
            switch finding.severity {
            case .error: errors += 1
            case .warning: warnings += 1
            case .note: notes += 1
            }
        }
        ruleDiagnostics += report.diagnostics.count
    }

    public func count(atLeast severity: Severity) -> Int {
        switch severity {
        case .error: return errors
        case .warning: return errors + warnings
        case .note: return errors + warnings + notes
        }
    }

    public var line: String {
        func plural(_ count: Int, _ word: String) -> String { "\(count) \(word)\(count == 1 ? "" : "s")" }
        var text = "candor: audited \(plural(posts, "post")): \(plural(errors, "error")), \(plural(warnings, "warning")), \(plural(notes, "note")) in \(plural(postsWithFindings, "post"))"
        if inputProblems > 0 { text += "; \(plural(inputProblems, "input problem"))" }
        if ruleDiagnostics > 0 { text += "; \(plural(ruleDiagnostics, "rule failure"))" }
        if suppressed > 0 { text += "; \(suppressed) suppressed" }
        if unusedSuppressions > 0 { text += "; \(plural(unusedSuppressions, "unused suppression"))" }
        if baselined > 0 { text += "; \(baselined) baselined" }
        return text
    }
}

public enum OutputFormat: String, Sendable, CaseIterable {
    case text, json, jsonl
    case sarif, csv, github
    case html
}

/// Turns reports into output. `write` receives report text for stdout.
public protocol Reporter: AnyObject {
    func report(_ report: PostReport, text: SourceText)
    /// With the fix `--fix` would make to the post's file, for formats that carry fixes (SARIF).
    func report(_ report: PostReport, text: SourceText, fix: Fixer.Fix?)
    /// For formats whose text for a post depends on nothing but its report: the
    /// function that makes it, so a batch renders reports on its workers.
    var render: AuditRunner.Render? { get }
    /// Writes a report already made by `render`, or several joined by
    /// `renderedSeparator`.
    func report(rendered: [UInt8])
    /// What goes between two rendered reports written as one piece.
    var renderedSeparator: [UInt8] { get }
    func finish(_ summary: AuditSummary)
}

extension Reporter {
    public func report(_ report: PostReport, text: SourceText, fix: Fixer.Fix?) { self.report(report, text: text) }
    public var render: AuditRunner.Render? { nil }
    public var renderedSeparator: [UInt8] { [] }
    public func report(rendered: [UInt8]) { preconditionFailure("\(Self.self) renders nothing ahead") }
}

/// `rules` lets SARIF describe every rule the run could report. `writeBytes`,
/// when given, takes text that is already UTF-8 (the rendered reports).
public func makeReporter(_ format: OutputFormat, color: Bool, rules: RuleSet? = nil, write: @escaping (String) -> Void,
                         writeBytes: (([UInt8]) -> Void)? = nil) -> Reporter {
    let writeBytes = writeBytes ?? { write(String(decoding: $0, as: UTF8.self)) }
    switch format {
    case .text: return TextReporter(color: color, write: write)
    case .json: return JSONDocumentReporter(write: writeBytes)
    case .jsonl: return JSONLinesReporter(write: writeBytes)
    case .sarif: return SARIFReporter(rules: rules, write: write)
    case .csv: return CSVReporter(write: write)
    case .github: return GitHubReporter(write: write)
    case .html: return HTMLReporter(write: write)
    }
}

/// One JSON object per post, written as soon as the post is audited.
final class JSONLinesReporter: Reporter {
    let write: ([UInt8]) -> Void
    init(write: @escaping ([UInt8]) -> Void) { self.write = write }

    func report(_ report: PostReport, text: SourceText) {
        self.report(rendered: ReportJSON.utf8(report, endingLine: true))
    }
    var render: AuditRunner.Render? { { ReportJSON.utf8($0, endingLine: true) } }
    func report(rendered: [UInt8]) { write(rendered) }
    func finish(_ summary: AuditSummary) {}
}

/// One JSON document: `{"version", "tool", "posts", "summary"}`.
final class JSONDocumentReporter: Reporter {
    let write: ([UInt8]) -> Void
    private var first = true
    private static let opening = Array("{\"version\":1,\"tool\":{\"name\":\"candor\",\"version\":\"\(CandorVersion.current)\"},\"posts\":[".utf8)
    init(write: @escaping ([UInt8]) -> Void) { self.write = write }

    func report(_ report: PostReport, text: SourceText) {
        self.report(rendered: ReportJSON.utf8(report))
    }

    var render: AuditRunner.Render? { { ReportJSON.utf8($0) } }
    var renderedSeparator: [UInt8] { JSONDocumentReporter.separator }
    private static let separator = Array(",\n".utf8)

    func report(rendered: [UInt8]) {
        // Streamed piece by piece so a large batch is never held whole.
        write(first ? JSONDocumentReporter.opening + [0x0A] : renderedSeparator)
        write(rendered)
        first = false
    }

    func finish(_ summary: AuditSummary) {
        if first { write(JSONDocumentReporter.opening) }
        write(Array(("\n],\"summary\":" + ReportJSON.encode(summary) + "}\n").utf8))
    }
}

/// `path:line:col: severity: message [rule-id]`, then the source line with the
/// span underlined, the suggested fix and the regulator's reference.
final class TextReporter: Reporter {
    let color: Bool
    let write: (String) -> Void
    init(color: Bool, write: @escaping (String) -> Void) {
        self.color = color
        self.write = write
    }

    private func paint(_ text: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }

    func report(_ report: PostReport, text: SourceText) {
        var output = ""
        for finding in report.findings {
            let severity: String
            switch finding.severity {
            case .error: severity = paint("error", "1;31")
            case .warning: severity = paint("warning", "1;33")
            case .note: severity = paint("note", "1;36")
            }
            output += paint("\(location(report, finding)):", "1") + " \(severity): \(finding.message) " + paint("[\(finding.ruleId)]", "2") + "\n"
            output += snippet(finding, text: text.document)
            let scope = finding.jurisdiction.map { " (\($0))" } ?? ""
            output += "      = " + paint("fix", "1;32") + "\(scope): \(Self.advice(finding, platform: report.platform))\n"
            output += "      = help: \(finding.help)\n"
        }
        if !output.isEmpty { write(output) }
    }

    func finish(_ summary: AuditSummary) {}

    private func location(_ report: PostReport, _ finding: Finding) -> String {
        guard let record = report.record else { return "\(report.path):\(finding.line):\(finding.column)" }
        let id = report.id.map { " [\($0)]" } ?? ""
        return "\(report.path):\(record)\(id) \(finding.line):\(finding.column)"
    }

    /// The suggested fix in words; the other reporters say it the same way.
    static func advice(_ finding: Finding, platform: Platform) -> String {
        let place = platform.isLongForm ? "the top of the post, before the first affiliate link" : "the start of the post"
        switch finding.kind {
        case .undisclosed: return "add “\(finding.suggestion)” at \(place)"
        case .insufficient, .wrongLanguage: return "replace it with “\(finding.suggestion)” at \(place)"
        case .hidden: return "move the disclosure to \(place): “\(finding.suggestion)”"
        case .unmarkedLink: return "add \(finding.suggestion) to the link"
        }
    }

    private func snippet(_ finding: Finding, text: SourceText) -> String {
        guard finding.length > 0 || finding.byteOffset > 0 else { return "" }
        let lineRange = text.lineRange(containing: finding.byteOffset)
        let lineText = text.string(lineRange).replacingOccurrences(of: "\t", with: " ")
        let gutter = String(finding.line)
        let pad = String(repeating: " ", count: gutter.count)
        let lead = TextReporter.displayWidth(text.string(lineRange.lowerBound..<finding.byteOffset))
        let spanEnd = min(finding.byteOffset + finding.length, lineRange.upperBound)
        let width = max(1, TextReporter.displayWidth(text.string(finding.byteOffset..<max(spanEnd, finding.byteOffset))))
        return " \(paint(gutter, "34")) | \(lineText)\n \(pad) | " + String(repeating: " ", count: lead)
            + paint("^" + String(repeating: "~", count: width - 1), "1;32") + "\n"
    }

    /// Terminal columns: wide for CJK and emoji, zero for joiners and marks.
    static func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { width, scalar in
            let value = scalar.value
            if value == 0x200D || (0xFE00...0xFE0F).contains(value) || (0x1F3FB...0x1F3FF).contains(value)
                || scalar.properties.generalCategory == .nonspacingMark { return width }
            let wide: [ClosedRange<UInt32>] = [0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF,
                                                0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1FAFF, 0x20000...0x3FFFD]
            return width + (wide.contains { $0.contains(value) } ? 2 : 1)
        }
    }
}
