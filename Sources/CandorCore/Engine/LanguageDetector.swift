/// Tells the language of a post from its common words, so each post can be
/// judged under the jurisdictions of its audience.
struct LanguageDetector: Sendable {
    let profiles: [LanguageProfile]

    /// The profile with the most word hits, when it has at least two and beats
    /// the runner-up; nil when the text is too short or too mixed to tell.
    func detect(_ text: String) -> String? {
        var hits = [Int](repeating: 0, count: profiles.count)
        for token in text.split(whereSeparator: { $0.isWhitespace }) {
            guard let first = token.first, first != "#", first != "@", !token.contains("/") else { continue }
            for word in token.lowercased().split(whereSeparator: { !$0.isLetter && $0 != "'" && $0 != "’" }) {
                for (index, profile) in profiles.enumerated() where profile.words.contains(String(word)) { hits[index] += 1 }
            }
        }
        let ranked = hits.enumerated().sorted { $0.element > $1.element }
        guard let best = ranked.first, best.element >= 2, ranked.count < 2 || best.element > ranked[1].element else { return nil }
        return profiles[best.offset].id
    }
}
