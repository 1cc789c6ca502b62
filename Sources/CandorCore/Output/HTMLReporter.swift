import Foundation

/// One self-contained HTML page: inline CSS, SVG charts drawn here, and a small
/// inline script for filters, allowed by a per-report CSP nonce and nothing else.
///
/// Streamed like the JSON document: the head goes out with the first post, each
/// post as it comes, the summary last. A flex container shows the summary first
/// (CSS `order`), so nothing but counters is kept. Clean posts (no findings, no
/// labels) are only counted, and at most `maxPosts` posts are shown; the totals
/// count everything.
final class HTMLReporter: Reporter {
    let write: (String) -> Void
    let maxPosts: Int
    /// Posts larger than this show only the lines around their highlights.
    let maxTextBytes: Int
    private let nonce: String
    private var started = false
    private var shown = 0
    private var notShown = 0
    private var tally = Tally()

    init(maxPosts: Int = 5000, maxTextBytes: Int = 200_000, write: @escaping (String) -> Void) {
        self.write = write
        self.maxPosts = maxPosts
        self.maxTextBytes = maxTextBytes
        var generator = SystemRandomNumberGenerator()
        nonce = Data((0..<18).map { _ in UInt8.random(in: 0...255, using: &generator) }).base64EncodedString()
    }

    func report(_ report: PostReport, text: SourceText) {
        start()
        tally.add(report)
        guard !report.findings.isEmpty || !report.disclosures.isEmpty else { return }
        guard shown < maxPosts else { notShown += 1; return }
        shown += 1
        write(HTMLReporter.post(report, document: text.document, number: shown, maxTextBytes: maxTextBytes))
    }

    func finish(_ summary: AuditSummary) {
        start()
        write("</section>\n" + summarySection(summary) + "</main>\n<script nonce=\"\(nonce)\">\(HTMLReporter.script)</script>\n</body>\n</html>\n")
    }

    private func start() {
        guard !started else { return }
        started = true
        let policy = "default-src 'none'; script-src 'nonce-\(nonce)'; style-src 'nonce-\(nonce)'; img-src data:; base-uri 'none'; form-action 'none'"
        write("""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta http-equiv="Content-Security-Policy" content="\(policy)">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <title>Candor report</title>
        <style nonce="\(nonce)">\(HTMLReporter.style)</style>
        </head>
        <body>
        <header class="top"><h1>Candor report</h1><p>candor \(CandorVersion.current) · <a href="#summary">Summary</a> · <a href="#posts">Posts</a></p></header>
        <main class="report">
        <section id="posts" class="posts" aria-label="Posts">
        <h2>Posts</h2>

        """)
    }

    // MARK: Summary

    /// Counters only: never a post's text.
    struct Tally {
        static let maxAuthors = 1000
        var byKind: [String: Int] = [:]
        var byVerdict: [String: Int] = [:]
        var byCategory: [String: Int] = [:]
        var byJurisdiction: [String: Int] = [:]
        var byAuthor: [String: Int] = [:]
        var severities: Set<String> = []
        var posts = (withFindings: 0, disclosed: 0, clean: 0)

        mutating func add(_ report: PostReport) {
            if !report.findings.isEmpty { posts.withFindings += 1 } else if !report.relationships.isEmpty { posts.disclosed += 1 } else { posts.clean += 1 }
            for relationship in report.relationships {
                for verdict in relationship.verdicts.values { byVerdict[verdict, default: 0] += 1 }
            }
            guard !report.findings.isEmpty else { return }
            // A cap on distinct authors keeps a 100k-author batch from growing the page and the counters.
            var author = report.author ?? "(no author)"
            if byAuthor[author] == nil, byAuthor.count >= Tally.maxAuthors { author = "(other authors)" }
            for finding in report.findings {
                byKind[finding.kind.rawValue, default: 0] += 1
                byCategory[finding.category.rawValue, default: 0] += 1
                byJurisdiction[HTMLReporter.jurisdiction(finding), default: 0] += 1
                byAuthor[author, default: 0] += 1
                severities.insert(finding.severity.rawValue)
            }
        }
    }

