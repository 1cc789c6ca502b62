import Foundation

/// Every loaded and compiled rule, cross-checked. Immutable and shared by all workers.
public struct RuleSet: Sendable {
    public let signals: [SignalRule]
    public let disclosures: [DisclosureRule]
    public let jurisdictions: [String: JurisdictionPolicy]
    public let languages: [LanguageProfile]
    /// Label id → categories it discloses in a jurisdiction of its own language.
    /// A label accepted at home but used for another audience is a wrong-language label.
    let acceptedAtHome: [String: Set<Category>]
    /// Signal id → the language of its wording, for ids with a language segment
    /// (`gift.es.received`); link and code rules have none.
    let signalLanguage: [String: String]
    /// A stable hash of the contents of every rule and partners file loaded
    /// (see `RuleSet+Selection.swift`); baselines record it.
    public internal(set) var version = ""

    /// Loads every `.yml`/`.yaml` file under the given folders, then the
    /// declared partnerships in each partners file.
    public static func load(directories: [String], partners: [String] = []) throws(RuleLoadError) -> RuleSet {
        var loaded = RuleLoader.Loaded()
        var files: [String] = []
        for directory in directories {
            do {
                let inDirectory = try RuleLoader.ruleFiles(in: directory)
                RuleLoader.load(files: inDirectory, into: &loaded)
                files += inDirectory
            } catch let error as RuleLoadError {
                loaded.errors += error.errors
            } catch {
                loaded.errors.append(RuleError(SourceLocation(file: directory, line: 1, column: 1), "\(error)"))
            }
        }
        for file in partners { PartnerLoader.load(file: file, into: &loaded) }
        var set = try RuleSet(loaded)
        set.version = contentVersion(of: files + partners)
        return set
    }

    init(_ loaded: RuleLoader.Loaded) throws(RuleLoadError) {
        var errors = loaded.errors
        var seen: [String: SourceLocation] = [:]
        func claim(_ id: String, _ location: SourceLocation, namespace: String) {
            let key = namespace + ":" + id
            if let first = seen[key] {
                errors.append(RuleError(location, "duplicate \(namespace) id '\(id)' (first defined at \(first))"))
            } else {
                seen[key] = location
            }
        }
        signals = loaded.signals
        disclosures = loaded.disclosures
        languages = loaded.languages
        for rule in signals { claim(rule.id, rule.location, namespace: "rule") }
        for rule in disclosures { claim(rule.id, rule.location, namespace: "rule") }
        for policy in loaded.jurisdictions { claim(policy.id, policy.location, namespace: "jurisdiction") }
        for language in languages { claim(language.id, language.location, namespace: "language") }

        let labelIDs = Set(disclosures.map(\.id))
        for reference in loaded.labelReferences where !labelIDs.contains(reference.id) {
            errors.append(RuleError(reference.location, "unknown disclosure label '\(reference.id)'"))
        }
        let languageIDs = Set(languages.map(\.id))
        for rule in disclosures where !languageIDs.contains(rule.language) {
            errors.append(RuleError(rule.location, "disclosure '\(rule.id)' names unknown language '\(rule.language)'"))
        }
        for policy in loaded.jurisdictions where !languageIDs.contains(policy.language) && policy.language != JurisdictionPolicy.audienceLanguage {
            errors.append(RuleError(policy.location, "jurisdiction '\(policy.id)' names unknown language '\(policy.language)'"))
        }
        guard errors.isEmpty else { throw RuleLoadError(errors: errors) }

        jurisdictions = Dictionary(uniqueKeysWithValues: loaded.jurisdictions.map { ($0.id, $0) })
        let languageOf = Dictionary(uniqueKeysWithValues: disclosures.map { ($0.id, $0.language) })
        var home: [String: Set<Category>] = [:]
        for policy in loaded.jurisdictions {
            for (label, categories) in policy.accepts where languageOf[label] == policy.language {
                home[label, default: []].formUnion(categories)
            }
        }
        acceptedAtHome = home
        signalLanguage = Dictionary(uniqueKeysWithValues: signals.compactMap { rule in
            rule.id.split(separator: ".").dropFirst().first(where: { languageIDs.contains(String($0)) }).map { (rule.id, String($0)) }
        })
    }

    public func jurisdiction(_ id: String) -> JurisdictionPolicy? { jurisdictions[id] }

    /// Whether a jurisdiction of the label's own language accepts it for some category.
    public func isAcceptedAtHome(_ labelID: String) -> Bool { !(acceptedAtHome[labelID] ?? []).isEmpty }

    public func language(_ id: String) -> LanguageProfile? { languages.first { $0.id == id } }

    /// The folder of rules shipped with Candor: `$CANDOR_RULES`, then
    /// `share/candor/Rules` beside the installed binary, then a `Rules` folder
    /// next to `Package.swift` above the binary (a source checkout).
    public static func defaultDirectory() -> String? {
        if let configured = ProcessInfo.processInfo.environment["CANDOR_RULES"], !configured.isEmpty { return configured }
        // The running binary, wherever it was started from (argv[0] may be a bare name).
        let executable = (Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])).resolvingSymlinksInPath()
        var directory = executable.deletingLastPathComponent()
        let installed = directory.deletingLastPathComponent().appendingPathComponent("share/candor/Rules")
        if FileManager.default.fileExists(atPath: installed.path) { return installed.path }
        for _ in 0..<8 {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                return directory.appendingPathComponent("Rules").path
            }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }
}
