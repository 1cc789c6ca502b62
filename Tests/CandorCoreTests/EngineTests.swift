import CandorCore
import CandorPCRE
import Foundation
import Testing

@Suite struct EngineTests {
    @Test func aTextRuleWithoutKeywordsRunsOnAPostThatShowsNothingElse() throws {
        // A post with no link and no keyword of any rule takes a short path; a
        // rule with no keywords must still run on it.
        let folder = try temporaryFolder(["extra.yml": RuleLoaderTests.signal(text: "'zebra crossing'")])
        defer { try? FileManager.default.removeItem(at: folder) }
        let rules = try RuleSet.load(directories: [shippedRulesDirectory, folder.path])
        let report = audit("Slow morning by the zebra crossing", jurisdictions: ["us"], rules: rules)
        #expect(report.relationships.map(\.category) == [.discountCode])
        #expect(report.findings.map(\.ruleId) == ["test.signal"])
        #expect(audit("Slow morning by the zebra crossing", jurisdictions: ["us"]).relationships.isEmpty)
    }

    @Test func undisclosedAffiliateLinkIsFoundAtTheLink() throws {
        let text = "Obsessed 😍 https://www.amazon.com/dp/B00TTD9BRC?tag=maya-20 go get it"
        let report = audit(text, jurisdictions: ["us"])
        let finding = try #require(report.findings.first)
        #expect(report.findings.count == 1)
        #expect(finding.kind == .undisclosed)
        #expect(finding.category == .affiliate)
        #expect(finding.severity == .error)
        #expect(finding.ruleId == "affiliate.amazon-tag")
        #expect(finding.jurisdiction == "us")
        #expect(spanText(finding, in: text) == "https://www.amazon.com/dp/B00TTD9BRC?tag=maya-20")
        #expect((finding.line, finding.column, finding.byteOffset) == (1, 12, 14))
        #expect(finding.suggestion == "#ad · I earn a commission if you buy through the links in this post")
        #expect(finding.help == "https://www.ftc.gov/business-guidance/resources/disclosures-101-social-media-influencers")
        #expect(finding.message.contains("Amazon Associates link"))
    }

    @Test(arguments: ["", "a", "hi", "ww", "www", "/", "a.b", "x/y"])
    func postsShorterThanAnyLinkAreAuditedQuietly(text: String) {
        let report = audit(text, jurisdictions: ["us"])
        #expect(report.findings.isEmpty)
        #expect(report.diagnostics.isEmpty)
    }

    @Test func aBareWWWHostIsALinkInAnyCase() throws {
        let text = "Shop WwW.amzn.to now"
        let links = Auditor(rules: shippedRules).links(in: SourceText(text), scratch: MatchScratch())
        #expect(links.map { String(decoding: Array(text.utf8)[$0.urlSpan], as: UTF8.self) } == ["WwW.amzn.to"])
    }

    @Test func thanksAloneIsInsufficient() throws {
        let text = "The team at @glowlabs sent me this to try. Thanks @glowlabs!"
        let report = audit(text, jurisdictions: ["us", "uk"])
        #expect(report.findings.map(\.kind) == [.insufficient, .insufficient])
        #expect(report.findings.map(\.jurisdiction) == ["uk", "us"])
        #expect(report.findings.allSatisfy { spanText($0, in: text) == "Thanks @glowlabs" && $0.category == .gift })
        #expect(report.relationships.first?.verdicts == ["us": "insufficient", "uk": "insufficient"])
    }

    @Test func aLabelAfterTheInstagramFoldIsHidden() throws {
        let filler = String(repeating: "Slow morning with coffee and a book. ", count: 4)  // 148 characters
        let text = "Use my code CALM20 for 20% off. " + filler + "#ad"
        let report = audit(text, jurisdictions: ["us"], platform: .instagram)
        let finding = try #require(report.findings.first)
        #expect(finding.kind == .hidden)
        #expect(spanText(finding, in: text) == "#ad")
        #expect(report.disclosures.first?.placement == Placement(beforeFold: false, inTrailingHashtags: true, beforeFirstAffiliateLink: nil))
        // On X there is no fold, and #ad is the only hashtag at the end, so the same post is fine.
        #expect(audit(text, jurisdictions: ["us"], platform: .x).findings.isEmpty)
    }

    @Test func aLabelBuriedInTrailingHashtagsIsHiddenButItalyAllowsTheFirstThree() {
        let english = "Use my code CALM20 for 20% off #home #candles #ad"
        #expect(audit(english, jurisdictions: ["us"], platform: .x).findings.map(\.kind) == [.hidden])
        #expect(audit("Use my code CALM20 for 20% off #home #ad #candles", jurisdictions: ["us"], platform: .x).findings.isEmpty)
        let italian = "Con il codice GIULIA10 #pasta #cucina #adv"
        #expect(audit(italian, jurisdictions: ["it"], platform: .x).findings.isEmpty)
        let buried = "Con il codice GIULIA10 #pasta #cucina #food #adv"
        #expect(audit(buried, jurisdictions: ["it"], platform: .x).findings.map(\.kind) == [.hidden])
    }

    @Test func aBlogLabelAfterTheFirstAffiliateLinkIsHidden() {
        let late = "My tent: https://amzn.to/3xKq9Lm\n\nMore below.\n\n#ad I earn a commission if you buy through my links."
        #expect(audit(late, jurisdictions: ["us"], platform: .blog).findings.map(\.kind) == [.hidden])
        let early = "#ad I earn a commission if you buy through my links.\n\nMy tent: https://amzn.to/3xKq9Lm"
        #expect(audit(early, jurisdictions: ["us"], platform: .blog).findings.isEmpty)
    }

