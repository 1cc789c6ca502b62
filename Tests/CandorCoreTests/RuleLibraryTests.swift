import CandorCore
import Testing

/// Every shipped rule's own examples, one test case per rule, through the real engine.
@Suite struct RuleLibraryTests {
    static let selfTest = RuleSelfTest(rules: shippedRules)

    @Test("rule examples", arguments: selfTest.ruleIDs)
    func examplesHold(ruleID: String) {
        let result = Self.selfTest.run(ruleID)
        #expect(result.examples > 0, "rule \(ruleID) has no examples")
        for failure in result.failures { Issue.record("\(failure)") }
    }

    @Test func libraryCoversEveryCategoryInSixLanguagesAndNineJurisdictions() {
        for category in Category.allCases {
            for language in ["en", "es", "it", "fr", "de", "pt"] {
                let signals = shippedRules.signals.filter { rule in
                    guard rule.category == category else { return false }
                    if rule.id.contains(".\(language).") { return true }
                    if case .url = rule.matcher { return true }  // links are language-neutral
                    return false
                }
                #expect(!signals.isEmpty, "no \(category.rawValue) signal for \(language)")
            }
        }
        #expect(Set(shippedRules.jurisdictions.keys).isSuperset(of: ["us", "uk", "es", "it", "de", "fr", "br", "pt", "eu"]))
        #expect(Set(shippedRules.disclosures.map(\.language)) == ["en", "es", "it", "fr", "de", "pt"])
        #expect(RuleSelfTest(rules: shippedRules).runAll().examples >= 300)
    }
}
