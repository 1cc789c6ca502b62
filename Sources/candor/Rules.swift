import ArgumentParser
import CandorCore
import CandorPCRE
import Foundation

struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "List, test and export the rule library.",
        subcommands: [List.self, Test.self, Explain.self, Stats.self, ExportPatterns.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List every rule with its kind, category or language, and file (as .candor.yml sets them up).")
        @OptionGroup var rules: RuleOptions
        @OptionGroup var config: ConfigFileOptions

        func run() throws {
            let settings = try config.settings()
            let set = try rules.load(for: settings)
            var rows: [[String]] = [["ID", "KIND", "SCOPE", "COVERS", "SEVERITY", "FILE"]]
            for rule in set.signals {
                rows.append([rule.id, "signal", rule.matcher.scopeName, rule.category.rawValue,
                             (settings.selection.severity(for: rule.id) ?? rule.severity).rawValue, "\(rule.location)"])
            }
            for rule in set.disclosures {
                let covers = rule.covers.count == Category.allCases.count ? "all" : rule.covers.sorted().map(\.rawValue).joined(separator: ",")
                rows.append([rule.id, "label:\(rule.language)", "text", covers, "-", "\(rule.location)"])
            }
            for policy in set.jurisdictions.values.sorted(by: { $0.id < $1.id }) {
                rows.append([policy.id, "jurisdiction", policy.language, "\(policy.accepts.count) accepted labels", "-", "\(policy.location)"])
            }
            for language in set.languages {
                rows.append([language.id, "language", "-", "\(language.words.count) words", "-", "\(language.location)"])
            }
            let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
            for row in rows {
                writeOut(row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                    .joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n")
            }
        }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "test", abstract: "Run every rule's examples through the real engine (the rules .candor.yml sets up).")
        @OptionGroup var rules: RuleOptions
        @OptionGroup var config: ConfigFileOptions

        func run() throws {
            let result = RuleSelfTest(rules: try rules.load(for: try config.settings())).runAll()
            for failure in result.failures { writeErr("\(failure)\n") }
            let verdict = result.failures.isEmpty ? "passed" : "\(result.failures.count) failed"
            writeErr("candor: rules test: \(result.rules) rules, \(result.examples) examples, \(verdict)\n")
            if !result.failures.isEmpty { throw ExitCode(CandorCore.ExitCode.findings) }
        }
    }

    struct ExportPatterns: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export-patterns",
            abstract: "Print the patterns that run over post text (signals and labels), one per line, for a bare regex scanner (pcre2grep -f, rg -P -f). URL-part patterns are left out: they only mean something on a split URL.")
        @OptionGroup var rules: RuleOptions

        func run() throws {
            let set = try rules.load()
            let textSignals = set.signals.compactMap { rule -> Pattern? in
                switch rule.matcher {
                case let .text(pattern), let .linkText(pattern): return pattern
                case .url: return nil
                }
            }
            let patterns = textSignals + set.disclosures.map(\.pattern)
            for pattern in patterns {
                writeOut((pattern.options.contains(.caseInsensitive) ? "(?i)" : "") + pattern.source + "\n")
            }
        }
    }
}
