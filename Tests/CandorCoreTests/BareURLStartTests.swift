@testable import CandorCore
import CandorPCRE
import Testing

/// The search for bare URLs starts at the first place one can start; starting
/// there must never skip one the search from the beginning finds.
@Suite struct BareURLStartTests {
    func start(_ text: String) -> Int? { LinkExtractor.firstBareURLStart(Array(text.utf8)) }

    @Test func theSearchStartsAtTheWordOfTheFirstSlashOrAtWWW() {
        #expect(start("no links here. None at all") == nil)
        #expect(start("see https://x.com/a") == 4)
        #expect(start("a\tfoo/bar") == 2)
        #expect(start("see WwW.shop.example now, then a/b") == 4)
        #expect(start("go a/b then www.c.example") == 3)
        #expect(start("/root") == 0)
        #expect(start("xwww.y and z") == 1)
    }

    @Test func noBareURLStartsBeforeIt() throws {
        let bare = try #require(LinkExtractor().patterns.first { $0.name == "bare URLs" }?.pattern)
        let scratch = MatchScratch()
        // Words that make URLs, half-URLs and near misses, joined by several kinds of space.
        let pieces = ["www.", "WWW.", "w", "shop", ".", "example", "/", "p", "https://", "ftp:", "@", "é", "広告", " ", "\t", "\n", "\u{00A0}", "\u{3000}", "-", "%"]
        var seed: UInt64 = 0x2545_F491_4F6C_DD1D
        func next(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        for _ in 0..<3000 {
            let text = Array((0..<next(14)).map { _ in pieces[next(pieces.count)] }.joined().utf8)
            let first = try text.withUnsafeBufferPointer { buffer throws(MatchFailure) in try bare.firstMatch(in: buffer, scratch: scratch) }
            let start = LinkExtractor.firstBareURLStart(text)
            if let first {
                let found = try #require(start, "\(String(decoding: text, as: UTF8.self))")
                #expect(found <= first.lowerBound, "\(String(decoding: text, as: UTF8.self))")
            }
            // And from any place, as the search resumes after each URL.
            let offset = next(text.count + 1)
            let later = try text.withUnsafeBufferPointer { buffer throws(MatchFailure) in
                try bare.firstMatchGroups(in: buffer, from: offset, scratch: scratch)?[0]
            }
            if let later {
                let found = try #require(LinkExtractor.firstBareURLStart(text, from: offset), "\(String(decoding: text, as: UTF8.self)) from \(offset)")
                #expect(found >= offset && found <= later.lowerBound, "\(String(decoding: text, as: UTF8.self)) from \(offset)")
            }
        }
    }

    @Test func aLaterSearchStartsAtItsOwnFirstSlashOrWWW() {
        let text = Array("see https://x.com/a then www.y.example and c/d".utf8)
        #expect(LinkExtractor.firstBareURLStart(text, from: 19) == 25)  // www.
        #expect(LinkExtractor.firstBareURLStart(text, from: 40) == 43)  // the word of c/d
        #expect(LinkExtractor.firstBareURLStart(text, from: 46) == nil)
        #expect(LinkExtractor.firstBareURLStart(text, from: 10) == 10)  // inside the first URL: no earlier than asked
    }
}
