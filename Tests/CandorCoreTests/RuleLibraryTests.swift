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

    /// What Candor tells people to write must satisfy Candor: for every
    /// jurisdiction, category and language it applies to, a post carrying the
    /// relationship and opened with the suggested disclosure (what `--fix`
    /// writes) leaves nothing to report.
    @Test func everySuggestedDisclosureIsAcceptedWhereItIsSuggested() {
        let fillers = ["en": "My week in photos, by the sea.", "es": "Mi semana en fotos, junto al mar.", "it": "La mia settimana in foto, al mare.",
                       "fr": "Ma semaine en photos, au bord de la mer.", "de": "Meine Woche in Bildern, am Meer.", "pt": "A minha semana em fotos, junto ao mar."]
        for policy in shippedRules.jurisdictions.values.sorted(by: { $0.id < $1.id }) {
            let languages = policy.language == "audience" ? fillers.keys.sorted() : [policy.language]
            for language in languages {
                for category in Category.allCases {
                    let filler = fillers[language]!
                    let before = audit(filler, jurisdictions: [policy.id], declared: [category])
                    guard let suggestion = before.findings.first?.suggestion else {
                        Issue.record("\(policy.id) \(language) \(category.rawValue): an undisclosed relationship gave no finding")
                        continue
                    }
                    let after = audit(suggestion + "\n" + filler, jurisdictions: [policy.id], declared: [category])
                    #expect(after.findings.isEmpty, "\(policy.id) \(language) \(category.rawValue): “\(suggestion)” leaves \(after.findings.map { "\($0.kind.rawValue) \($0.ruleId)" })")
                }
            }
        }
    }
}
