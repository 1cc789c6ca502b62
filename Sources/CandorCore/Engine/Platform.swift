/// Where a post is published. The platform decides where the "more" cut falls
/// and whether the post is long-form.
public enum Platform: String, Sendable, Codable, CaseIterable {
    case instagram, tiktok, youtube, x, facebook, blog

    /// The visible part of a post before the reader has to expand it. Figures are
    /// the platforms' usual truncation points and are approximate.
    public struct Fold: Sendable, Equatable {
        public let characters: Int?
        public let lines: Int?
    }

    public var fold: Fold? {
        switch self {
        case .instagram: return Fold(characters: 125, lines: nil)
        case .tiktok: return Fold(characters: 100, lines: nil)
        case .youtube: return Fold(characters: 150, lines: 3)
        case .facebook: return Fold(characters: 480, lines: 5)
        case .x, .blog: return nil
        }
    }

    public var isLongForm: Bool { self == .blog }

    public var displayName: String {
        switch self {
        case .instagram: return "Instagram"
        case .tiktok: return "TikTok"
        case .youtube: return "YouTube"
        case .x: return "X"
        case .facebook: return "Facebook"
        case .blog: return "blog"
        }
    }
}
