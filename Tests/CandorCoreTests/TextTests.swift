import CandorCore
import CandorPCRE
import Testing

@Suite struct SourceTextTests {
    @Test func columnsCountUnicodeScalarsAfterAccentsEmojiAndCJK() {
        let text = SourceText("café 👩🏽‍💻 広告 #ad\nsecond line")
        let offset = Array("café 👩🏽‍💻 広告 ".utf8).count
        // c a f é ␠ (5) + woman, skin tone, ZWJ, laptop (4) + ␠ (1) + 広 告 (2) + ␠ (1) = 13 scalars before "#ad".
        #expect(text.position(of: offset) == SourceText.Position(line: 1, column: 14))
        #expect(text.position(of: Array("café 👩🏽‍💻 広告 #ad\n".utf8).count) == SourceText.Position(line: 2, column: 1))
    }

    @Test func invalidBytesDoNotBreakPositions() {
        let text = SourceText([0x61, 0xFF, 0xC3, 0x23, 0x61, 0x64])
        #expect(text.position(of: 3) == SourceText.Position(line: 1, column: 4))
        #expect(text.string(3..<6) == "#ad")
    }

    @Test func crlfLinesAreStrippedForDisplay() {
        let text = SourceText("one\r\ntwo #ad\r\n")
        #expect(text.position(of: 9) == SourceText.Position(line: 2, column: 5))
        #expect(text.string(text.lineRange(containing: 9)) == "two #ad")
    }
}

@Suite struct LinkTests {
    func links(_ text: String) -> [Link] {
        Auditor(rules: shippedRules).links(in: SourceText(text), scratch: MatchScratch())
    }

    @Test func bareURLsDropSentencePunctuationButKeepBalancedBrackets() {
        let text = "See https://example.com/a_(b). And (https://example.org/x)! Or amzn.to/3xKq9Lm, www.shop.example/p?q=1."
        let found = links(text).map { String(decoding: Array(text.utf8)[$0.urlSpan], as: UTF8.self) }
        #expect(found == ["https://example.com/a_(b)", "https://example.org/x", "amzn.to/3xKq9Lm", "www.shop.example/p?q=1"])
    }

    @Test func markdownAndHTMLLinksKeepTheirText() {
        let text = #"Read [my tent review](https://amzn.to/3xKq9Lm "Tent") or <a href="https://liketk.it/4aBcD" rel="nofollow">the dress</a>."#
        let found = links(text)
        let bytes = Array(text.utf8)
        #expect(found.map { String(decoding: bytes[$0.urlSpan], as: UTF8.self) } == ["https://amzn.to/3xKq9Lm", "https://liketk.it/4aBcD"])
        #expect(found.map { $0.textSpan.map { String(decoding: bytes[$0], as: UTF8.self) } } == ["my tent review", "the dress"])
    }

    @Test func urlsAreNormalisedPartByPart() {
        let url = NormalizedURL("HTTPS://WWW.Amazon.CO.UK:443/dp/B01%2FX?ref_=x&amp;tag=maya%2D21#reviews")
        #expect(url.host == "amazon.co.uk")
        #expect(url.path == "/dp/B01/X")
        #expect(url.query == "ref_=x&tag=maya-21")
        // Double percent-encoding inside a wrapper decodes fully.
        #expect(NormalizedURL("https://go.skimresources.com/?url=https%253A%252F%252Fa.example%252F%253Ftag%253Dx").query
                == "url=https://a.example/?tag=x")
        #expect(NormalizedURL("shareasale.com/r.cfm?B=1").host == "shareasale.com")
    }
}
