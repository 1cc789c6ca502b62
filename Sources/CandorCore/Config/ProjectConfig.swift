import Foundation
import Yams

/// A value read from a config file, with where it was written (for errors found later).
public struct Setting: Sendable {
    public let value: String
    public let location: SourceLocation
}

/// Which rules are on and how severe their findings are: `disable` patterns
/// turn rules off, `enable` patterns turn some of those back on, `severity`
/// overrides a finding's severity (the last matching entry wins).
public struct RuleSelection: Sendable {
    public var enable: [Glob] = []
    public var disable: [Glob] = []
    public var severity: [(rule: Glob, severity: Severity)] = []
    public init() {}

    public func isEnabled(_ id: String) -> Bool {
        !disable.contains { $0.matches(id) } || enable.contains { $0.matches(id) }
    }

    public func severity(for id: String) -> Severity? {
        severity.last { $0.rule.matches(id) }?.severity
    }
}

/// `.candor.yml`: a project's audit settings. Paths in it are relative to its folder.
public struct ProjectConfig: Sendable {
    public static let fileName = ".candor.yml"
    public static let keys = ["jurisdictions", "platform", "rules", "enable", "disable", "severity", "partners", "fail-on", "include", "exclude"]

    public let path: String
    public var directory: String { (ProjectPaths.absolute(path) as NSString).deletingLastPathComponent }
    public var jurisdictions: [Setting]?
    public var platform: Platform?
    public var rules: [String]?
    public var partners: [String]?
    public var failOn: Severity?
    public var include: [String] = []
    public var exclude: [String] = []
    /// Rule ids and patterns as written, checked against the loaded rules by `check`.
    public var enable: [Setting] = []
    public var disable: [Setting] = []
    public var severity: [(rule: Setting, severity: Severity)] = []

    public init(path: String) { self.path = path }

    public var selection: RuleSelection {
        var selection = RuleSelection()
        selection.enable = enable.map { Glob($0.value) }
        selection.disable = disable.map { Glob($0.value) }
        selection.severity = severity.map { (Glob($0.rule.value), $0.severity) }
        return selection
    }

    public var pathFilter: PathFilter? {
        include.isEmpty && exclude.isEmpty ? nil : PathFilter(base: directory, include: include, exclude: exclude)
    }

