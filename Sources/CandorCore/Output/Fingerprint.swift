/// A finding's identity across edits: its rule, jurisdiction, category, the
/// document (file, and record id in a batch) and its evidence with case and
/// spacing normalised, never its line or column, so a finding keeps its
/// fingerprint when text above it changes. Baselines, ignore files and SARIF's
/// `partialFingerprints` all use this one definition.
public enum Fingerprint {
    /// Bumped if the definition ever changes, so stored fingerprints can be told apart.
    public static let version = 1

    /// Every finding's fingerprint, in report order. Identical findings in one
    /// document are told apart by how many came before them.
    public static func of(_ report: PostReport) -> [String] {
        var seen: [String: Int] = [:]
        return report.findings.map { finding in
            let key = [finding.ruleId, finding.jurisdiction ?? "", finding.category.rawValue, document(report), normalised(finding.evidence)]
                .joined(separator: "\u{1F}")
            let occurrence = seen[key, default: 0]
            seen[key] = occurrence + 1
            return hex(fnv1a(key + "\u{1F}\(occurrence)"))
        }
    }

    /// The file, and in a batch the record's id (or, without one, its line).
    public static func document(_ report: PostReport) -> String {
        guard let record = report.record else { return report.path }
        return report.path + "#" + (report.id ?? "line-\(record)")
    }

    /// Lower-case, with every run of whitespace as one space, trimmed.
    static func normalised(_ text: String) -> String {
        text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// 64-bit FNV-1a: stable across runs and platforms (Swift's own hashing is seeded per process).
    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
