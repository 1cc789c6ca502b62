import CandorCore
import CandorPCRE
import Foundation
import Testing

@Suite struct PartnerTests {
    static let partners = """
    partners:
      - name: Calzedonia
        handles: ["@calzedonia", "#calzedonia"]
        domains: [calzedonia.com]
        codes: [JEN70]
        relationship: ambassador
        markets: [uk, it]
        from: 2026-01-01

    """

    func rules(_ partners: String) throws -> RuleSet {
        let folder = try temporaryFolder(["partners.yml": partners])
        defer { try? FileManager.default.removeItem(at: folder) }
        return try RuleSet.load(directories: [shippedRulesDirectory], partners: [folder.appendingPathComponent("partners.yml").path])
    }

    @Test func aPostMentioningADeclaredPartnerCarriesItsRelationshipInItsMarkets() throws {
        let rules = try rules(Self.partners)
        let text = "Summer vibes with @calzedonia 🌊 code JEN70 https://www.calzedonia.com/it/"
        let report = audit(text, jurisdictions: ["uk", "us"], rules: rules)
        #expect(report.relationships.map(\.category) == [.ambassador])
        #expect(report.relationships.first?.evidence.map(\.ruleId) == ["partner.calzedonia.handle", "partner.calzedonia.code", "partner.calzedonia.domain"])
        // Judged in the UK (a declared market), not in the US.
        #expect(report.findings.map(\.jurisdiction) == ["uk"])
        #expect(report.findings.first.map { spanText($0, in: text) } == "@calzedonia")
        // Before the partnership started, the post carries no relationship.
        let early = Auditor(rules: rules).audit(Post(path: "p", text: SourceText(text), date: "2025-12-31"),
                                                options: AuditOptions(jurisdictions: ["uk"]), scratch: MatchScratch())
        #expect(early.findings.isEmpty)
        // A handle inside a longer handle is not the partner.
        #expect(audit("Love @calzedonia_fan pics", jurisdictions: ["uk"], rules: rules).relationships.isEmpty)
    }

    @Test func invalidEntriesAreErrorsWithPositions() throws {
        let bad = "partners:\n  - name: X\n    relationship: bribe\n    handles: [foo]\n    colour: 1\n    from: yesterday\n"
        do {
            _ = try rules(bad)
            Issue.record("expected errors")
        } catch {
            let messages = (error as? RuleLoadError)?.errors.map { "\($0.location.line):\($0.location.column): \($0.message)" } ?? []
            #expect(messages == [
                "5:5: unknown key 'colour' in a partner (expected one of: name, handles, domains, codes, relationship, markets, from, until)",
                "3:19: 'bribe' is not a valid relationship (expected one of: affiliate, paid, gift, stay, ambassador, discount-code, contest)",
                "4:14: 'foo' is not a handle or hashtag (start it with @ or #)",
                "6:11: 'from' must be a date like 2026-01-31",
            ])
        }
    }
}
