import Foundation

extension RuleSet {
    /// The same rules without the signals and labels `keep` rejects. A dropped
    /// signal finds no evidence and a dropped label no longer counts as a
    /// disclosure, so disabling a label can turn its posts undisclosed.
    public func keeping(_ keep: (String) -> Bool) -> RuleSet {
        var loaded = RuleLoader.Loaded()
        loaded.signals = signals.filter { keep($0.id) }
        loaded.disclosures = disclosures.filter { keep($0.id) }
        loaded.jurisdictions = jurisdictions.values.sorted { $0.id < $1.id }
        loaded.languages = languages
        // Everything here was cross-checked when loaded; dropping rules cannot break it
        // (policies may name a dropped label, which then simply never matches).
        guard var set = try? RuleSet(loaded) else { return self }
        set.version = version
        return set
    }

    /// Every id a finding can carry: signals, labels, and the engine's own.
    public var findingRuleIDs: Set<String> {
        Set(signals.map(\.id) + disclosures.map(\.id) + ["declared-relationship", "html.link-rel"])
    }

    /// 64-bit FNV-1a over each file's bytes, in load order: the same files give
    /// the same version wherever they are installed.
    static func contentVersion(of files: [String]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for file in files {
            (FileManager.default.contents(atPath: file) ?? Data()).withUnsafeBytes { bytes in
                for byte in bytes {
                    hash ^= UInt64(byte)
                    hash = hash &* 0x0000_0100_0000_01B3
                }
            }
            hash ^= 0x1F  // a separator, so moving text between files changes the hash
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return Fingerprint.hex(hash)
    }
}
