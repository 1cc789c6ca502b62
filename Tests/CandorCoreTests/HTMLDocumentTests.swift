@testable import CandorCore
import CandorPCRE
import Foundation
import Testing

/// Reads `html` as an .html file is read.
private func htmlPost(_ html: String) -> Post { htmlPost(bytes: Array(html.utf8)) }

private func htmlPost(bytes: [UInt8]) -> Post {
    HTMLDocument.post(path: "page.html", text: TextDecoding.document(bytes).0)
}

private func auditHTML(_ html: String, jurisdictions: [String] = []) -> PostReport {
    Auditor(rules: shippedRules).audit(htmlPost(html), options: AuditOptions(jurisdictions: jurisdictions), scratch: MatchScratch())
}

private func extracted(_ post: Post) -> String { post.text.string(0..<post.text.bytes.count) }

/// The document text a span of extracted text points at.
private func source(of range: Range<Int>, in post: Post) -> String {
    let span = post.text.span(of: range)
    return post.text.document.string(span.byteOffset..<(span.byteOffset + span.length))
}

@Suite struct HTMLDocumentTests {
    static let blogPage = """
    <!DOCTYPE html>
    <html lang="en">
    <head>
      <meta charset="utf-8">
      <title>Caf&eacute; gear I love &ndash; Brew Notes</title>
      <meta name="description" content="The kit I use every day &amp; why.">
      <meta property="og:title" content="Caf&#233; gear">
      <style>body { content: "#ad"; }</style>
      <script>var label = "#ad"; fetch("https://amzn.to/3xScript");</script>
    </head>
    <body>
      <!-- a comment that says #ad -->
      <h1 class="title" data-note="#ad">My <em>favourite</em>
        things</h1>
      <p>I&#x2019;ve used this grinder for years.&nbsp;It's great<br>and quiet.</p>
      <ul><li>Mugs</li><li>Beans &amp; filters</li></ul>
      <p>Photo: <img src="a.jpg" alt="My grinder" title="not audited"> by <b>me</b>.</p>
      <p>Buy <a href="https://example.com/shop?a=1&amp;b=2" title="#ad">the grinder</a> here.</p>
    </body>
    </html>
    """

