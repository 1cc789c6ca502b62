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

    @Test func garbageHugeAndDeepInputsKeepTheirText() {
        // Fixed garbage (no NULs), then markup that closes whatever it left open.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let garbage: [UInt8] = (0..<200_000).map { _ in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return UInt8(truncatingIfNeeded: state % 255 + 1)
        }
        let closing = Array("\"'>--></textarea></title><p>The end is near.</p>".utf8)
        let garbled = htmlPost(bytes: garbage + closing)
        #expect(extracted(garbled).hasSuffix("The end is near.\n"))
        // Alignment may be lost inside garbage, but every byte still maps into the document.
        let spans = stride(from: 0, to: garbled.text.bytes.count, by: 97).map { garbled.text.span(of: $0..<($0 + 1)) }
        #expect(spans.allSatisfy { $0.byteOffset + $0.length <= garbage.count + closing.count })

        // The first soup's `<!--` never closes: one link, then nothing but the comment.
        let soup = "<a href=\"https://amzn.to/x\" <p>&#x; &#99999999999; <!-- <' \"> </b </"
        let markupSoup = htmlPost(String(repeating: soup, count: 5000))
        #expect(markupSoup.links?.map(\.url.raw) == ["https://amzn.to/x"])
        #expect(source(of: markupSoup.links![0].urlSpan, in: markupSoup) == "https://amzn.to/x")

        let paragraph = "<p>Coffee &amp; more coffee, <a href=\"https://example.com/p\">a link</a>, <b>bold</b>.</p>\n"
        let huge = htmlPost(String(repeating: paragraph, count: 5 * 1024 * 1024 / paragraph.utf8.count + 1))
        #expect(huge.links?.count == 5 * 1024 * 1024 / paragraph.utf8.count + 1)
        let last = huge.text.span(of: huge.links!.last!.urlSpan)
        #expect(last.column == 39)

        let deep = htmlPost(String(repeating: "<div><span>", count: 10_000) + "deep text" + String(repeating: "</span></div>", count: 10_000))
        #expect(extracted(deep) == "deep text\n")
    }

    /// Inputs that cost time per element times document length in a reader that
    /// searches ahead for each tag: they must simply finish, with exact output.
    @Test func adversarialRepeatsReadInOnePass() throws {
        let count = 20_000
        // `<a"x>` is an `a` to the parser; its junk attribute is skipped.
        let junk = htmlPost("<p>" + String(repeating: "<a\"x>t</a>", count: count))
        #expect(extracted(junk) == String(repeating: "t", count: count) + "\n")
        let junkLinks = htmlPost("<p>" + String(repeating: "<a\"x href=\"https://example.com/p\">t</a>", count: count))
        #expect(junkLinks.links?.count == count)
        let lastJunk = junkLinks.text.span(of: try #require(junkLinks.links?.last).urlSpan)
        #expect((lastJunk.line, lastJunk.column, lastJunk.length) == (1, 4 + 39 * (count - 1) + 11, 21))

        // Names longer than the parser keeps: tags it builds but that never match.
        let long = String(repeating: "q", count: 101)
        let unknown = htmlPost("<p>" + String(repeating: "<\(long) class=x>u</\(long)>", count: count) + "<a href=\"https://amzn.to/3xYz\">end</a>")
        #expect(extracted(unknown) == String(repeating: "u", count: count) + "end https://amzn.to/3xYz\n")
        #expect(unknown.links?.count == 1)

        // Hidden subtrees, each holding a link and an image.
        let hidden = htmlPost(String(repeating: "<p hidden>#ad <a href=\"https://amzn.to/3xYz\"><img alt=\"#ad\"></a></p>", count: count)
                              + "<p>Shown <a href=\"https://example.com/p\">here</a></p>")
        #expect(extracted(hidden) == "Shown here https://example.com/p\n")
        let shown = hidden.text.span(of: try #require(hidden.links?.first).urlSpan)
        #expect(hidden.links?.count == 1)
        #expect((shown.line, shown.column) == (1, 68 * count + 19))

        // Repeated `<body>` tags, which the parser drops, and comments between links.
        let bodies = htmlPost("<body>" + String(repeating: "<body><!-- c --><a href=\"https://example.com/p\">x</a>", count: count))
        #expect(bodies.links?.count == count)
        #expect(bodies.text.span(of: bodies.links!.last!.urlSpan).column == 6 + 53 * (count - 1) + 26)
    }

    @Test func hiddenElementsAreNotAudited() throws {
        let report = auditHTML("<p>Use my code JANE20 for 10% off.</p><p hidden>#ad</p>", jurisdictions: ["us"])
        #expect(report.findings.contains { $0.kind == .undisclosed })
        #expect(report.disclosures.isEmpty)
        let visible = auditHTML("<p>Use my code JANE20 for 10% off.</p><p>#ad</p>", jurisdictions: ["us"])
        #expect(!visible.findings.contains { $0.kind == .undisclosed })

        for hider in ["hidden", "HIDDEN=\"hidden\"", "style=\"color: red; DISPLAY :\n None\"", "style='display:none!important'",
                      "style=\"visibility: Hidden\"", "style=\"display:&#32;none\""] {
            let post = htmlPost("<div>Before <span \(hider)>#ad <b>paid</b> <a href=\"https://amzn.to/3xYz\">deal</a></span>after.</div>")
            #expect(extracted(post) == "Before after.\n", "\(hider)")
            #expect(post.links == [], "\(hider)")
        }
        // Visible text and links after a hidden subtree keep their positions.
        let page = "<div style=\"display: none\"><img alt=\"#ad\"><a href=\"https://amzn.to/1\">x</a></div>\n<p>See <a href=\"https://amzn.to/3xYz\">this</a></p>"
        let post = htmlPost(page)
        #expect(extracted(post) == "See this https://amzn.to/3xYz\n")
        let link = post.text.span(of: try #require(post.links?.first).urlSpan)
        #expect((link.line, link.column, link.length) == (2, 17, 20))
        // Only hiding styles hide.
        #expect(extracted(htmlPost("<p style=\"display: block; visibility: visible\" data-hidden>Shown</p>")) == "Shown\n")
    }

    @Test func startTagsAreReadFromSource() throws {
        let bytes = Array("<A HREF=\"https://x.example/?a=1&amp;b\" REL=\"Sponsored\tNOFOLLOW\" data-x = 'q' checked/>rest".utf8)
        let tag = try #require(HTMLStartTag.parse(bytes, at: 0, limit: bytes.count))
        #expect(tag.name == "a")
        #expect(tag.attributes.map(\.name) == ["href", "rel", "data-x", "checked"])
        #expect(tag.value("data-x").map { String(decoding: bytes[$0], as: UTF8.self) } == "q")
        #expect(tag.value("checked")?.isEmpty == true)
        #expect(tag.value("title") == nil)
        #expect(tag.relTokens(in: bytes) == ["sponsored", "nofollow"])
        #expect(String(decoding: bytes[tag.end...], as: UTF8.self) == "rest")

        let plain = Array("<img src=a.jpg alt=\"A &amp; B\">".utf8)
        #expect(HTMLStartTag.parse(plain, at: 0, limit: plain.count)?.relTokens(in: plain) == [])
        #expect(HTMLStartTag.parse(Array(#"<a"x href=h>"#.utf8), at: 0, limit: 12)?.name == "a")
        for notATag in ["</p>", "< p>", "<!-- x -->", "<1>", "a<b>"] {
            #expect(HTMLStartTag.parse(Array(notATag.utf8), at: 0, limit: notATag.utf8.count) == nil, "\(notATag)")
        }
        // Never past `limit`: an unfinished tag ends there.
        let cut = Array("<p class=\"x\">".utf8)
        let open = try #require(HTMLStartTag.parse(cut, at: 0, limit: 8))
        #expect((open.name, open.end, open.attributes.map(\.name)) == ("p", 8, ["class"]))
    }

    @Test func characterReferencesUnderBothRules() {
        func decode(_ text: String, _ rules: CharacterReference.Rules) -> String? {
            let bytes = Array(text.utf8)
            guard let reference = CharacterReference.decode(bytes, at: 0, limit: bytes.count, rules: rules) else { return nil }
            return String(decoding: reference.value, as: UTF8.self) + "|" + String(decoding: bytes[reference.end...], as: UTF8.self)
        }
        for rules in [CharacterReference.Rules.html, .commonMark] {
            #expect(decode("&eacute;x", rules) == "é|x")
            #expect(decode("&#x2019;s", rules) == "’|s")
            #expect(decode("&#X1F600;", rules) == "😀|")
            #expect(decode("&amp;&lt;", rules) == "&|&lt;")
            #expect(decode("&bogus;", rules) == nil)
            #expect(decode("&eacute", rules) == nil)
            #expect(decode("&#;", rules) == nil)
            #expect(decode("& x", rules) == nil)
        }
        #expect(decode("&#233 x", .html) == "é| x")
        #expect(decode("&#233 x", .commonMark) == nil)
        #expect(decode("&#0;", .html) == "|")
        #expect(decode("&#0;", .commonMark) == "\u{FFFD}|")
        #expect(decode("&#xD800;", .commonMark) == "\u{FFFD}|")
        #expect(decode("&#1114112;", .html) == "|")
        #expect(decode("&#1114112;", .commonMark) == "\u{FFFD}|")
        #expect(decode("&#12345678;", .commonMark) == nil)  // CommonMark allows 7 digits at most
        #expect(decode("&#x1234567;", .commonMark) == nil)
        let decoded = CharacterReference.decoded(Array("a&amp;b&#99;&zz;".utf8), in: 1..<12, rules: .html)
        #expect(String(decoding: decoded, as: UTF8.self) == "&bc")
    }

    @Test func htmlFilesAreReadAsHTML() {
        for name in ["page.html", "page.HTM", "page.xhtml"] {
            #expect(InputSource(path: name, format: .auto).formatByExtension == .html)
        }
        #expect(InputDiscovery.auditedExtensions.isSuperset(of: ["html", "htm", "xhtml"]))
    }
}
