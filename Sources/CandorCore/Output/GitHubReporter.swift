/// GitHub Actions workflow commands, one per finding, which the runner shows
/// as annotations on the file: `::error file=…,line=…,col=…,title=…::message`.
final class GitHubReporter: Reporter {
    let write: (String) -> Void
    init(write: @escaping (String) -> Void) { self.write = write }

    func report(_ report: PostReport, text: SourceText) {
        var output = ""
        let file = ReportPath.relative(report.path) ?? (report.path == "-" ? nil : ReportPath.absolute(report.path))
        for finding in report.findings {
            var properties: [(String, String)] = []
            if let file { properties.append(("file", file)) }
            // A batch record's own line and column are not the file's: point at the record.
            if let record = report.record {
                properties.append(("line", String(record)))
            } else {
                properties.append(("line", String(finding.line)))
                properties.append(("col", String(finding.column)))
            }
            let scope = finding.jurisdiction.map { " (\($0))" } ?? ""
            properties.append(("title", "\(finding.ruleId)\(scope)"))
            let command: String
            switch finding.severity {
            case .error: command = "error"
            case .warning: command = "warning"
            case .note: command = "notice"
            }
            let place = report.record.map { record in "record \(record)\(report.id.map { " [\($0)]" } ?? ""), \(finding.line):\(finding.column): " } ?? ""
            let message = "\(place)\(finding.message). Fix: \(TextReporter.advice(finding, platform: report.platform))."
            output += "::\(command) " + properties.map { "\($0)=\(Self.escapeProperty($1))" }.joined(separator: ",")
                + "::" + Self.escapeData(message) + "\n"
        }
        if !output.isEmpty { write(output) }
    }

    func finish(_ summary: AuditSummary) {}

    /// As the Actions toolkit escapes a command's message.
    static func escapeData(_ text: String) -> String { escape(text, property: false) }

    /// As the toolkit escapes a property value: the message's escapes, and `:` and `,`.
    static func escapeProperty(_ text: String) -> String { escape(text, property: true) }

    private static func escape(_ text: String, property: Bool) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "%": escaped += "%25"
            case "\r": escaped += "%0D"
            case "\n": escaped += "%0A"
            case ":" where property: escaped += "%3A"
            case "," where property: escaped += "%2C"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
