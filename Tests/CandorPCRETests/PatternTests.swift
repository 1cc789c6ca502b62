import CandorPCRE
import Foundation
import Synchronization
import Testing

@Suite struct PatternTests {
    let scratch = MatchScratch()

    private func ranges(_ pattern: String, _ text: String, _ options: PatternOptions = []) throws -> [Range<Int>] {
        try Pattern(pattern, options: options).allMatches(in: Array(text.utf8), scratch: scratch)
    }

    @Test func offsetsAreUTF8BytesAfterAccentsEmojiAndCJK() throws {
        // "é" is 2 bytes, "👩🏽‍💻" is 15 bytes, "広告" is 6 bytes.
        #expect(try ranges("#ad", "é #ad") == [3..<6])
        #expect(try ranges("#ad", "👩🏽‍💻 #ad") == [16..<19])
        #expect(try ranges("#ad", "広告 #ad") == [7..<10])
        #expect(try ranges("広告", "PR 広告") == [3..<9])
    }

    @Test func unicodePropertiesAndCaselessMatchingApplyToNonASCII() throws {
        #expect(try ranges("pubblicità", "PUBBLICITÀ", [.caseInsensitive]) == [0..<11])
        #expect(try ranges("\\w+", "ñandú") == [0..<7])
        #expect(try ranges("\\bcódigo\\b", "usa mi código YA") == [7..<14])
    }

    @Test func emptyMatchesAdvanceWithoutLooping() throws {
        #expect(try ranges("x*", "axb") == [0..<0, 1..<2, 2..<2, 3..<3])
        #expect(try ranges("", "") == [0..<0])
        #expect(try ranges("(?=é)", "aéé") == [1..<1, 3..<3])
    }

    @Test func invalidUTF8InTheSubjectIsSkippedNotFatal() throws {
        let bytes: [UInt8] = [0x23, 0x61, 0x64, 0x20, 0xC3, 0x28, 0xFF, 0x20, 0x23, 0x61, 0x64]
        let found = try Pattern("#ad").allMatches(in: bytes, scratch: scratch)
        #expect(found == [0..<3, 8..<11])
        // A truncated multibyte sequence at the very end.
        #expect(try Pattern("\\w+").allMatches(in: [0x61, 0x62, 0xE2, 0x82], scratch: scratch) == [0..<2])
    }

    @Test func compileErrorsCarryMessageAndOffset() {
        #expect(throws: PatternCompileError.self) { try Pattern("abc(def") }
        do {
            _ = try Pattern("ab[z-a]")
            Issue.record("expected a compile error")
        } catch {
            #expect(error.message.contains("range out of order"))
            #expect(error.offset == 5)
        }
    }

    @Test func catastrophicBacktrackingEndsInAFailureNotAHang() throws {
        let pattern = try Pattern("^(a+)+$")
        let subject = Array(String(repeating: "a", count: 40).utf8) + [0x62]
        #expect(throws: MatchFailure.matchLimitExceeded) {
            try pattern.allMatches(in: subject, scratch: scratch)
        }
        // The same scratch still works afterwards.
        #expect(try pattern.allMatches(in: Array("aaa".utf8), scratch: scratch) == [0..<3])
    }

    @Test func onePatternIsSharedAcrossThreadsEachWithItsOwnScratch() throws {
        let pattern = try Pattern("#ad\\b", options: [.caseInsensitive])
        let text = Array(String(repeating: "lovely day #AD and more ", count: 200).utf8)
        let counts = Mutex([Int](repeating: 0, count: 8))
        DispatchQueue.concurrentPerform(iterations: 8) { index in
            let local = MatchScratch()
            let found = (try? pattern.allMatches(in: text, scratch: local).count) ?? -1
            counts.withLock { $0[index] = found }
        }
        #expect(counts.withLock { $0 } == Array(repeating: 200, count: 8))
    }

    @Test func jitIsUsedWhenTheLibraryHasIt() throws {
        #expect(try Pattern("a").isJITCompiled == Pattern.jitAvailable)
    }
}