    @Test func englishAdForASpanishAudienceIsWrongLanguage() throws {
        let text = "#ad Me encanta esta crema, con mi código VERANO10 tenéis un 10%"
        let report = audit(text)
        #expect(report.language == "es")
        #expect(report.jurisdictions == ["es"])
        let finding = try #require(report.findings.first)
        #expect(finding.kind == .wrongLanguage)
        #expect(spanText(finding, in: text) == "#ad")
        #expect(finding.suggestion.hasPrefix("Publicidad"))
        #expect(report.disclosures.first?.accepted == false)
    }

    @Test func anAcceptedLabelUpfrontDisclosesEveryCategory() {
        let text = "#ad Paid partnership with @trailco. Use my code SAM15 for 15% off https://amzn.to/3xKq9Lm"
        let report = audit(text, jurisdictions: ["us", "uk"])
        #expect(report.findings.isEmpty)
        #expect(report.relationships.map(\.category) == [.affiliate, .paid, .discountCode])
        #expect(report.disclosures.first(where: { $0.ruleId == "label.en.ad" })?.acceptedBy == ["uk", "us"])
    }

    @Test func aLongRunOfDotsCannotHideALink() {
        let text = "Shop my tent https://amzn.to/3xKq9Lm " + String(repeating: "a.", count: 70_000)
        let report = audit(text, jurisdictions: ["us"])
        #expect(report.findings.map(\.ruleId) == ["affiliate.amazon-short-link"])
        #expect(report.diagnostics.isEmpty)
    }

    @Test func labelsOnTheirOwnLineWorkWithCRLF() {
        #expect(audit("Ad\r\nUse my code MAYA15 for 15% off", jurisdictions: ["us"]).findings.isEmpty)
        #expect(audit("Publicidad\r\nCon mi código LUCIA15 tenéis un 15%", jurisdictions: ["es"]).findings.isEmpty)
    }

    @Test func aPostThatOnlyTalksAboutAdvertisingHoldsNoRelationship() {
        let text = "Creators must label ads. Use #ad or “Advertisement” upfront; #sp and thanking a brand are not enough, and affiliate links need a disclosure too."
        let report = audit(text)
        #expect(report.relationships.isEmpty)
        #expect(report.findings.isEmpty)
        #expect(!report.disclosures.isEmpty)
    }

    @Test func declaredRelationshipsAndMarketsComeFromTheInput() throws {
        let report = audit("Mi rutina de mañana ✨", market: "es", declared: [.gift])
        #expect(report.jurisdictions == ["es"])
        let finding = try #require(report.findings.first)
        #expect(finding.kind == .undisclosed)
        #expect(finding.ruleId == "declared-relationship")
        #expect((finding.line, finding.column, finding.length) == (1, 1, 0))
    }

    @Test func theLanguagePicksTheJurisdictions() {
        #expect(audit("I love this and you will too, it is the best").jurisdictions == ["uk", "us"])
        #expect(audit("Sono innamorata di questa crema, è la più buona").jurisdictions == ["it"])
        #expect(audit("#ad").jurisdictions == ["uk", "us"])  // too short to tell: English is assumed
    }

    @Test func aShortPostTakesItsLanguageFromTheRulesThatMatched() {
        // Too few common words to tell, but the label and the wording are Portuguese.
        let report = audit("#publi Parceria paga com @cafetropical: o novo blend é incrível!")
        #expect(report.language == "pt")
        #expect(report.jurisdictions == ["br", "pt"])
        #expect(report.findings.isEmpty)
    }

    @Test func invalidUTF8InAPostIsAuditedWithoutCrashing() throws {
        var bytes = Array("Use my code CALM20 for 20% off ".utf8)
        bytes += [0xFF, 0xFE, 0xC3, 0x28]
        bytes += Array(" https://amzn.to/3xKq9Lm".utf8)
        let post = Post(path: "bad.txt", text: SourceText(bytes))
        let report = Auditor(rules: shippedRules).audit(post, options: AuditOptions(jurisdictions: ["us"]), scratch: MatchScratch())
        #expect(report.findings.map(\.category) == [.discountCode, .affiliate])
        #expect(report.findings.last?.byteOffset == 36)
        #expect(report.findings.last?.column == 37)  // each invalid byte is one column
    }

    @Test func aCatastrophicUserPatternEndsInADiagnosticNamingRuleAndPost() throws {
        let folder = try temporaryFolder(["evil.yml": """
        signals:
          - id: user.evil
            category: paid
            severity: error
            message: catastrophic
            text: '(a+)+$'
            examples:
              match: ['⟦aaa⟧']
              no-match: ['b']

        """])
        defer { try? FileManager.default.removeItem(at: folder) }
        let rules = try RuleSet.load(directories: [shippedRulesDirectory, folder.path])
        let text = String(repeating: "a", count: 64) + "b"
        let post = Post(path: "posts.jsonl", record: 7, id: "p-9", text: SourceText(text))
        let started = Date()
        let report = Auditor(rules: rules).audit(post, options: AuditOptions(), scratch: MatchScratch())
        #expect(Date().timeIntervalSince(started) < 30)  // a guard against a hang, not a benchmark
        #expect(report.diagnostics == ["rule 'user.evil' gave up on posts.jsonl:7 (post p-9): match limit exceeded (the pattern backtracks catastrophically on this input)"])
    }
}
