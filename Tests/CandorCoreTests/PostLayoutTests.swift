@testable import CandorCore
import Testing

@Suite struct PostLayoutTests {
    /// The trailing block's start and its hashtags, as text.
    func block(_ text: String) -> (String, [String]) {
        let bytes = Array(text.utf8)
        let layout = PostLayout(text: SourceText(bytes), platform: .instagram)
        func word(at offset: Int) -> String {
            String(decoding: bytes[offset...].prefix { $0 != 0x20 && $0 != 0x0A }, as: UTF8.self)
        }
        return (String(decoding: bytes[layout.trailingBlockStart...], as: UTF8.self), layout.trailingHashtags.map(word(at:)))
    }

    @Test func theBlockRunsBackOverHashtagsMentionsAndSymbolsToTheFirstWord() {
        #expect(block("Great trip!\n\n#ad #travel 🌍 @brand #sun") == ("#ad #travel 🌍 @brand #sun", ["#ad", "#travel", "#sun"]))
        #expect(block("Loved it #ad") == ("#ad", ["#ad"]))
        #expect(block("#ad #travel") == ("#ad #travel", ["#ad", "#travel"]))
        #expect(block("no tags at all") == ("", []))
        #expect(block("") == ("", []))
        #expect(block("   #ad   ") == ("#ad   ", ["#ad"]))
    }

    @Test func aTokenWithALetterOrDigitInAnyScriptEndsTheBlock() {
        #expect(block("#a 2024 #b") == ("#b", ["#b"]))
        #expect(block("#a café #b — #c") == ("#b — #c", ["#b", "#c"]))
        #expect(block("#a ¹ #b") == ("#b", ["#b"]))
        #expect(block("#a Ωmega #b") == ("#b", ["#b"]))
        #expect(block("#a ✨✨ #b") == ("#a ✨✨ #b", ["#a", "#b"]))
    }
}
