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
}