    /// Reads a config file strictly: unknown keys and bad values are errors at their place.
    public static func load(_ path: String) throws(RuleLoadError) -> ProjectConfig {
        var config = ProjectConfig(path: path)
        var errors: [RuleError] = []
        guard let (file, root) = RuleLoader.open(path, what: "config file", errors: &errors) else {
            // A config file holding only comments is an empty config, not an error.
            if errors.count == 1, errors[0].message == "config file is empty" { return config }
            throw RuleLoadError(errors: errors)
        }
        guard let fields = file.fields(root, allowed: keys, what: "a config file") else { throw RuleLoadError(errors: file.errors) }
        config.jurisdictions = settings(fields, "jurisdictions")
        config.platform = fields.enumValue("platform", Platform.self, required: false)
        config.failOn = fields.enumValue("fail-on", Severity.self, required: false)
        config.rules = paths(fields, "rules", folder: true, base: config.directory)
        config.partners = paths(fields, "partners", folder: false, base: config.directory)
        config.enable = settings(fields, "enable") ?? []
        config.disable = settings(fields, "disable") ?? []
        config.include = fields.strings("include") ?? []
        config.exclude = fields.strings("exclude") ?? []
        if let node = fields["severity"] {
            if let mapping = node.mapping {
                for (key, value) in mapping {
                    guard let rule = key.string else { file.error(key, "keys must be strings"); continue }
                    guard let severity = value.scalar.flatMap({ Severity(rawValue: $0.string) }) else {
                        file.error(value, "'severity' of '\(rule)' must be one of: error, warning, note")
                        continue
                    }
                    config.severity.append((Setting(value: rule, location: file.location(key)), severity))
                }
            } else {
                file.error(node, "'severity' must be a mapping of rule id to error, warning or note")
            }
        }
        // In file order, whatever order the keys were read in.
        let sorted = file.errors.sorted { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) }
        guard sorted.isEmpty else { throw RuleLoadError(errors: sorted) }
        return config
    }

    /// Checks what only the loaded rules can tell: jurisdiction codes and rule ids
    /// (or patterns) that name nothing.
    public func check(against rules: RuleSet) throws(RuleLoadError) {
        var errors: [RuleError] = []
        for code in jurisdictions ?? [] where rules.jurisdiction(code.value.lowercased()) == nil {
            errors.append(RuleError(code.location, "unknown jurisdiction '\(code.value)' (known: \(rules.jurisdictions.keys.sorted().joined(separator: ", ")))"))
        }
        let ids = rules.findingRuleIDs
        for rule in enable + disable + severity.map(\.rule) {
            let glob = Glob(rule.value)
            if !ids.contains(where: { glob.matches($0) }) {
                errors.append(RuleError(rule.location, "no rule '\(rule.value)' (see `candor rules list`)"))
            }
        }
        if !errors.isEmpty { throw RuleLoadError(errors: errors) }
    }

    private static func settings(_ fields: Fields, _ key: String) -> [Setting]? {
        guard let node = fields[key] else { return nil }
        let items = node.sequence.map(Array.init) ?? [node]
        return items.compactMap { item in
            guard let value = item.scalar?.string, !value.isEmpty else {
                fields.file.error(item, "'\(key)' must be a string or a list of strings")
                return nil
            }
            return Setting(value: value, location: fields.file.location(item))
        }
    }

    /// Paths resolved against the config's folder; each must exist.
    private static func paths(_ fields: Fields, _ key: String, folder: Bool, base: String) -> [String]? {
        settings(fields, key).map { items in
            items.compactMap { item in
                let path = item.value.hasPrefix("/") ? item.value : base + "/" + item.value
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue == folder else {
                    fields.file.errors.append(RuleError(item.location, "'\(key)': \(folder ? "folder" : "file") '\(item.value)' does not exist"))
                    return nil
                }
                return path
            }
        }
    }
}

/// The files that shape an audit, found by walking up from the audited path.
public struct ProjectDiscovery: Sendable, Equatable {
    /// The nearest `.candor.yml`.
    public var config: String?
    /// `.candorignore` beside that config, or else at the repository root.
    public var ignoreFile: String?

    public init(config: String? = nil, ignoreFile: String? = nil) {
        self.config = config
        self.ignoreFile = ignoreFile
    }

    /// Walks up from `start` (a folder) to the repository root: the first
    /// folder holding `.git`, or else the filesystem root.
    public static func discover(from start: String) -> ProjectDiscovery {
        let manager = FileManager.default
        var found = ProjectDiscovery()
        var root: String?
        var folder = ProjectPaths.absolute(start)
        while true {
            let config = (folder as NSString).appendingPathComponent(ProjectConfig.fileName)
            if found.config == nil, manager.fileExists(atPath: config) { found.config = config }
            if manager.fileExists(atPath: (folder as NSString).appendingPathComponent(".git")) { root = folder; break }
            let parent = (folder as NSString).deletingLastPathComponent
            if parent == folder || parent.isEmpty { break }
            folder = parent
        }
        let candidates = [found.config.map { ($0 as NSString).deletingLastPathComponent }, root].compactMap { $0 }
        found.ignoreFile = candidates.map { ($0 as NSString).appendingPathComponent(IgnoreFile.fileName) }.first { manager.fileExists(atPath: $0) }
        return found
    }

    /// The folder discovery starts from for the audited paths: the first
    /// path's folder (itself, if it is one), or the working directory.
    public static func startFolder(for paths: [String]) -> String {
        guard let first = paths.first, first != "-" else { return FileManager.default.currentDirectoryPath }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: first, isDirectory: &isDirectory), isDirectory.boolValue { return first }
        return (ProjectPaths.absolute(first) as NSString).deletingLastPathComponent
    }
}
