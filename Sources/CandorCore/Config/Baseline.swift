import Foundation
import Synchronization

/// One recorded finding. Only `fingerprint` is matched; the rest tells a reader what it was.
public struct BaselineEntry: Codable, Sendable, Hashable {
    public var fingerprint: String
    public var ruleId: String
    public var document: String
    public var evidence: String
}

/// `.candor-baseline.json`: the findings a project has accepted for now. An
/// audit with `--baseline` reports only findings not in it. Entries are keyed
/// by `Fingerprint` (never by line), with documents named relative to the
/// baseline's folder; written as stable, sorted JSON so it diffs well.
public struct BaselineFile: Codable, Sendable {
    public static let defaultName = ".candor-baseline.json"
    public var version = 1
    public var fingerprintVersion = Fingerprint.version
    /// `RuleSet.version` of the rules it was made with.
    public var ruleSetVersion: String
    public var findings: [BaselineEntry]

    public init(ruleSetVersion: String, findings: [BaselineEntry]) {
        self.ruleSetVersion = ruleSetVersion
        self.findings = findings.sorted { ($0.document, $0.ruleId, $0.fingerprint) < ($1.document, $1.ruleId, $1.fingerprint) }
    }

    public static func load(_ path: String) throws(RuleLoadError) -> BaselineFile {
        let start = SourceLocation(file: path, line: 1, column: 1)
        guard let data = FileManager.default.contents(atPath: path) else { throw RuleLoadError(errors: [RuleError(start, "cannot read baseline")]) }
        let file: BaselineFile
        do { file = try JSONDecoder().decode(BaselineFile.self, from: data) } catch {
            throw RuleLoadError(errors: [RuleError(start, "not a Candor baseline (\(error))")])
        }
        guard file.fingerprintVersion == Fingerprint.version else {
            throw RuleLoadError(errors: [RuleError(start, "baseline uses fingerprint version \(file.fingerprintVersion), this Candor uses \(Fingerprint.version); run `candor baseline update`")])
        }
        return file
    }

    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return ((try? encoder.encode(self)) ?? Data()) + Data("\n".utf8)
    }
}

/// Collects every finding an audit reports, for `candor baseline create|update`.
public final class BaselineRecorder: Sendable {
    /// Documents are named relative to this folder (the baseline file's).
    public let directory: String
    private let entries = Mutex<[BaselineEntry]>([])

    public init(directory: String) { self.directory = ProjectPaths.absolute(directory) }

    func add(_ new: [BaselineEntry]) { entries.withLock { $0 += new } }
    public var findings: [BaselineEntry] { entries.withLock { $0 } }
}
