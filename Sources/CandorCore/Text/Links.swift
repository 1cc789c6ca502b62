import CandorPCRE
import Foundation

/// A link found in a post: where the URL sits, its normalised parts, and the
/// visible link text when the post is Markdown or HTML.
public struct Link: Sendable, Equatable {
    public let urlSpan: Range<Int>
    public let textSpan: Range<Int>?
    public let url: NormalizedURL
}

/// A URL split into the parts rules match separately. The host is lower-case
/// without `www.`; path and query are HTML-entity- and percent-decoded (up to three
/// times, for double-encoded wrappers).
public struct NormalizedURL: Sendable, Equatable {
    public let raw: String
    public let host: String
    public let path: String
    public let query: String

    public init(_ raw: String) {
        self.raw = raw
        var rest = Substring(NormalizedURL.decodeEntities(raw))
        if let scheme = rest.range(of: "://") , rest[..<scheme.lowerBound].allSatisfy({ $0.isLetter || $0.isNumber || "+.-".contains($0) }) {
            rest = rest[scheme.upperBound...]
        } else if rest.hasPrefix("//") {
            rest = rest.dropFirst(2)
        }
        let authorityEnd = rest.firstIndex(where: { "/?#".contains($0) }) ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if let colon = authority.lastIndex(of: ":") { authority = authority[..<colon] }
        var host = authority.lowercased()
        while host.hasSuffix(".") { host.removeLast() }
        if host.hasPrefix("www.") { host.removeFirst(4) }
        self.host = host

        var remainder = rest[authorityEnd...]
        if let hash = remainder.firstIndex(of: "#") { remainder = remainder[..<hash] }
        let queryStart = remainder.firstIndex(of: "?")
        path = NormalizedURL.percentDecode(String(remainder[..<(queryStart ?? remainder.endIndex)]))
        query = queryStart.map { NormalizedURL.percentDecode(String(remainder[remainder.index(after: $0)...])) } ?? ""
    }

    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var result = text
        for (entity, value) in [("&amp;", "&"), ("&#38;", "&"), ("&#x26;", "&"), ("&quot;", "\""), ("&#39;", "'"),
                                ("&lt;", "<"), ("&gt;", ">"), ("&#61;", "="), ("&#x3d;", "=")] {
            result = result.replacingOccurrences(of: entity, with: value, options: .caseInsensitive)
        }
        return result
    }

    static func percentDecode(_ text: String) -> String {
        var current = Array(text.utf8)
        for _ in 0..<3 {
            guard let decoded = percentDecodeOnce(current) else { break }
            current = decoded
        }
        return String(decoding: current, as: UTF8.self)
    }

    private static func percentDecodeOnce(_ bytes: [UInt8]) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var changed = false
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
               let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) {
                output.append(high << 4 | low)
                index += 3
                changed = true
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return changed ? output : nil
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// Finds links in post text: Markdown `[text](url)`, HTML `<a href>`, URLs with a
/// scheme, `www.` hosts and scheme-less `host.tld/path`.
public struct LinkExtractor: Sendable {
    private let markdown: Pattern
    private let html: Pattern
    private let bare: Pattern

    public init() {
        // These patterns are fixed and known to compile.
        markdown = try! Pattern(#"\[([^\]\n]{0,500})\]\(\s*<?((?:[^()\s<>]++|\([^()\s]*+\))++)>?(?:\s+"[^"\n]*+")?\s*\)"#)
        html = try! Pattern(#"<a\b[^>]{0,1000}?\bhref\s*=\s*(?:"([^"]++)"|'([^']++)')[^>]*+>([^<]{0,500})</a>"#, options: [.caseInsensitive])
        bare = try! Pattern(#"(?<![\w@./%-])(?:[a-z][a-z0-9+.-]{1,15}://[^\s<>"'`]+|www\.[^\s<>"'`]+|(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}/[^\s<>"'`]*)"#, options: [.caseInsensitive])
    }

    public func links(in text: SourceText, scratch: MatchScratch) -> [Link] {
        var links: [Link] = []
        var covered: [Range<Int>] = []
        func append(url: Range<Int>?, text textSpan: Range<Int>?, whole: Range<Int>) {
            guard let url, !url.isEmpty, !covered.contains(where: { $0.overlaps(whole) }) else { return }
            covered.append(whole)
            links.append(Link(urlSpan: url, textSpan: textSpan, url: NormalizedURL(text.string(url))))
        }
        text.bytes.withUnsafeBufferPointer { buffer in
            // A link that defeats the match limits is skipped rather than stopping the audit.
            for groups in (try? markdown.allMatchGroups(in: buffer, scratch: scratch)) ?? [] {
                append(url: groups[2], text: groups[1], whole: groups[0]!)
            }
            for groups in (try? html.allMatchGroups(in: buffer, scratch: scratch)) ?? [] {
                append(url: groups[1] ?? groups[2], text: groups[3], whole: groups[0]!)
            }
            for candidate in (try? bare.allMatches(in: buffer, scratch: scratch)) ?? [] {
                let span = trimTrailingPunctuation(candidate, in: text.bytes)
                append(url: span, text: nil, whole: span)
            }
        }
        return links.sorted { $0.urlSpan.lowerBound < $1.urlSpan.lowerBound }
    }

    /// Sentence punctuation after a URL is not part of it; a closing bracket is
    /// kept only when the URL opened one.
    private func trimTrailingPunctuation(_ range: Range<Int>, in bytes: [UInt8]) -> Range<Int> {
        var end = range.upperBound
        while end > range.lowerBound {
            let last = bytes[end - 1]
            if ".,;:!?'\"*_".utf8.contains(last) { end -= 1; continue }
            if let open = [UInt8(ascii: ")"): UInt8(ascii: "("), UInt8(ascii: "]"): UInt8(ascii: "[")][last] {
                let opens = bytes[range.lowerBound..<end].filter { $0 == open }.count
                let closes = bytes[range.lowerBound..<end].filter { $0 == last }.count
                if closes > opens { end -= 1; continue }
            }
            break
        }
        return range.lowerBound..<end
    }
}

