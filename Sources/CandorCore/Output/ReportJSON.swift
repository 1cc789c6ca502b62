/// The JSON form of reports: the public `json`/`jsonl` contract documented in
/// the README. Keys come in a fixed order and absent values are written as
/// `null`, so every key is always present. Written by hand because it is on the
/// hot path of every batch audit.
enum ReportJSON {
    /// `endingLine` adds the newline of a JSON Lines record before the text is made.
    static func encode(_ report: PostReport, endingLine: Bool = false) -> String {
        String(decoding: utf8(report, endingLine: endingLine), as: UTF8.self)
    }

    /// The same as UTF-8, which is what output is written as: making a String
    /// would check every byte of it again.
    static func utf8(_ report: PostReport, endingLine: Bool = false) -> [UInt8] {
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
                            out.field(named: jurisdiction, verdict)
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
        if endingLine { out.newline() }
        return out.utf8
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
/// It writes UTF-8 into a buffer of its own, grown as needed (a report is
/// written a few bytes at a time, and a store is cheaper than an array append),
/// and gives it out once, at the end, as a `String` or as its UTF-8.
final class JSONOut {
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var count = 0
    private var needsComma = false

    /// `capacity` is a guess at the output's size; a batch report line is a few hundred bytes.
    init(capacity: Int = 1024) {
        self.capacity = max(capacity, 64)
        buffer = .allocate(capacity: self.capacity)
    }

    deinit { buffer.deallocate() }

    var text: String { String(decoding: UnsafeBufferPointer(start: buffer, count: count), as: UTF8.self) }
    /// What has been written: valid UTF-8, since it is made of Strings and ASCII.
    var utf8: [UInt8] { Array(UnsafeBufferPointer(start: buffer, count: count)) }

    /// Makes room for `extra` more bytes.
    @inline(__always) private func reserve(_ extra: Int) {
        if count + extra > capacity { grow(count + extra) }
    }

    private func grow(_ needed: Int) {
        var larger = capacity * 2
        while larger < needed { larger *= 2 }
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        grown.update(from: buffer, count: count)
        buffer.deallocate()
        buffer = grown
        capacity = larger
    }

    @inline(__always) private func append(_ byte: UInt8) {
        reserve(1)
        buffer[count] = byte
        count += 1
    }

    @inline(__always) private func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else { return }
        reserve(bytes.count)
        (buffer + count).update(from: base, count: bytes.count)
        count += bytes.count
    }

    func object(_ body: () -> Void) {
        separate()
        append(UInt8(ascii: "{"))
        needsComma = false
        body()
        append(UInt8(ascii: "}"))
        needsComma = true
    }

    func array<T>(_ items: [T], _ body: (T) -> Void) {
        separate()
        append(UInt8(ascii: "["))
        needsComma = false
        for item in items { body(item) }
        append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// Keys are literals that need no escaping, so they are copied as they are.
    func key(_ name: StaticString) {
        name.withUTF8Buffer { name in
            reserve(name.count + 4)
            if needsComma { append(UInt8(ascii: ",")) }
            append(UInt8(ascii: "\""))
            append(name)
            append(UInt8(ascii: "\""))
            append(UInt8(ascii: ":"))
        }
        needsComma = false
    }

    /// A field whose name is data (a jurisdiction, a fingerprint key), so it is escaped.
    func field(named name: String, _ value: String) {
        separate()
        string(name)
        append(UInt8(ascii: ":"))
        string(value)
        needsComma = true
    }

    func field(_ name: StaticString, _ value: String?) {
        key(name)
        if let value { string(value) } else { literal("null") }
        needsComma = true
    }

    func field(_ name: StaticString, _ value: Int?) {
        key(name)
        if let value { integer(value) } else { literal("null") }
        needsComma = true
    }

    func field(_ name: StaticString, _ value: Bool?) {
        key(name)
        if let value { literal(value ? "true" : "false") } else { literal("null") }
        needsComma = true
    }

    func field(_ name: StaticString, _ values: [String]) {
        key(name)
        append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { append(UInt8(ascii: ",")) }
            string(value)
        }
        append(UInt8(ascii: "]"))
        needsComma = true
    }

    func span(_ span: Span) {
        field("line", span.line)
        field("column", span.column)
        field("byteOffset", span.byteOffset)
        field("length", span.length)
    }

    func newline() {
        append(0x0A)
        needsComma = false
    }

    private func separate() {
        if needsComma { append(UInt8(ascii: ",")) }
    }

    /// Text that needs no escaping: `true`, `false`, `null`.
    private func literal(_ text: StaticString) {
        text.withUTF8Buffer { append($0) }
    }

    /// An integer in decimal, as `String(value)` writes it.
    private func integer(_ value: Int) {
        reserve(21)
        if value < 0 { append(UInt8(ascii: "-")) }
        // The digits come out last first, and are then put in order.
        var magnitude = value.magnitude
        var low = count
        repeat {
            buffer[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            count += 1
            magnitude /= 10
        } while magnitude > 0
        var high = count - 1
        while low < high {
            (buffer[low], buffer[high]) = (buffer[high], buffer[low])
            low += 1
            high -= 1
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// A quoted string. Only `"`, `\` and control characters are escaped; everything
    /// else, `/` and non-ASCII included, is copied as UTF-8, a run at a time.
    private func string(_ value: String) {
        append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var runStart = 0
            while true {
                let index = JSONStringBytes.firstSpecial(in: utf8, from: runStart)
                append(UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                guard index < utf8.count else { break }
                let byte = utf8[index]
                append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): append(byte)
                case 0x0A: append(UInt8(ascii: "n"))
                case 0x0D: append(UInt8(ascii: "r"))
                case 0x09: append(UInt8(ascii: "t"))
                default:
                    literal("u00")
                    append(JSONOut.hexDigits[Int(byte >> 4)])
                    append(JSONOut.hexDigits[Int(byte & 0xF)])
                }
                runStart = index + 1
            }
        }
        append(UInt8(ascii: "\""))
    }
}
