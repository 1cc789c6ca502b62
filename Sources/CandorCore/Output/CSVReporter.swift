import Foundation

/// One row per finding, RFC 4180: CRLF line ends, fields quoted when they hold
/// a comma, quote, CR or LF, quotes doubled. Starts with a UTF-8 byte-order mark
/// so spreadsheets read the text as UTF-8 rather than the locale's code page.
final class CSVReporter: Reporter {
    static let header = ["path", "record", "id", "author", "platform", "jurisdiction", "category", "kind", "severity",
                         "rule", "message", "evidence", "suggestion", "line", "column"]

    let write: (String) -> Void
    private var started = false
    init(write: @escaping (String) -> Void) { self.write = write }

    func report(_ report: PostReport, text: SourceText) {
        var output = start()
        for finding in report.findings {
            let cells = [report.path, report.record.map(String.init) ?? "", report.id ?? "", report.author ?? "",
                         report.platform.rawValue, finding.jurisdiction ?? "", finding.category.rawValue, finding.kind.rawValue,
                         finding.severity.rawValue, finding.ruleId, finding.message, finding.evidence, finding.suggestion,
                         String(finding.line), String(finding.column)]
            output += Self.row(cells)
        }
        if !output.isEmpty { write(output) }
    }

    func finish(_ summary: AuditSummary) {
        let header = start()
        if !header.isEmpty { write(header) }
    }

    private func start() -> String {
        guard !started else { return "" }
        started = true
        return "\u{FEFF}" + Self.row(Self.header)
    }

    static func row(_ cells: [String]) -> String {
        cells.map(field).joined(separator: ",") + "\r\n"
    }

    /// Post text is untrusted: a cell a spreadsheet could read as a formula is
    /// prefixed with a quote mark. That is one starting with =, +, -, tab or CR
    /// (or the full-width ＝ ＋ － ＠ that East Asian spreadsheets read the same),
    /// or with @ unless a plain handle follows (ASCII letters, digits, _ and .
    /// only): `@name` calls no function and reaches nothing outside the sheet.
    static func field(_ value: String) -> String {
        var value = value
        if let first = value.unicodeScalars.first, "=+-@\t\r＝＋－＠".unicodeScalars.contains(first), !isHandle(value) { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `@` and then only ASCII letters, digits, `_` and `.`: an account handle.
    static func isHandle(_ value: String) -> Bool {
        value.hasPrefix("@") && value.utf8.count > 1 && value.utf8.dropFirst().allSatisfy(handleBytes.contains)
    }

    private static let handleBytes = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.".utf8)
}
