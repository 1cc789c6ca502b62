import CandorCore
import Foundation
import Testing

/// Each malformed-rule case, with the exact message and file:line:col.
@Suite struct RuleLoaderTests {
    /// A minimal valid signal, with `extra` lines spliced into its mapping.
    static func signal(id: String = "test.signal", text: String = "'use my code'", extra: String = "") -> String {
        """
        signals:
          - id: \(id)
            category: discount-code
            severity: error
            message: test signal
            text: \(text)
        \(extra)    examples:
              match: ['⟦use my code⟧ now']
              no-match: ['nothing here']

        """
    }

    /// Loads the given files and returns every error line with the folder path removed.
    func errors(_ files: [String: String]) throws -> [String] {
        let folder = try temporaryFolder(files)
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            _ = try RuleSet.load(directories: [folder.path])
            return []
        } catch {
            return error.errors.map { $0.description.replacingOccurrences(of: folder.path + "/", with: "") }
        }
    }

    @Test func aValidFileLoads() throws {
        #expect(try errors(["a.yml": Self.signal()]) == [])
    }

    @Test func unknownKeysAreErrorsAtTheirPosition() throws {
        #expect(try errors(["a.yml": Self.signal(extra: "    colour: red\n")]) == [
            "a.yml:7:5: error: unknown key 'colour' in a signal (expected one of: id, message, reference, keywords, ignore-case, examples, category, severity, text, link-text, url)",
        ])
    }

    @Test func aKeywordWithWhitespaceIsAnErrorAtTheKeyword() throws {
        #expect(try errors(["a.yml": Self.signal(extra: "    keywords: [code, 'my code']\n")]) == [
            "a.yml:7:22: error: keyword 'my code' holds whitespace; a post may part those words with any space, tab or line break, so use one of the words",
        ])
        #expect(try errors(["a.yml": Self.signal(extra: "    keywords: code\n")]) == [])
    }

    @Test func duplicateIDsNameBothPlaces() throws {
        #expect(try errors(["a.yml": Self.signal(), "b.yml": Self.signal()]) == [
            "b.yml:2:5: error: duplicate rule id 'test.signal' (first defined at a.yml:2:5)",
        ])
    }

    @Test func missingExamplesAreErrors() throws {
        let noExamples = """
        signals:
          - id: test.bare
            category: gift
            severity: warning
            message: test
            text: 'gifted'

        """
        #expect(try errors(["a.yml": noExamples]) == [
            "a.yml:2:5: error: a signal is missing required key 'examples' (match and no-match)",
        ])
        let noNegative = Self.signal().replacingOccurrences(of: "      no-match: ['nothing here']\n", with: "")
        #expect(try errors(["a.yml": noNegative]) == ["a.yml:7:5: error: a signal needs at least one 'no-match' example"])
    }

    @Test func aMatchExampleMustMarkItsSpan() throws {
        let unmarked = Self.signal().replacingOccurrences(of: "'⟦use my code⟧ now'", with: "'use my code now'")
        #expect(try errors(["a.yml": unmarked]) == [
            "a.yml:8:15: error: a 'match' example must mark the expected span with ⟦…⟧",
        ])
        let unbalanced = Self.signal().replacingOccurrences(of: "'⟦use my code⟧ now'", with: "'⟦use my code now'")
        #expect(try errors(["a.yml": unbalanced]) == ["a.yml:8:15: error: unbalanced ⟦…⟧ in example"])
    }

    @Test func patternCompileErrorsPointIntoThePattern() throws {
        // Single-quoted: the column is the opening quote + 1 + PCRE2's offset.
        #expect(try errors(["a.yml": Self.signal(text: "'use (my code'")]) == [
            "a.yml:6:24: error: pattern does not compile: missing closing parenthesis",
        ])
        // Plain scalar: PCRE2 points at the "a" of the reversed range.
        #expect(try errors(["a.yml": Self.signal(text: "use [z-a] code")]) == [
            "a.yml:6:18: error: pattern does not compile: range out of order in character class",
        ])
        // Literal block: the line and column inside the block.
        let block = Self.signal(text: "|\n      use my\n      code[z-a]")
        #expect(try errors(["a.yml": block]) == [
            "a.yml:8:14: error: pattern does not compile: range out of order in character class",
        ])
    }

    @Test func aPatternThatMatchesEmptyTextIsRejected() throws {
        #expect(try errors(["a.yml": Self.signal(text: "'(?:code)?'")]) == ["a.yml:6:11: error: pattern matches empty text"])
    }

    @Test func wrongValuesNameTheKeyAndChoices() throws {
        let badCategory = Self.signal().replacingOccurrences(of: "category: discount-code", with: "category: bribe")
        #expect(try errors(["a.yml": badCategory]) == [
            "a.yml:3:15: error: 'bribe' is not a valid category (expected one of: affiliate, paid, gift, stay, ambassador, discount-code, contest)",
        ])
    }

    @Test func invalidYAMLIsReportedWithItsPosition() throws {
        #expect(try errors(["a.yml": "signals:\n  - id: [unclosed\n"]).first?.hasPrefix("a.yml:3:1: error: invalid YAML:") == true)
    }

    @Test func jurisdictionsMustReferToKnownLabels() throws {
        let policy = """
        jurisdiction:
          id: zz
          name: Test
          language: en
          reference: https://example.org
          accepts:
            label.none: all
          suggestions: {default: '#ad'}
          examples:
            - post: 'hello'
              expect: {}

        """
        let language = """
        languages:
          - id: en
            name: English
            words: [the, and]
            examples: {match: ['the cat and the dog'], no-match: ['nada']}

        """
        #expect(try errors(["p.yml": policy, "l.yml": language]) == ["p.yml:7:5: error: unknown disclosure label 'label.none'"])
    }

    @Test func aLanguageWordLongerThanTheDetectorReadsIsAnError() throws {
        let language = """
        languages:
          - id: en
            name: English
            words: [the, and, abcdefghijklmnop, abcdefghijklmnopq]
            examples: {match: ['the cat and the dog'], no-match: ['nada']}

        """
        #expect(try errors(["l.yml": language]) == [
            "l.yml:4:12: error: the language word 'abcdefghijklmnopq' is longer than 16 bytes of UTF-8, which the detector never reads as one word",
        ])
    }
}