    @Test func extractsVisibleTextTitleAndDescriptions() {
        let post = htmlPost(Self.blogPage)
        #expect(extracted(post) == """
        Café gear I love – Brew Notes
        The kit I use every day & why.
        Café gear
        My favourite things
        I’ve used this grinder for years.\u{A0}It's great
        and quiet.
        Mugs
        Beans & filters
        Photo: My grinder by me.
        Buy the grinder https://example.com/shop?a=1&b=2 here.

        """)
        #expect(post.platform == .blog)
        let link = try! #require(post.links?.first)
        #expect(post.links?.count == 1)
        #expect(link.url.raw == "https://example.com/shop?a=1&b=2")
        #expect(link.rel == [])
        #expect(post.text.string(link.textSpan!) == "the grinder")
        #expect(source(of: link.urlSpan, in: post) == "https://example.com/shop?a=1&amp;b=2")
    }

    @Test func everyExtractedWordPointsAtItsSource() {
        let post = htmlPost(Self.blogPage)
        let text = extracted(post)
        for word in ["Café", "favourite", "things", "grinder", "Beans", "me", "quiet", "why"] {
            let range = try! #require(text.range(of: word))
            let start = text.utf8.distance(from: text.startIndex, to: range.lowerBound)
            let written = source(of: start..<(start + word.utf8.count), in: post)
            #expect(written == word || written == word.replacingOccurrences(of: "é", with: "&eacute;"), "\(word) maps to “\(written)”")
        }
        // An entity stands for its whole source range, at its own line and column.
        let apostrophe = try! #require(text.range(of: "’"))
        let offset = text.utf8.distance(from: text.startIndex, to: apostrophe.lowerBound)
        let span = post.text.span(of: offset..<(offset + 3))
        #expect(source(of: offset..<(offset + 3), in: post) == "&#x2019;")
        #expect((span.line, span.column) == (15, 7))
    }

    static let affiliatePage = """
    <html><body>
    <h1>Gift guide</h1>
    <p>My pick: <a class="btn" href="https://amzn.to/3xYz">the grinder</a>.</p>
    </body></html>
    """

    @Test func anAffiliateLinkIsReportedAtItsHref() throws {
        let report = auditHTML(Self.affiliatePage, jurisdictions: ["us"])
        let error = try #require(report.findings.first { $0.ruleId == "affiliate.amazon-short-link" })
        #expect((error.line, error.column, error.length) == (3, 34, 20))
        #expect(error.kind == .undisclosed)
        let note = try #require(report.findings.first { $0.ruleId == "html.link-rel" })
        #expect(note.kind == .unmarkedLink)
        #expect(note.severity == .note)
        #expect((note.line, note.column) == (3, 34))
    }

    @Test func aSponsoredLinkGetsNoRelNote() {
        let page = Self.affiliatePage.replacingOccurrences(of: #"class="btn""#, with: #"rel="Sponsored  nofollow""#)
        let post = htmlPost(page)
        #expect(post.links?.first?.rel == ["sponsored", "nofollow"])
        let report = auditHTML(page, jurisdictions: ["us"])
        #expect(!report.findings.contains { $0.ruleId == "html.link-rel" })
        #expect(report.findings.contains { $0.ruleId == "affiliate.amazon-short-link" })
    }

    @Test func relativeAndScriptLinksAreNotLinks() {
        let post = htmlPost(##"<p><a href="/about">About</a> <a href="#top">Top</a> <a href="mailto:me@example.com">Mail</a> <a href="javascript:void(0)">JS</a></p>"##)
        #expect(post.links == [])
        #expect(extracted(post) == "About Top Mail JS\n")
    }

    @Test func anEntityDisclosureIsRecognisedAtTheEntity() throws {
        let french = """
        <html lang="fr"><body>
        <p>Publicit&eacute; : j'ai re&ccedil;u ce moulin de la marque et je vous le recommande vraiment pour votre cuisine.</p>
        <p>Voici <a href="https://amzn.to/3xYz" rel="sponsored">le lien</a> pour l'acheter.</p>
        </body></html>
        """
        let report = auditHTML(french, jurisdictions: ["fr"])
        let label = try #require(report.disclosures.first { $0.text == "Publicité" })
        #expect((label.span.line, label.span.column, label.span.length) == (2, 4, 16))

        let english = "<p>&#35;ad Grab <a href=\"https://amzn.to/3xYz\">my grinder</a>.</p>"
        let hashtag = try #require(auditHTML(english, jurisdictions: ["us"]).disclosures.first { $0.text == "#ad" })
        #expect((hashtag.span.line, hashtag.span.column, hashtag.span.length) == (1, 4, 7))
    }

    @Test func scriptsStylesAndCommentsDoNotCount() {
        let page = """
        <html><head><script>var tag = "#ad"; location = "https://amzn.to/3xYz";</script>
        <style>.ad::after { content: "#ad https://amzn.to/3xYz" }</style></head>
        <body><!-- #ad https://amzn.to/3xYz --><noscript>#ad</noscript><template>#ad</template>
        <p title="#ad https://amzn.to/3xYz">A quiet morning with coffee.</p></body></html>
        """
        let post = htmlPost(page)
        #expect(extracted(post) == "A quiet morning with coffee.\n")
        let report = auditHTML(page, jurisdictions: ["us"])
        #expect(report.findings.isEmpty)
        #expect(report.disclosures.isEmpty)
    }

    @Test func aFragmentReportsDocumentPositions() throws {
        let document = SourceText("""
        # Notes
        Some **Markdown** first, with <b>tags</b> in prose.

        <div class="card">
          <p>Grab <a href="https://amzn.to/3xYz">it</a> &amp; enjoy.</p>
        </div>

        More Markdown.
        """)
        let bytes = document.bytes
        let start = try #require(bytes.indices.first { bytes[$0...].starts(with: Array("<div".utf8)) })
        let end = try #require(bytes.indices.first { bytes[$0...].starts(with: Array("</div>".utf8)) }) + 6
        var extractor = TextExtractor(document: document)
        extractor.copy(0..<8)
        var links: [Link] = []
        HTMLDocument.extract(start..<end, into: &extractor, links: &links)
        let text = extractor.text()
        #expect(text.string(0..<text.bytes.count) == "# Notes\nGrab it https://amzn.to/3xYz & enjoy.\n")
        let link = try #require(links.first)
        let span = text.span(of: link.urlSpan)
        #expect((span.line, span.column, span.length) == (5, 20, 20))
        #expect(text.string(link.textSpan!) == "it")
        let ampersand = text.span(of: 37..<38)
        #expect((ampersand.line, ampersand.column, ampersand.length) == (5, 49, 5))
    }

    @Test func crlfBrokenMarkupAndInvalidUTF8KeepPositions() throws {
        var bytes = Array("<p>Caf\u{E9} <b>bold <i>soup\r\n<p>1 < 2 &bogus; &amp <a href='https://amzn.to/3xYz'>x</a>\r\n".utf8)
        bytes.insert(0xFF, at: 8)  // an invalid byte inside "bold"
        let post = htmlPost(bytes: bytes)
        let link = try #require(post.links?.first)
        let span = post.text.span(of: link.urlSpan)
        #expect((span.line, span.column) == (2, 32))
        #expect(post.text.string(link.urlSpan) == "https://amzn.to/3xYz")
        // The invalid byte is kept as it is, as in plain text: the matcher skips it.
        #expect(post.text.bytes.starts(with: Array("Café".utf8) + [0xFF] + Array(" bold soup\n1 < 2 &bogus; &amp x https://amzn.to/3xYz".utf8)))
        let bold = post.text.span(of: 7..<11)
        #expect((bold.line, bold.column, bold.byteOffset) == (1, 13, 13))
    }

    @Test func garbageHugeAndDeepInputsDoNotCrash() {
        var generator = SystemRandomNumberGenerator()
        let garbage = (0..<200_000).map { _ in UInt8.random(in: 1...255, using: &generator) }
        _ = htmlPost(bytes: garbage)
        let markupSoup = Array(String(repeating: "<a href=\"https://amzn.to/x\" <p>&#x; &#99999999999; <!-- <' \"> </b </", count: 5000).utf8)
        _ = htmlPost(bytes: markupSoup)

        let paragraph = "<p>Coffee &amp; more coffee, <a href=\"https://example.com/p\">a link</a>, <b>bold</b>.</p>\n"
        let huge = htmlPost(String(repeating: paragraph, count: 5 * 1024 * 1024 / paragraph.utf8.count + 1))
        #expect(huge.links?.count == 5 * 1024 * 1024 / paragraph.utf8.count + 1)
        let last = huge.text.span(of: huge.links!.last!.urlSpan)
        #expect(last.column == 39)

        let deep = htmlPost(String(repeating: "<div><span>", count: 10_000) + "deep text" + String(repeating: "</span></div>", count: 10_000))
        #expect(extracted(deep).contains("deep text"))
    }

    @Test func htmlFilesAreReadAsHTML() {
        for name in ["page.html", "page.HTM", "page.xhtml"] {
            #expect(InputSource(path: name, format: .auto).formatByExtension == .html)
        }
        #expect(InputDiscovery.auditedExtensions.isSuperset(of: ["html", "htm", "xhtml"]))
    }
}