    private func summarySection(_ summary: AuditSummary) -> String {
        let e = HTMLReporter.escape
        func plural(_ count: Int, _ word: String) -> String { "\(count) \(word)\(count == 1 ? "" : "s")" }
        let findings = summary.errors + summary.warnings + summary.notes
        var html = "<section id=\"summary\" class=\"summary\" aria-label=\"Summary\">\n<h2>Summary</h2>\n"
        html += "<p id=\"totals\" class=\"totals\"><strong>\(plural(findings, "finding"))</strong> "
            + "(\(plural(summary.errors, "error")), \(plural(summary.warnings, "warning")), \(plural(summary.notes, "note"))) in \(summary.postsWithFindings) of \(plural(summary.posts, "post"))"
        if summary.inputProblems > 0 { html += "; \(plural(summary.inputProblems, "input problem")) (see the audit's stderr)" }
        html += ".</p>\n"
        html += "<p class=\"note\">Showing \(plural(shown, "post")) with findings or disclosure labels"
        if notShown > 0 { html += "; <strong>\(notShown) more not shown</strong> (the report shows at most \(maxPosts); the totals count them all)" }
        html += ". Posts with neither are only counted.</p>\n<div class=\"charts\">\n"
        let kinds = FindingKind.allCases.map { ($0.rawValue, tally.byKind[$0.rawValue] ?? 0) }
        html += HTMLReporter.chart("Findings by kind", kinds, style: "kind")
        let posts = [("with findings", tally.posts.withFindings), ("all disclosed", tally.posts.disclosed), ("no relationship", tally.posts.clean)]
        html += HTMLReporter.chart("Posts", posts, style: "posts")
        let verdicts = (["disclosed"] + FindingKind.allCases.map(\.rawValue)).compactMap { name in tally.byVerdict[name].map { (name, $0) } }
        html += HTMLReporter.chart("Verdicts (relationship × jurisdiction)", verdicts, style: "verdict")
        html += HTMLReporter.chart("Findings by category", HTMLReporter.ranked(tally.byCategory), style: "category")
        html += HTMLReporter.chart("Findings by jurisdiction", HTMLReporter.ranked(tally.byJurisdiction), style: "jurisdiction")
        let authors = HTMLReporter.ranked(tally.byAuthor)
        html += HTMLReporter.chart("Findings by author" + (authors.count > 15 ? " (top 15 of \(authors.count))" : ""), Array(authors.prefix(15)), style: "author")
        html += "</div>\n"

        // Hidden until the script runs, so a page without scripts shows no dead controls.
        func select(_ name: String, _ label: String, _ values: [String]) -> String {
            "<label>\(label) <select id=\"filter-\(name)\" name=\"\(name)\"><option value=\"\">all</option>"
                + values.map { "<option value=\"\(e($0))\">\(e($0))</option>" }.joined() + "</select></label>\n"
        }
        html += "<form id=\"filters\" class=\"filters\" hidden>\n"
        html += select("severity", "Severity", Severity.allCases.reversed().map(\.rawValue).filter(tally.severities.contains))
        html += select("category", "Category", tally.byCategory.keys.sorted())
        html += select("jurisdiction", "Jurisdiction", tally.byJurisdiction.keys.sorted())
        html += select("author", "Author", tally.byAuthor.keys.sorted().filter { !$0.hasPrefix("(") })
        html += "<label>Search <input id=\"filter-q\" name=\"q\" type=\"search\" placeholder=\"text, id, path…\"></label>\n"
        html += "<output id=\"filter-status\" aria-live=\"polite\"></output>\n</form>\n</section>\n"
        return html
    }

