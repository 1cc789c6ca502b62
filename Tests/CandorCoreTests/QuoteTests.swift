@testable import CandorCore
import Testing

/// Messages quote evidence on one line; the byte test that lets most quotes
/// through unchanged must see every line break `Character.isNewline` sees.
@Suite struct QuoteTests {
    @Test(arguments: ["", "plain", "a\nb", "a\rb", "a\r\nb", "a\u{0B}b", "a\u{0C}b", "a\u{85}b", "a\u{2028}b", "a\u{2029}b",
                      "’quoted’ “text”", "café · 2027", "\u{2027}\u{202A}", "x\u{0085}", "\u{00C2}\u{0085}"])
    func lineBreaksAreSeenByTheByteTest(text: String) {
        #expect(Auditor.mayBreakLines(text) == text.contains(where: \.isNewline))
    }

    /// What a quote was first written as, with Characters.
    static func plainQuote(_ text: String) -> String {
        if text.utf8.count <= 60, !text.contains(where: \.isNewline) { return text }
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.unicodeScalars.count <= 60 ? flat : String(String.UnicodeScalarView(flat.unicodeScalars.prefix(59))) + "…"
    }

    @Test func quotesAreOneLineOfAtMostSixtyScalars() {
        let pieces = ["word", " ", "é", "👍🏽", "広告", "\n", "\r", "\r\n", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}", "\u{301}",
                      "\u{2027}", "#ad", String(repeating: "x", count: 30)]
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        for _ in 0..<3000 {
            let text = (0..<next(24)).map { _ in pieces[next(pieces.count)] }.joined()
            #expect(Auditor.quote(text) == QuoteTests.plainQuote(text), "\(text.debugDescription)")
        }
        #expect(Auditor.quote("a\n\nb") == "a b")
        #expect(Auditor.quote(String(repeating: "é", count: 61)) == String(repeating: "é", count: 59) + "…")
        #expect(Auditor.quote(String(repeating: "é", count: 60)) == String(repeating: "é", count: 60))
    }
}
