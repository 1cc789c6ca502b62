import CandorCore
import CandorPCRE
import Foundation
import Testing

@Suite struct MarkdownTests {
    let page = """
    ---
    title: "Five serums I love"
    description: My honest picks
    tags: [beauty]
    ---
    # The *best* serums

    I use this one daily &amp; it works. Get it [on Amazon](https://amzn.to/3xYzAbc "Amazon") today.
    Inline `#ad` is code.

    ```
    #ad https://amzn.to/ignored
    ```

        indented #ad code

    | Shop | Price |
    |---|---|
    | Boots | £20 |

    ![A bottle of serum](img/serum.jpg)

    """

    @Test func proseIsExtractedAndCodeIsNot() throws {
        let post = try #require(try readPosts("post.md", page).posts.first)
        #expect(post.text.string(0..<post.text.bytes.count) == """
        Five serums I love
        My honest picks
        The best serums
        I use this one daily & it works. Get it on Amazon https://amzn.to/3xYzAbc today.
        Inline  is code.
        Shop Price
        Boots £20
        A bottle of serum

        """)
        #expect(post.platform == .blog)
        #expect(post.links?.map(\.url.raw) == ["https://amzn.to/3xYzAbc"])
    }

    @Test func findingsPointAtTheMarkdownSource() throws {
        let post = try #require(try readPosts("post.md", page).posts.first)
        let report = auditPost(post)
        let finding = try #require(report.findings.first)
        #expect(finding.kind == .undisclosed)
        #expect(finding.ruleId == "affiliate.amazon-short-link")
        #expect((finding.line, finding.column) == (8, 57))
        let source = Array(page.utf8)
        #expect(String(decoding: source[finding.byteOffset..<(finding.byteOffset + finding.length)], as: UTF8.self) == "https://amzn.to/3xYzAbc")
        // The link text is the link's visible text.
        let link = try #require(post.links?.first)
        #expect(post.text.string(link.textSpan!) == "on Amazon")
        #expect(post.text.span(of: link.textSpan!).line == 8)
        #expect(post.text.span(of: link.textSpan!).column == 46)
    }

    @Test func aDisclosureInCodeDoesNotCount() throws {
        let post = try #require(try readPosts("post.md", "Shop it: https://amzn.to/3xYzAbc\n\n```\n#ad\n```\n").posts.first)
        #expect(auditPost(post).findings.map(\.kind) == [.undisclosed])
    }

    @Test func aDisclosureInTheFrontMatterTitleCountsAndIsLocated() throws {
        let text = "---\ntitle: \"#ad My picks\"\n---\nShop it: https://amzn.to/3xYzAbc\n"
        let post = try #require(try readPosts("post.md", text).posts.first)
        let report = auditPost(post)
        #expect(report.findings.isEmpty)
        let disclosure = try #require(report.disclosures.first)
        #expect((disclosure.span.line, disclosure.span.column) == (2, 9))
    }

    @Test func frontMatterDeclaresRelationships() throws {
        let text = "---\nsponsored: true\naffiliate: false\npartner: Glowlabs\nmarket: uk\ndate: 2026-03-01\nauthor: Ana\n---\nMy morning routine.\n"
        let post = try #require(try readPosts("post.md", text).posts.first)
        #expect(post.declared == [.paid, .paid])
        #expect(post.market == "uk")
        #expect(post.date == "2026-03-01")
        #expect(post.author == "Ana")
        let report = auditPost(post, jurisdictions: [])
        #expect(report.findings.map(\.ruleId) == ["declared-relationship"])
        #expect(report.findings.map(\.jurisdiction) == ["uk"])
    }

    @Test func tomlFrontMatterIsReadToo() throws {
        let text = "+++\ntitle = \"Paid link: my picks\"\naffiliate = true\n+++\nBody text here.\n"
        let post = try #require(try readPosts("post.md", text).posts.first)
        #expect(post.declared == [.affiliate])
        #expect(post.text.string(0..<post.text.bytes.count) == "Paid link: my picks\nBody text here.\n")
        #expect(post.text.span(of: 0..<4).line == 2)
        #expect(post.text.span(of: 0..<4).column == 10)
    }

    @Test func brokenFrontMatterIsReportedAndTheBodyStillAudited() throws {
        let text = "---\ntitle: [unclosed\n---\nShop it: https://amzn.to/3xYzAbc\n"
        let (posts, problems) = try readPosts("post.md", text)
        #expect(problems.count == 1)
        #expect(problems.first?.message.hasPrefix("front matter is not valid YAML") == true)
        #expect(problems.first?.line == 3)  // where the YAML reader gave up, counted in the file
        #expect(problems.first?.fatal == false)
        let report = auditPost(try #require(posts.first))
        #expect(report.findings.map { "\($0.line):\($0.column)" } == ["4:10"])
    }

    @Test func referenceLinksAndAutolinksAreLinks() throws {
        let text = "Buy [the kit][kit] or www.amazon.com/dp/B000123?tag=ana-20 now.\n\n[kit]: https://shareasale.com/r.cfm?b=1&u=2\n"
        let post = try #require(try readPosts("post.md", text).posts.first)
        #expect(post.links?.map(\.url.raw) == ["https://shareasale.com/r.cfm?b=1&u=2", "http://www.amazon.com/dp/B000123?tag=ana-20"])
        let report = auditPost(post)
        #expect(Set(report.relationships.flatMap(\.evidence).map(\.ruleId)) == ["affiliate.shareasale", "affiliate.amazon-tag"])
        // The reference link's evidence points at the link where it is used.
        let shareasale = try #require(report.relationships.flatMap(\.evidence).first { $0.ruleId == "affiliate.shareasale" })
        #expect((shareasale.span.line, shareasale.span.column, shareasale.span.length) == (1, 6, 7))
    }

    @Test func crlfAndLatin1FilesKeepTheirPositions() throws {
        let crlf = try #require(try readPosts("post.md", "# Title\r\n\r\nShop it: https://amzn.to/3xYzAbc\r\n").posts.first)
        #expect(auditPost(crlf).findings.map { "\($0.line):\($0.column)" } == ["3:10"])
        // "Publicité : ma routine « avec " in Latin-1, then an affiliate link.
        var latin1 = Array("Publicit".utf8) + [0xE9] + Array(" : ma routine ".utf8) + [0xAB] + Array(" avec ".utf8)
        latin1 += Array("https://amzn.to/3xYzAbc\n".utf8)
        let (posts, problems) = try readPosts("post.md", latin1)
        #expect(problems.map(\.message) == ["not UTF-8; read as Latin-1 (Windows-1252)"])
        let post = try #require(posts.first)
        #expect(post.text.string(0..<10) == "Publicité")
        let report = auditPost(post, jurisdictions: ["fr"])
        #expect(report.disclosures.map(\.ruleId) == ["label.fr.publicite"])
        #expect(report.findings.isEmpty)
        let evidence = try #require(report.relationships.first?.evidence.first)
        // Columns count Latin-1 characters, whatever their byte value («, é).
        #expect((evidence.span.line, evidence.span.column, evidence.span.byteOffset) == (1, 31, 30))
    }

    @Test func textCmarkRewritesStillPointAtItsPlace() throws {
        // Invalid bytes (cmark writes U+FFFD) and a reference to U+0000 (read as U+FFFD).
        let invalid = Array("Caf\u{E9}\n\nCaf".utf8) + [0xFF] + Array(" \u{2014} then use my code JANE20 for 10% off".utf8)
        let post = try #require(try readPosts("post.md", invalid).posts.first)
        #expect(auditPost(post).findings.map { "\($0.line):\($0.column):\($0.length)" } == ["3:13:18"])
        let reference = try #require(try readPosts("post.md", "Hi &#0; there, use my code JANE20 for 10% off").posts.first)
        #expect(auditPost(reference).findings.map { "\($0.line):\($0.column)" } == ["1:16"])
    }

    @Test func aCodeSpanAcrossLinesDoesNotMoveTheCursorAhead() throws {
        let text = "Run `npm\ninstall` first.\n\nLater we npm install again. Use my code JANE20 for 10% off.\n"
        let post = try #require(try readPosts("post.md", text).posts.first)
        #expect(auditPost(post).findings.map { "\($0.line):\($0.column)" } == ["4:29"])
    }

    @Test func crlfTOMLFrontMatterIsRead() throws {
        let text = "+++\r\ntitle = \"My trip\"\r\nsponsored = true\r\n+++\r\nA lovely week by the sea.\r\n"
        let post = try #require(try readPosts("post.md", text).posts.first)
        #expect(post.declared == [.paid])
        #expect(post.text.string(0..<7) == "My trip")
    }

    @Test func rewrittenTextInManyBlocksStaysLinear() throws {
        // Every paragraph holds text cmark rewrites; each is looked for within its own block only.
        let text = String(repeating: "&#0;\n\n", count: 20_000) + "Use my code JANE20 for 10% off.\n"
        let post = try #require(try readPosts("post.md", text).posts.first)
        #expect(auditPost(post).findings.map { "\($0.line):\($0.column)" } == ["40001:1"])
    }
}