    static func ranked(_ counts: [String: Int]) -> [(String, Int)] {
        counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    static func jurisdiction(_ finding: Finding) -> String { finding.jurisdiction ?? "search engines" }

    /// A horizontal bar chart as inline SVG, so it renders without scripts.
    static func chart(_ title: String, _ rows: [(String, Int)], style: String) -> String {
        var html = "<figure class=\"chart\"><figcaption>\(escape(title))</figcaption>"
        guard !rows.isEmpty else { return html + "<p class=\"empty\">none</p></figure>\n" }
        let rowHeight = 22, labelWidth = 150, barWidth = 220
        let largest = max(1, rows.map(\.1).max() ?? 1)
        html += "<svg class=\"\(style)\" width=\"\(labelWidth + barWidth + 50)\" height=\"\(rows.count * rowHeight)\" role=\"img\" aria-label=\"\(escape(title))\">"
        for (index, (label, count)) in rows.enumerated() {
            let y = index * rowHeight
            let width = count == 0 ? 0 : max(2, barWidth * count / largest)
            let short = label.count > 22 ? String(label.prefix(21)) + "…" : label
            html += "<g><title>\(escape(label)): \(count)</title>"
                + "<text x=\"\(labelWidth - 6)\" y=\"\(y + 15)\" text-anchor=\"end\">\(escape(short))</text>"
                + "<rect class=\"bar bar-\(escape(label.replacingOccurrences(of: " ", with: "-")))\" x=\"\(labelWidth)\" y=\"\(y + 4)\" width=\"\(width)\" height=\"14\"></rect>"
                + "<text x=\"\(labelWidth + width + 5)\" y=\"\(y + 15)\">\(count)</text></g>"
        }
        return html + "</svg></figure>\n"
    }

    // MARK: Posts

    static func post(_ report: PostReport, document: SourceText, number: Int, maxTextBytes: Int) -> String {
        let e = escape
        var location = report.path
        if let record = report.record { location += ":\(record)" }
        var html = "<article class=\"post\" id=\"post-\(number)\" data-author=\"\(e(report.author ?? ""))\">\n<h3>\(e(location))</h3>\n<dl class=\"meta\">"
        func field(_ name: String, _ value: String?) {
            if let value { html += "<dt>\(name)</dt><dd>\(e(value))</dd>" }
        }
        field("id", report.id)
        field("author", report.author)
        field("platform", report.platform.rawValue)
        field("language", report.language)
        field("jurisdictions", report.jurisdictions.joined(separator: ", "))
        if let url = report.url { html += "<dt>url</dt><dd>" + link(url, text: url) + "</dd>" }
        html += "</dl>\n<pre class=\"text\">" + highlighted(report, document: document, maxTextBytes: maxTextBytes) + "</pre>\n"

        if !report.findings.isEmpty {
            html += "<ol class=\"findings\">\n"
            for finding in report.findings {
                let scope = jurisdiction(finding)
                html += "<li class=\"finding sev-\(finding.severity.rawValue)\" data-severity=\"\(finding.severity.rawValue)\" data-category=\"\(finding.category.rawValue)\" data-jurisdiction=\"\(e(scope))\">"
                    + "<span class=\"sev\">\(finding.severity.rawValue)</span> <span class=\"loc\">\(finding.line):\(finding.column)</span> \(e(finding.message)) <code>\(e(finding.ruleId))</code>"
                    + "<div class=\"detail\">\(finding.kind.rawValue) · \(finding.category.rawValue) · \(e(scope))"
                    + " · suggested: <q>\(e(finding.suggestion))</q> · " + link(finding.help, text: "regulator's guidance") + "</div></li>\n"
            }
            html += "</ol>\n"
        }
        if !report.disclosures.isEmpty {
            html += "<ul class=\"labels\">"
            for label in report.disclosures {
                let verdict = label.accepted ? "accepted by " + label.acceptedBy.joined(separator: ", ") : "not accepted here"
                html += "<li>label <mark class=\"\(label.accepted ? "lab" : "lab bad")\">\(e(label.text))</mark> <code>\(e(label.ruleId))</code> at \(label.span.line):\(label.span.column): \(e(verdict))</li>"
            }
            html += "</ul>\n"
        }
        for diagnostic in report.diagnostics { html += "<p class=\"diagnostic\">\(e(diagnostic))</p>\n" }
        return html + "</article>\n"
    }

    /// A link only for http(s) addresses; anything else (`javascript:`, `data:`) is shown as text.
    static func link(_ url: String, text: String) -> String {
        let lower = url.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://") else { return escape(text) }
        return "<a href=\"\(escape(url))\" rel=\"noopener noreferrer nofollow\">\(escape(text))</a>"
    }

    private struct Highlight {
        var range: Range<Int>
        var kind: String
        var rule: String
    }

    /// The document's text with evidence, labels and findings marked in place.
    /// Overlapping spans are cut at every boundary, and each piece is marked with
    /// the classes of every span covering it.
    static func highlighted(_ report: PostReport, document: SourceText, maxTextBytes: Int) -> String {
        let bytes = document.bytes
        // Offsets are scalar starts; snapping guards against a cut through a character.
        func snap(_ offset: Int) -> Int {
            var offset = min(max(0, offset), bytes.count)
            guard !document.singleByte else { return offset }
            var steps = 0
            while offset < bytes.count, offset > 0, bytes[offset] & 0xC0 == 0x80, steps < 3 { offset -= 1; steps += 1 }
            return offset
        }
        var marks: [Highlight] = []
        func add(_ span: Span, _ kind: String, _ rule: String) {
            let range = snap(span.byteOffset)..<max(snap(span.byteOffset), snap(span.byteOffset + span.length))
            if !range.isEmpty { marks.append(Highlight(range: range, kind: kind, rule: rule)) }
        }
        for relationship in report.relationships { for evidence in relationship.evidence { add(evidence.span, "ev", evidence.ruleId) } }
        for label in report.disclosures { add(label.span, label.accepted ? "lab" : "lab bad", label.ruleId) }
        for finding in report.findings { add(finding.span, "fd sev-\(finding.severity.rawValue)", finding.ruleId) }

        var windows = [0..<bytes.count]
        if bytes.count > maxTextBytes {
            // A huge post shows the lines around its highlights, each at most ±500 bytes.
            windows = []
            for mark in marks.sorted(by: { $0.range.lowerBound < $1.range.lowerBound }) {
                let line = document.lineRange(containing: mark.range.lowerBound)
                let window = snap(max(line.lowerBound, mark.range.lowerBound - 500))..<snap(min(max(line.upperBound, mark.range.upperBound), mark.range.upperBound + 500))
                if let last = windows.last, last.upperBound >= window.lowerBound {
                    windows[windows.count - 1] = last.lowerBound..<max(last.upperBound, window.upperBound)
                } else {
                    windows.append(window)
                }
                if windows.count == 200 { break }
            }
        }

        var html = ""
        for (index, window) in windows.enumerated() {
            if bytes.count > maxTextBytes { html += index == 0 ? "<span class=\"cut\">[excerpts of a \(bytes.count)-byte post]</span>\n" : "\n<span class=\"cut\">…</span>\n" }
            let inside = marks.filter { $0.range.overlaps(window) }
            var cuts = Set([window.lowerBound, window.upperBound])
            for mark in inside { cuts.insert(max(window.lowerBound, mark.range.lowerBound)); cuts.insert(min(window.upperBound, mark.range.upperBound)) }
            let sorted = cuts.sorted()
            for (from, to) in zip(sorted, sorted.dropFirst()) {
                let piece = escape(document.string(from..<to))
                let covering = inside.filter { $0.range.lowerBound <= from && $0.range.upperBound >= to }
                if covering.isEmpty { html += piece; continue }
                let classes = Set(covering.flatMap { $0.kind.split(separator: " ") }).sorted().joined(separator: " ")
                let rules = Array(Set(covering.map(\.rule))).sorted().joined(separator: ", ")
                html += "<mark class=\"\(escape(classes))\" title=\"\(escape(rules))\">\(piece)</mark>"
            }
        }
        return html
    }

    /// Escapes everything HTML gives meaning to, in text and in quoted attributes;
    /// control characters, which have no business on the page, become U+FFFD.
    static func escape(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out.append(contentsOf: "&amp;".unicodeScalars)
            case "<": out.append(contentsOf: "&lt;".unicodeScalars)
            case ">": out.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": out.append(contentsOf: "&quot;".unicodeScalars)
            case "'": out.append(contentsOf: "&#39;".unicodeScalars)
            case "\t", "\n", "\r": out.append(scalar)
            default: out.append(scalar.value < 0x20 || scalar.value == 0x7F ? "\u{FFFD}" : scalar)
            }
        }
        return String(out)
    }

    // MARK: Page assets

    static let style = """
    :root{--error:#b3261e;--warning:#a15c00;--note:#0b6e99;--ink:#1d1d1f;--line:#d9d9de}
    body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--ink);margin:0;background:#f6f6f8}
    .top{background:#1d2b3a;color:#fff;padding:.8em 1.5em}.top h1{margin:0;font-size:1.4em}.top p{margin:.2em 0 0}.top a{color:#bfe0ff}
    .report{display:flex;flex-direction:column;padding:0 1.5em 2em}
    .summary{order:-1}.posts{order:1}
    [hidden]{display:none!important}
    .totals{font-size:1.15em}.note{color:#555}
    .charts{display:flex;flex-wrap:wrap;gap:1em}
    .chart{background:#fff;border:1px solid var(--line);border-radius:6px;margin:0;padding:.6em .8em}
    .chart figcaption{font-weight:600;margin-bottom:.3em}.chart text{font-size:12px;fill:#333}
    .bar{fill:#5b7aa6}.kind .bar,.bar-with-findings{fill:var(--error)}.bar-all-disclosed,.bar-disclosed{fill:#2e7d32}.bar-no-relationship{fill:#9e9e9e}
    .kind .bar-unmarked-link,.verdict .bar-unmarked-link{fill:var(--note)}.verdict .bar{fill:var(--error)}.verdict .bar-disclosed{fill:#2e7d32}
    .filters select{max-width:14em}.filters{display:flex;flex-wrap:wrap;gap:.8em;align-items:center;background:#fff;border:1px solid var(--line);border-radius:6px;padding:.6em .8em;margin:1em 0}
    .post{background:#fff;border:1px solid var(--line);border-radius:6px;padding:.2em 1em .8em;margin:.8em 0}
    .post h3{font-size:1em;font-family:ui-monospace,monospace;word-break:break-all}
    .meta{display:flex;flex-wrap:wrap;gap:.2em 1.2em;margin:0;color:#444}.meta dt{font-weight:600}.meta dd{margin:0 0 0 -.8em;word-break:break-all}
    .text{white-space:pre-wrap;word-wrap:break-word;background:#fafafa;border:1px solid var(--line);padding:.6em;font:13px/1.5 ui-monospace,monospace;max-height:24em;overflow:auto}
    mark{background:#fff0a8;border-radius:2px}mark.ev{background:#ffe08a}mark.lab{background:#c8ecc9}mark.bad{background:#ffd3cf}
    mark.fd{text-decoration:underline wavy;text-decoration-color:var(--error)}mark.sev-note{text-decoration-color:var(--note)}mark.sev-warning{text-decoration-color:var(--warning)}
    .finding{margin:.4em 0}.sev{font-weight:700;text-transform:uppercase;font-size:.8em}
    .sev-error .sev{color:var(--error)}.sev-warning .sev{color:var(--warning)}.sev-note .sev{color:var(--note)}
    .loc{font-family:ui-monospace,monospace;color:#555}.detail{color:#555;font-size:.9em}.cut{color:#888}
    .labels{color:#333;font-size:.9em}.diagnostic{color:var(--warning)}
    """

    /// Filters: a finding shows when it matches severity, category and
    /// jurisdiction; a post when it matches author and search and still shows a finding.
    static let script = """
    (function(){
    var form=document.getElementById('filters'),status=document.getElementById('filter-status');
    form.hidden=false;
    function value(name){return form.elements[name].value;}
    function apply(){
    var s=value('severity'),c=value('category'),j=value('jurisdiction'),a=value('author'),q=value('q').trim().toLowerCase();
    var posts=0,findings=0;
    document.querySelectorAll('article.post').forEach(function(post){
    var any=false,count=0;
    post.querySelectorAll('li.finding').forEach(function(li){
    var d=li.dataset,ok=(!s||d.severity===s)&&(!c||d.category===c)&&(!j||d.jurisdiction===j);
    li.hidden=!ok;if(ok){any=true;count++;}
    });
    var ok=(any||!(s||c||j))&&(!a||post.dataset.author===a)&&(!q||post.textContent.toLowerCase().indexOf(q)>=0);
    post.hidden=!ok;if(ok){posts++;findings+=count;}
    });
    status.textContent=posts+' posts, '+findings+' findings shown';
    }
    form.addEventListener('input',apply);form.addEventListener('change',apply);
    form.addEventListener('submit',function(event){event.preventDefault();});
    apply();
    })();
    """
}
