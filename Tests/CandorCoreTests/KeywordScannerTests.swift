@testable import CandorCore
import Testing

@Suite struct KeywordScannerTests {
    /// The lists (by index) whose keywords occur in `text`.
    func lists(_ lists: [[String]], in text: String) -> [Int] {
        let found = KeywordScanner(lists).matches(in: Array(text.utf8))
        return lists.indices.filter(found.contains)
    }

    @Test func everyListWithAKeywordInTheTextIsFound() {
        let lists = [["gift", "sent"], ["code"], ["giftcard"], ["ft"]]
        #expect(self.lists(lists, in: "a giftcard for you") == [0, 2, 3])
        #expect(self.lists(lists, in: "use my CODE") == [1])
        #expect(self.lists(lists, in: "nothing here") == [])
    }

    @Test func overlappingAndNestedKeywordsAreAllSeen() {
        // "she" ends inside "shers"; "he" and "hers" share its tail.
        let lists = [["she"], ["he"], ["hers"], ["his"]]
        #expect(self.lists(lists, in: "ushers") == [0, 1, 2])
    }

    @Test func listsWithoutKeywordsAlwaysRun() {
        #expect(lists([[], ["zzz"], [""]], in: "anything") == [0, 2])
        #expect(lists([[]], in: "") == [0])
    }

    @Test func asciiAndLatin1CapitalsAreFolded() {
        let lists = [["código"], ["größe"], ["×"]]
        #expect(self.lists(lists, in: "CÓDIGO") == [0])
        #expect(self.lists(lists, in: "GRÖßE") == [1])
        // "×" (C3 97) has no lower case, and "÷" (C3 B7) is not "×".
        #expect(self.lists(lists, in: "÷") == [])
        #expect(self.lists(lists, in: "2×3") == [2])
    }

    @Test func wordBoundariesAreCheckedAtEitherEnd() {
        let lists = [[#"\bad\b"#], [#"\bpr"#], [#"off\b"#]]
        #expect(self.lists(lists, in: "#ad made ready") == [0])
        #expect(self.lists(lists, in: "made ready") == [])
        #expect(self.lists(lists, in: "AD") == [0])
        #expect(self.lists(lists, in: "ad_") == [])
        // Bytes beyond ASCII count as a boundary.
        #expect(self.lists(lists, in: "éadé") == [0])
        #expect(self.lists(lists, in: "PR package, reprint") == [1])
        #expect(self.lists(lists, in: "reprint") == [])
        #expect(self.lists(lists, in: "20% off!") == [2])
        #expect(self.lists(lists, in: "offer") == [])
    }

    @Test func aKeywordThatFailsItsBoundaryOnceIsStillFoundLater() {
        #expect(lists([[#"\bad\b"#]], in: "bad ads, then #ad") == [0])
    }
}
