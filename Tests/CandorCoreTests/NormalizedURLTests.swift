@testable import CandorCore
import Testing

@Suite struct NormalizedURLTests {
    @Test func asciiAndOtherURLsSplitAlike() {
        let ascii = NormalizedURL("https://user:pw@Shop.Example:8080/a/b?x=1&y=%41#frag")
        #expect([ascii.host, ascii.path, ascii.query] == ["shop.example", "/a/b", "x=1&y=A"])
        let other = NormalizedURL("https://user:pw@Shop.Example:8080/ä/b?x=ü&y=%41#frag")
        #expect([other.host, other.path, other.query] == ["shop.example", "/ä/b", "x=ü&y=A"])
        let schemeless = NormalizedURL("//cdn.example/p?q")
        #expect([schemeless.host, schemeless.path, schemeless.query] == ["cdn.example", "/p", "q"])
        // Only letters, digits and `+.-` make a scheme.
        #expect(NormalizedURL("shop.example/a?next=https://b.example/").host == "shop.example")
    }

    /// The byte path for ASCII URLs gives what the general path gives, or declines.
    @Test func theASCIIPathAgreesWithTheGeneralOne() {
        let urls = [
            "https://user:pw@Shop.Example:8080/a/b?x=1&y=%41#frag", "//cdn.example/p?q", "shop.example/a?next=https://b.example/",
            "HTTPS://WWW.Shop.Example./Path?Q=1", "https://www.example", "https://www.", "www.example.com/x", "://x/y", "//", "",
            "https://a.example#x?y", "https://a.example?x#y", "https://a@b@c.example:1:2/p", "h+t.t-p://a.example/", "ht_tp://a.example/",
            "https://a.example/?x=1&y=2", "https://a.example/?x=1;y=2", "https://shop.example..../p", "mailto:someone@example.com",
            "https://:8080/p", "https://@/p", "/just/a/path?x", "?x", "#x", "https://a.example/p%2Fq?%26=%3D",
        ]
        for url in urls {
            guard let fast = NormalizedURL.asciiParts(url) else { Issue.record("declined \(url)"); continue }
            let general = NormalizedURL.parts(url)
            #expect([fast.host, fast.rawPath, fast.rawQuery] == [general.host, general.rawPath, general.rawQuery], "\(url)")
        }
        // Entities, labels to decode and text beyond ASCII take the general path.
        for url in ["https://a.example/?x=1&amp;y=2", "https://xn--bcher-kva.example/", "https://bücher.example/", "https://a.example/ä"] {
            #expect(NormalizedURL.asciiParts(url) == nil, "\(url)")
        }
    }

    /// Parameters of an ASCII query are read by byte; the result is what splitting gives.
    @Test func asciiParametersAreReadAsSplittingReadsThem() {
        let queries = ["u=1", "U=1&u=2", "x=1&u=https://a.example/?p=1&q=2", "u", "u=", "=u", "&&u=3&", "%75=4&u%3D=5", "uu=6&u=7",
                       "u=https://a.example/&z=1", "u=a://b?c", "url=x&URL=y&Url=z", "u=%41&u=%2541"]
        for query in queries {
            let url = NormalizedURL("https://w.example/p?" + query)
            for name in ["u", "url", "URL", "q", "p"] {
                for rest in [false, true] {
                    let fast = url.asciiParameterValues(name, keepingUnencodedRest: rest)
                    #expect(fast == url.splitParameterValues(name, keepingUnencodedRest: rest), "\(query) \(name) \(rest)")
                }
            }
        }
        #expect(NormalizedURL("https://w.example/p?u=1").asciiParameterValues("u", keepingUnencodedRest: false) == ["1"])
        #expect(NormalizedURL("https://w.example/p?u=é").asciiParameterValues("u", keepingUnencodedRest: false) == nil)
    }

    @Test func aKeycapEmojiIsNoFragmentMark() {
        // `#` followed by U+FE0F U+20E3 is one character, so the path runs on.
        #expect(NormalizedURL("https://shop.example/deal#\u{FE0F}\u{20E3}1?x=1").path == "/deal#\u{FE0F}\u{20E3}1")
        #expect(NormalizedURL("https://shop.example/deal#1?x=1").path == "/deal")
    }

    @Test func entitiesAreDecodedOnlyWhereThereAreAny() {
        #expect(NormalizedURL("https://a.example/?x=1&amp;y=2&AMP;z=3&#x3D;4").query == "x=1&y=2&z=3=4")
        #expect(NormalizedURL("https://a.example/?x=1&y=2").query == "x=1&y=2")
        #expect(NormalizedURL("https://a.example/a%20b/plain").path == "/a b/plain")
    }

    @Test func parameterNamesIgnoreCaseAndPercentEncoding() {
        func hosts(_ url: String) -> [String] { NormalizedURL(url).destinations().map(\.host) }
        #expect(hosts("https://out.reddit.com/?URL=https%3A%2F%2Fshop.example%2Fp") == ["shop.example"])
        #expect(hosts("https://out.reddit.com/?%55rl=https%3A%2F%2Fshop.example%2Fp") == ["shop.example"])
        #expect(hosts("https://out.reddit.com/?urls=https%3A%2F%2Fshop.example%2Fp").isEmpty)
        // Outside ASCII the comparison is Foundation's, which folds the Kelvin sign onto `k`.
        #expect(hosts("https://track.adform.net/C/?bn=1&c\u{212A}url=https%3A%2F%2Fshop.example%2Fp") == ["shop.example"])
        #expect(!NormalizedURL.isSameName("c@url", "c`url"))
    }

    @Test func theByteTestPassesEveryHostAWrapperMatches() {
        var hosts = ["google.co.uk", "google.com", "google.toolong", "googlex.de", "rover.ebay.de", "ebay.de", "youtube.com",
                     "m.youtube.com", "notyoutube.com", "bücher.example", "l.instagram.com.evil", "", "a"]
        for wrapper in redirectWrappers {
            let name = wrapper.host
            if name.hasPrefix("*.") {
                let domain = String(name.dropFirst(2))
                hosts += [domain, "a." + domain, "x.y." + domain, "x" + domain, "ü." + domain]
            } else if name.hasSuffix(".*") {
                let stem = String(name.dropLast(2))
                hosts += [stem + ".de", stem + ".co.uk", stem + ".com", stem + ".x", stem + "x.de"]
            } else {
                hosts += [name, name + "x", "x" + name, "a." + name]
            }
        }
        var matched = 0
        for host in hosts {
            for wrapper in redirectWrappers where NormalizedURL.host(host, matches: wrapper.host) {
                matched += 1
                #expect(NormalizedURL.host(Array(host.utf8), mayMatch: Array(wrapper.host.utf8)), "\(host) \(wrapper.host)")
            }
            // Exact and subdomain patterns are decided by the bytes alone.
            for wrapper in redirectWrappers where !wrapper.host.hasSuffix(".*") {
                #expect(NormalizedURL.host(Array(host.utf8), mayMatch: Array(wrapper.host.utf8)) == NormalizedURL.host(host, matches: wrapper.host),
                        "\(host) \(wrapper.host)")
            }
        }
        #expect(matched > redirectWrappers.count)
    }
}
