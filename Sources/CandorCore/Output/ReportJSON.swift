/// The JSON form of reports: the public `json`/`jsonl` contract documented in
/// the README. Keys come in a fixed order and absent values are written as
/// `null`, so every key is always present. Written by hand because it is on the
/// hot path of every batch audit.
enum ReportJSON {
    static func encode(_ report: PostReport) -> String {
        let out = JSONOut()
        out.object {
            out.field("path", report.path)
            out.field("record", report.record)
            out.field("id", report.id)
            out.field("author", report.author)
            out.field("url", report.url)
            out.field("platform", report.platform.rawValue)
            out.field("market", report.market)
            out.field("language", report.language)
            out.field("jurisdictions", report.jurisdictions)
            out.key("relationships")
            out.array(report.relationships) { relationship in
                out.object {
                    out.field("category", relationship.category.rawValue)
                    out.field("declared", relationship.declared)
                    out.key("evidence")
                    out.array(relationship.evidence) { evidence in
                        out.object {
                            out.field("ruleId", evidence.ruleId)
                            out.field("text", evidence.text)
                            out.field("message", evidence.message)
                            out.span(evidence.span)
                        }
                    }
                    out.key("verdicts")
                    out.object {
                        for (jurisdiction, verdict) in relationship.verdicts.sorted(by: { $0.key < $1.key }) {
                            out.field(jurisdiction, verdict)
                        }
                    }
                }
            }
            out.key("disclosures")
            out.array(report.disclosures) { disclosure in
                out.object {
                    out.field("ruleId", disclosure.ruleId)
                    out.field("text", disclosure.text)
                    out.field("language", disclosure.language)
                    out.field("covers", disclosure.covers.map(\.rawValue))
                    out.span(disclosure.span)
                    out.field("accepted", disclosure.accepted)
                    out.field("acceptedBy", disclosure.acceptedBy)
                    out.key("placement")
                    out.object {
                        out.field("beforeFold", disclosure.placement.beforeFold)
                        out.field("inTrailingHashtags", disclosure.placement.inTrailingHashtags)
                        out.field("beforeFirstAffiliateLink", disclosure.placement.beforeFirstAffiliateLink)
                    }
                }
            }
            out.key("findings")
            out.array(report.findings) { finding in
                out.object {
                    out.field("ruleId", finding.ruleId)
                    out.field("category", finding.category.rawValue)
                    out.field("kind", finding.kind.rawValue)
                    out.field("severity", finding.severity.rawValue)
                    out.field("message", finding.message)
                    out.field("evidence", finding.evidence)
                    out.field("line", finding.line)
                    out.field("column", finding.column)
                    out.field("byteOffset", finding.byteOffset)
                    out.field("length", finding.length)
                    out.field("jurisdiction", finding.jurisdiction)
                    out.field("suggestion", finding.suggestion)
                    out.field("help", finding.help)
                }
            }
            out.field("diagnostics", report.diagnostics)
        }
        return out.text
    }

    static func encode(_ summary: AuditSummary) -> String {
        let out = JSONOut()
        out.object {
            out.field("posts", summary.posts)
            out.field("postsWithFindings", summary.postsWithFindings)
            out.field("errors", summary.errors)
            out.field("warnings", summary.warnings)
            out.field("notes", summary.notes)
            out.field("inputProblems", summary.inputProblems)
            out.field("ruleDiagnostics", summary.ruleDiagnostics)
            out.field("suppressed", summary.suppressed)
            out.field("unusedSuppressions", summary.unusedSuppressions)
            out.field("baselined", summary.baselined)
        }
        return out.text
    }
}

/// A minimal JSON writer: objects, arrays, strings, integers, booleans, null.
final class JSONOut {
    var text = ""
    private var needsComma = false

    func object(_ body: () -> Void) {
        separate()
        text += "{"
        needsComma = false
        body()
        text += "}"
        needsComma = true
    }

    func array<T>(_ items: [T], _ body: (T) -> Void) {
        separate()
        text += "["
        needsComma = false
        for item in items { body(item) }
        text += "]"
        needsComma = true
    }

    func key(_ name: String) {
        separate()
        string(name)
        text += ":"
        needsComma = false
    }

    func field(_ name: String, _ value: String?) {
        key(name)
        if let value { string(value) } else { text += "null" }
        needsComma = true
    }

    func field(_ name: String, _ value: Int?) {
        key(name)
        text += value.map(String.init) ?? "null"
        needsComma = true
    }

    func field(_ name: String, _ value: Bool?) {
        key(name)
        text += value.map { $0 ? "true" : "false" } ?? "null"
        needsComma = true
    }

    func field(_ name: String, _ values: [String]) {
        key(name)
        text += "["
        for (index, value) in values.enumerated() {
            if index > 0 { text += "," }
            string(value)
        }
        text += "]"
        needsComma = true
    }

    func span(_ span: Span) {
        field("line", span.line)
        field("column", span.column)
        field("byteOffset", span.byteOffset)
        field("length", span.length)
    }

    private func separate() {
        if needsComma { text += "," }
    }

    private func string(_ value: String) {
        text += "\""
        var plainStart = value.utf8.startIndex
        let utf8 = value.utf8
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                text += String(value[plainStart..<index])
                switch byte {
                case UInt8(ascii: "\""): text += "\\\""
                case UInt8(ascii: "\\"): text += "\\\\"
                case 0x0A: text += "\\n"
                case 0x0D: text += "\\r"
                case 0x09: text += "\\t"
                default: text += "\\u00" + String(byte >> 4, radix: 16) + String(byte & 0xF, radix: 16)
                }
                plainStart = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        text += String(value[plainStart..<utf8.endIndex])
        text += "\""
    }
}
