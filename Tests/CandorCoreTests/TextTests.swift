@testable import CandorCore
import CandorPCRE
import Foundation
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
        // ASCII and other punctuation mixed, and square brackets.
        let mixed = "x https://a.example/b]]. y https://c.example/d)…» z https://e.example/[f]\"!"
        let trimmed = links(mixed).map { String(decoding: Array(mixed.utf8)[$0.urlSpan], as: UTF8.self) }
        #expect(trimmed == ["https://a.example/b", "https://c.example/d", "https://e.example/[f]"])
    }

    @Test func emojiTypedAfterALinkIsNotPartOfIt() {
        let text = "Get it https://amzn.to/3xKq9Lm😍」 and https://amzn.to/3xKq9Lm👍🏽"
        let found = links(text).map { String(decoding: Array(text.utf8)[$0.urlSpan], as: UTF8.self) }
        #expect(found == ["https://amzn.to/3xKq9Lm", "https://amzn.to/3xKq9Lm"])
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

    @Test func hostsAreUnicodeLowerCaseWithPunycodeDecoded() {
        #expect(NormalizedURL("https://XN--BCHER-KVA.Example/Buch").host == "bücher.example")
        #expect(NormalizedURL("https://WWW.MÜNCHEN.DE/").host == "münchen.de")
        #expect(NormalizedURL("https://shop。example。com/a").host == "shop.example.com")
        #expect(NormalizedURL("https://xn--zz-/").host == "xn--zz-")  // invalid Punycode is kept as written
    }

    @Test func bareURLsAfterCJKTextAndBeforeCJKPunctuation() {
        let text = "詳細はamzn.to/3xKq9Lm。「https://liketk.it/4aBcD」 über.de/x (https://bücher.example/ä)…"
        let found = links(text).map { String(decoding: Array(text.utf8)[$0.urlSpan], as: UTF8.self) }
        #expect(found == ["amzn.to/3xKq9Lm", "https://liketk.it/4aBcD", "über.de/x", "https://bücher.example/ä"])
    }

    func candidates(_ text: String) -> [String] {
        links(text).first.map { $0.candidates.map { "\($0.host)\($0.path)?\($0.query)" } } ?? []
    }

    @Test func instagramShimAroundSkimlinksAroundAmazonUnwrapsToTheTag() {
        // Skimlinks' url= is double-encoded inside the Instagram shim's u=.
        let skim = "https://go.skimresources.com/?id=12345X678901&xs=1&url=https%253A%252F%252Fwww.amazon.com%252Fdp%252FB01%253Ftag%253Dmaya-20%2526th%253D1"
        let post = "Shop it https://l.instagram.com/?u=" + skim.replacingOccurrences(of: "%", with: "%25")
            .replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: "/", with: "%2F")
            .replacingOccurrences(of: "?", with: "%3F").replacingOccurrences(of: "=", with: "%3D")
            .replacingOccurrences(of: "&", with: "%26") + "&e=AT3kP ok"
        let found = links(post)
        #expect(found.count == 1)
        let link = found[0]
        #expect(String(decoding: Array(post.utf8)[link.urlSpan], as: UTF8.self).hasSuffix("&e=AT3kP"))
        #expect(link.candidates.map(\.host) == ["l.instagram.com", "go.skimresources.com", "amazon.com"])
        #expect(link.candidates[2].path == "/dp/B01")
        #expect(link.candidates[2].query == "tag=maya-20&th=1")
        // The Amazon rule reports the whole Instagram link.
        let report = audit(post, jurisdictions: ["us"])
        #expect(report.relationships.first?.evidence.map(\.ruleId).contains("affiliate.amazon-tag") == true)
        #expect(report.relationships.first?.evidence.first.map(\.text) == String(decoding: Array(post.utf8)[link.urlSpan], as: UTF8.self))
    }

    @Test func doubleEncodedSkimlinksOnAPublisherDomainUnwrapsToAmazon() {
        let url = "https://go.theguardian.com/?id=114047X1572903&url=https%253A%252F%252Fwww.amazon.co.uk%252Fdp%252FB0%253Ftag%253Dguardian-21&sref=x"
        #expect(candidates("Via \(url)") == [
            "go.theguardian.com/?id=114047X1572903&url=https://www.amazon.co.uk/dp/B0?tag=guardian-21&sref=x",
            "amazon.co.uk/dp/B0?tag=guardian-21",
        ])
        // Without a Skimlinks id a url= parameter on an unknown host is left alone.
        #expect(candidates("https://www.example.com/?id=12345&url=https%3A%2F%2Fwww.amazon.com%2F") .count == 1)
    }

    @Test func youTubeRedirectUnwrapsItsQParameter() {
        let url = "https://www.youtube.com/redirect?event=video_description&redir_token=QUFFLUhqbA&q=https%3A%2F%2Famzn.to%2F3xKq9Lm&v=dQw4w9WgXcQ"
        #expect(candidates(url) == [
            "youtube.com/redirect?event=video_description&redir_token=QUFFLUhqbA&q=https://amzn.to/3xKq9Lm&v=dQw4w9WgXcQ",
            "amzn.to/3xKq9Lm?",
        ])
        // Only the redirect path: a watch page's parameters are not destinations.
        #expect(candidates("https://www.youtube.com/watch?v=dQw4w9WgXcQ&q=https%3A%2F%2Famzn.to%2F3x").count == 1)
    }

    @Test func wrapperTableCoversPathFormsAndEntitiesAndUnencodedDestinations() {
        // Google's q= with &amp; separators in copied HTML.
        #expect(candidates("https://www.google.co.uk/url?sa=t&amp;url=https%3A%2F%2Fwww.ebay.co.uk%2Fitm%2F1%3Fmkcid%3D1%26campid%3D5338765432&amp;usg=x").last
                == "ebay.co.uk/itm/1?mkcid=1&campid=5338765432")
        // CJ's deep-link form carries the destination raw in the path.
        #expect(candidates("https://www.anrdoezrs.net/links/8834567/type/dlg/sid/ig/https://www.example-shop.com/item/1?color=red").last
                == "example-shop.com/item/1?color=red")
        // Tradedoubler's parenthesis form.
        #expect(candidates("http://clkuk.tradedoubler.com/click?p(12345)a(1234567)g(24567890)url(https://www.example.co.uk/item)").last
                == "example.co.uk/item?")
        // An unencoded Rakuten murl keeps its own query.
        #expect(candidates("https://click.linksynergy.com/deeplink?id=AbC&mid=1&murl=https://www.example.com/p?color=red&size=m").last
                == "example.com/p?color=red&size=m")
        // A relative destination (TradeTracker u=/item) has no host to match.
        #expect(candidates("https://tc.tradetracker.net/?c=15640&m=12&a=123456&u=%2Fitem%2F1").count == 1)
    }

    @Test func unwrappingStopsAfterThreeLevels() {
        var url = "https://www.example.com/p?tag=x"
        for _ in 0..<4 { url = "https://out.reddit.com/t3?url=" + url.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }
        let hosts = NormalizedURL(url).destinations().map(\.host)
        #expect(hosts == ["out.reddit.com", "out.reddit.com", "out.reddit.com"])
    }
}

@Suite struct ScalarCountTests {
    @Test func countsWhatStartsAScalarEightBytesAtATime() {
        var seed: UInt64 = 0x2545_F491_4F6C_DD1D
        func next(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        // Bytes of every kind: ASCII, lead bytes and continuation bytes, in any order.
        let kinds: [UInt8] = [0x41, 0x7F, 0x80, 0xBF, 0xC3, 0xA9, 0xE2, 0x40, 0xF0, 0x9F, 0xFF]
        for _ in 0..<2000 {
            let bytes = (0..<next(40)).map { _ in kinds[next(kinds.count)] }
            let start = next(bytes.count + 1)
            let slice = bytes[start...]
            #expect(SourceText.scalarCount(slice) == slice.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }, "\(bytes) from \(start)")
        }
        #expect(SourceText.scalarCount(Array("héllo wörld, 広告 👍".utf8)) == "héllo wörld, 広告 👍".unicodeScalars.count)
    }
}
