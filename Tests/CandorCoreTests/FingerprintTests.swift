import CandorCore
import Testing

@Suite struct FingerprintTests {
    @Test func fingerprintsSurviveEditsAboveAndTellFindingsApart() throws {
        let before = audit("Shop it https://amzn.to/3xYzAbc", jurisdictions: ["us"])
        let after = audit("A new first line.\n\nAnd another.\nShop  it https://amzn.to/3xYzAbc", jurisdictions: ["us"])
        #expect(after.findings.first?.line == 4)
        #expect(Fingerprint.of(before) == Fingerprint.of(after))
        #expect(Fingerprint.of(before).first?.count == 16)
        // Another link, another jurisdiction, or the same link twice: each its own fingerprint.
        #expect(Fingerprint.of(audit("Shop it https://amzn.to/9zzZzzz", jurisdictions: ["us"])) != Fingerprint.of(before))
        #expect(Fingerprint.of(audit("Shop it https://amzn.to/3xYzAbc", jurisdictions: ["uk"])) != Fingerprint.of(before))
        let twice = audit("#sp https://amzn.to/3xYzAbc and #sp again", jurisdictions: ["us"])
        #expect(Set(Fingerprint.of(twice)).count == Fingerprint.of(twice).count)
    }
}
