import CandorPCRE
import Foundation

/// Where a redirect wrapper keeps the link it forwards to.
public enum RedirectSource: Sendable, Equatable {
    /// A query parameter (name compared ignoring case).
    case parameter(String)
    /// The whole query string (`href.li/?https://…`).
    case wholeQuery
    /// The first `http…` URL after this marker in the path or query (CJ
    /// `/type/dlg/<url>`, Partnerize `destination:<url>`, Tradedoubler `url(<url>)`).
    case after(String)
}

/// A condition on a wrapper's query for wrappers recognised by shape rather than host.
public enum RedirectCondition: Sendable, Equatable {
    /// The parameter's value is Skimlinks' `<publisher>X<site>` id (digits, `X`, digits).
    case skimlinksID(parameter: String)
}

/// One redirect wrapper: which links it applies to and where the destination is.
public struct RedirectWrapper: Sendable, Equatable {
    /// The normalised host. `*.example.com` also covers its subdomains, `google.*`
    /// any country domain of `google`, and `*` every host.
    public let host: String
    /// A case-insensitive prefix of the decoded path, when the wrapper has one.
    public let path: String?
    public let sources: [RedirectSource]
    public let condition: RedirectCondition?

    public init(_ host: String, path: String? = nil, _ sources: [RedirectSource], when condition: RedirectCondition? = nil) {
        self.host = host
        self.path = path
        self.sources = sources
        self.condition = condition
    }
}

/// Links that forward to another URL given in a parameter or the path, one entry
/// per wrapper. URL rules see the wrapper and every destination unwrapped from it.
/// Sources: the affiliate-networks research notes (wrappers and each network's destination parameter).
public let redirectWrappers: [RedirectWrapper] = [
    // Platform link shims and search-engine redirects.
    RedirectWrapper("l.instagram.com", [.parameter("u")]),
    RedirectWrapper("l.facebook.com", path: "/l.php", [.parameter("u")]),
    RedirectWrapper("lm.facebook.com", path: "/l.php", [.parameter("u")]),
    RedirectWrapper("l.messenger.com", path: "/l.php", [.parameter("u")]),
    RedirectWrapper("*.youtube.com", path: "/redirect", [.parameter("q")]),
    RedirectWrapper("google.*", path: "/url", [.parameter("q"), .parameter("url")]),
    RedirectWrapper("out.reddit.com", [.parameter("url")]),
    RedirectWrapper("click.redditmail.com", [.parameter("url")]),
    RedirectWrapper("steamcommunity.com", path: "/linkfilter", [.parameter("url")]),
    RedirectWrapper("disq.us", [.parameter("url")]),
    RedirectWrapper("vk.com", path: "/away.php", [.parameter("to")]),
    RedirectWrapper("t.umblr.com", path: "/redirect", [.parameter("z")]),
    RedirectWrapper("href.li", [.wholeQuery]),
    RedirectWrapper("duckduckgo.com", path: "/l/", [.parameter("uddg")]),
    RedirectWrapper("getpocket.com", [.parameter("url")]),
    RedirectWrapper("*.googleadservices.com", [.parameter("adurl")]),
    // Affiliate networks' destination parameters.
    RedirectWrapper("go.skimresources.com", [.parameter("url")]),
    RedirectWrapper("go.redirectingat.com", [.parameter("url")]),
    RedirectWrapper("*", [.parameter("url")], when: .skimlinksID(parameter: "id")),  // Skimlinks publisher CNAMEs
    RedirectWrapper("*.anrdoezrs.net", [.parameter("url"), .after("/type/dlg/")]),
    RedirectWrapper("*.dpbolvw.net", [.parameter("url"), .after("/type/dlg/")]),
    RedirectWrapper("*.jdoqocy.com", [.parameter("url"), .after("/type/dlg/")]),
    RedirectWrapper("*.kqzyfj.com", [.parameter("url"), .after("/type/dlg/")]),
    RedirectWrapper("*.tkqlhce.com", [.parameter("url"), .after("/type/dlg/")]),
    RedirectWrapper("*.qksrv.net", [.parameter("url"), .after("/type/dlg/")]),
    RedirectWrapper("*.tqlkg.com", [.parameter("url"), .after("/type/dlg/")]),
    RedirectWrapper("awin1.com", [.parameter("ued"), .parameter("p")]),
    RedirectWrapper("*.linksynergy.com", [.parameter("murl")]),
    RedirectWrapper("*.sjv.io", [.parameter("u")]),
    RedirectWrapper("*.pxf.io", [.parameter("u")]),
    RedirectWrapper("*.evyy.net", [.parameter("u")]),
    RedirectWrapper("*.7eer.net", [.parameter("u")]),
    RedirectWrapper("*.ojrq.net", [.parameter("u")]),
    RedirectWrapper("goto.walmart.com", [.parameter("u")]),
    RedirectWrapper("goto.target.com", [.parameter("u")]),
    RedirectWrapper("redirect.viglink.com", [.parameter("u"), .parameter("ourl")]),
    RedirectWrapper("shareasale.com", [.parameter("urllink")]),
    RedirectWrapper("*.admitad.com", [.parameter("ulp")]),
    RedirectWrapper("track.webgains.com", [.parameter("wgtarget")]),
    RedirectWrapper("*.prf.hn", [.after("/destination:")]),
    RedirectWrapper("*.tradedoubler.com", [.parameter("url"), .parameter("_td_deeplink"), .after("url(")]),
    RedirectWrapper("t.cfjump.com", [.parameter("url")]),
    RedirectWrapper("tc.tradetracker.net", [.parameter("u")]),
    RedirectWrapper("avantlink.com", [.parameter("url")]),
    RedirectWrapper("*.flexlinkspro.com", [.parameter("url")]),
    RedirectWrapper("howl.me", [.parameter("url")]),
    RedirectWrapper("af.moshimo.com", [.parameter("url")]),
    RedirectWrapper("ck.jp.ap.valuecommerce.com", [.parameter("vc_url")]),
    RedirectWrapper("*.a8.net", [.parameter("a8ejpredirect")]),
    RedirectWrapper("linkconnector.com", [.parameter("url")]),
    RedirectWrapper("track.adform.net", [.parameter("ckurl")]),
    RedirectWrapper("*.partner-ads.com", [.parameter("htmlurl")]),
    RedirectWrapper("idealo-partner.com", [.parameter("trg")]),
    RedirectWrapper("rover.ebay.*", [.parameter("mpre")]),
    RedirectWrapper("assoc-redirect.amazon.com", [.after("/g/r/")]),
    RedirectWrapper("target.georiot.com", [.parameter("gr_url")]),
]

/// A link found in a post: where the URL sits, its normalised parts, and the
/// visible link text when the post is Markdown or HTML.
public struct Link: Sendable, Equatable {
    public let urlSpan: Range<Int>
    public let textSpan: Range<Int>?
    public let url: NormalizedURL
    /// The tokens of an HTML link's `rel` attribute, lower-cased; nil when the
    /// source cannot say (plain text, Markdown links).
    public let rel: Set<String>?
    /// What URL rules match: the link itself, then every destination unwrapped
    /// from it (see `redirectWrappers`), outermost first.
    public let candidates: [NormalizedURL]

    public init(urlSpan: Range<Int>, textSpan: Range<Int>?, url: NormalizedURL, rel: Set<String>? = nil) {
        self.urlSpan = urlSpan
        self.textSpan = textSpan
        self.url = url
        self.rel = rel
        candidates = [url] + url.destinations()
    }

    /// Marked for search engines as paid or untrusted (`rel="sponsored"` or `nofollow`).
    public var isMarkedPaid: Bool { rel.map { !$0.isDisjoint(with: ["sponsored", "nofollow"]) } ?? false }
}

/// A URL split into the parts rules match separately. The host is lower-case
/// without `www.` (Unicode, with `xn--` labels decoded); path and query are
/// HTML-entity- and percent-decoded (up to three times, for double-encoded wrappers).
/// A class, so the many copies rules make as they look at a link's candidates
/// share one value instead of retaining each of its strings.
public final class NormalizedURL: Sendable, Equatable {
    public let raw: String
    public let host: String
    public let path: String
    public let query: String
    /// Host, path and query as UTF-8, for matching without converting per rule.
    public let hostUTF8: [UInt8]
    public let pathUTF8: [UInt8]
    public let queryUTF8: [UInt8]
    /// Path and query as written (entities decoded, percent escapes kept), for unwrapping.
    let rawPath: String
    let rawQuery: String

    /// How many wrappers deep `destinations()` looks.
    public static let maxUnwrapDepth = 3

    public init(_ raw: String) {
        self.raw = raw
        (host, rawPath, rawQuery) = NormalizedURL.asciiParts(raw) ?? NormalizedURL.parts(raw)
        path = NormalizedURL.percentDecode(rawPath)
        query = NormalizedURL.percentDecode(rawQuery)
        hostUTF8 = Array(host.utf8)
        pathUTF8 = Array(path.utf8)
        queryUTF8 = Array(query.utf8)
    }

    /// `parts` for nearly every URL: ASCII, with no entity to decode and no
    /// `xn--` label, read byte by byte; nil for any other.
    static func asciiParts(_ raw: String) -> (host: String, rawPath: String, rawQuery: String)? {
        var raw = raw
        return raw.withUTF8 { bytes -> (String, String, String)? in
            var ampersand = false, semicolon = false
            for byte in bytes {
                if byte >= 0x80 { return nil }
                if byte == UInt8(ascii: "&") { ampersand = true } else if byte == UInt8(ascii: ";") { semicolon = true }
            }
            if ampersand, semicolon { return nil }
            var start = 0
            if let scheme = firstRange(of: "://", in: bytes), bytes[..<scheme.lowerBound].allSatisfy(isSchemeByte) {
                start = scheme.upperBound
            } else if bytes.count >= 2, bytes[0] == UInt8(ascii: "/"), bytes[1] == UInt8(ascii: "/") {
                start = 2
            }
            let authorityEnd = bytes[start...].firstIndex { $0 == 0x2F || $0 == 0x3F || $0 == 0x23 } ?? bytes.count  // / ? #
            var hostStart = start, hostEnd = authorityEnd
            if let at = bytes[hostStart..<hostEnd].lastIndex(of: UInt8(ascii: "@")) { hostStart = at + 1 }
            if let colon = bytes[hostStart..<hostEnd].lastIndex(of: UInt8(ascii: ":")) { hostEnd = colon }
            // As `normalizeHost` does for ASCII: lower case, no trailing dot, no `www.`.
            var host = bytes[hostStart..<hostEnd].map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
            while host.last == UInt8(ascii: ".") { host.removeLast() }
            if firstRange(of: "xn--", in: host) != nil { return nil }
            if host.starts(with: "www.".utf8) { host.removeFirst(4) }
            let end = bytes[authorityEnd...].firstIndex(of: UInt8(ascii: "#")) ?? bytes.count
            let queryStart = bytes[authorityEnd..<end].firstIndex(of: UInt8(ascii: "?"))
            return (String(decoding: host, as: UTF8.self),
                    String(decoding: bytes[authorityEnd..<(queryStart ?? end)], as: UTF8.self),
                    queryStart.map { String(decoding: bytes[($0 + 1)..<end], as: UTF8.self) } ?? "")
        }
    }

    static func isSchemeByte(_ byte: UInt8) -> Bool {
        (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2B || byte == 0x2E || byte == 0x2D
    }

    /// The host (normalised), and the path and query as written, entities decoded.
    static func parts(_ raw: String) -> (host: String, rawPath: String, rawQuery: String) {
        var rest = Substring(NormalizedURL.decodeEntities(raw))
        // Nearly every URL is ASCII, where each byte is a character (CRLF aside, which is no
        // delimiter), so delimiters are found by byte. Elsewhere they are found as before,
        // by composed character: a `#` that starts a keycap emoji marks no fragment.
        let ascii = NormalizedURL.isASCII(rest.utf8)
        /// The first of the ASCII `delimiters`; outside ASCII, the first character
        /// that is one of them (a character of one byte is that ASCII character).
        func first(of delimiters: [UInt8], in text: Substring) -> Substring.Index? {
            ascii ? text.utf8.firstIndex { delimiters.contains($0) }
                : text.firstIndex { $0.utf8.count == 1 && delimiters.contains($0.utf8.first!) }
        }
        func last(of delimiter: Unicode.Scalar, in text: Substring) -> Substring.Index? {
            ascii ? text.utf8.lastIndex(of: UInt8(ascii: delimiter)) : text.lastIndex(of: Character(delimiter))
        }
        let scheme = ascii ? NormalizedURL.firstRange(of: "://", in: rest.utf8) : rest.range(of: "://")
        if let scheme, ascii ? rest.utf8[..<scheme.lowerBound].allSatisfy(isSchemeByte)
            : rest[..<scheme.lowerBound].allSatisfy({ $0.isLetter || $0.isNumber || "+.-".contains($0) }) {
            rest = rest[scheme.upperBound...]
        } else if rest.hasPrefix("//") {
            rest = rest.dropFirst(2)
        }
        let authorityEnd = first(of: [0x2F, 0x3F, 0x23], in: rest) ?? rest.endIndex  // / ? #
        var authority = rest[..<authorityEnd]
        if let at = last(of: "@", in: authority) { authority = authority[authority.index(after: at)...] }
        if let colon = last(of: ":", in: authority) { authority = authority[..<colon] }
        let host = NormalizedURL.normalizeHost(String(authority))

        var remainder = rest[authorityEnd...]
        if let hash = first(of: [0x23], in: remainder) { remainder = remainder[..<hash] }
        let queryStart = first(of: [0x3F], in: remainder)
        return (host, String(remainder[..<(queryStart ?? remainder.endIndex)]),
                queryStart.map { String(remainder[remainder.index(after: $0)...]) } ?? "")
    }

    public static func == (lhs: NormalizedURL, rhs: NormalizedURL) -> Bool {
        lhs === rhs || (lhs.raw == rhs.raw && lhs.host == rhs.host && lhs.path == rhs.path && lhs.query == rhs.query
            && lhs.rawPath == rhs.rawPath && lhs.rawQuery == rhs.rawQuery)
    }

    static func isASCII(_ bytes: some Sequence<UInt8>) -> Bool { bytes.allSatisfy { $0 < 0x80 } }

    /// Where `needle`'s bytes first occur in `bytes` (a String's UTF-8 view).
    static func firstRange<Bytes: Collection<UInt8>>(of needle: String, in bytes: Bytes) -> Range<Bytes.Index>? {
        let needle = needle.utf8
        guard let lead = needle.first else { return nil }
        var start = bytes.startIndex
        while let candidate = bytes[start...].firstIndex(of: lead) {
            if bytes[candidate...].starts(with: needle) { return candidate..<bytes.index(candidate, offsetBy: needle.count) }
            start = bytes.index(after: candidate)
        }
        return nil
    }

    /// Lower-case (Unicode-aware), ideographic full stops read as dots, `xn--`
    /// labels decoded, trailing dot and `www.` removed.
    static func normalizeHost(_ authority: String) -> String {
        var host = authority.lowercased()
        // Ideographic full stops are outside ASCII: an ASCII host needs no scan for them.
        if !isASCII(host.utf8), host.unicodeScalars.contains(where: { ["\u{3002}", "\u{FF0E}", "\u{FF61}"].contains($0) }) {
            host = String(String.UnicodeScalarView(host.unicodeScalars.map { ["\u{3002}", "\u{FF0E}", "\u{FF61}"].contains($0) ? "." : $0 }))
        }
        while host.hasSuffix(".") { host.removeLast() }
        // The bytes, not Foundation's search: where the two differ no label starts with `xn--`,
        // and relabelling gives the host back unchanged.
        if firstRange(of: "xn--", in: host.utf8) != nil {
            host = host.split(separator: ".", omittingEmptySubsequences: false).map { label in
                label.hasPrefix("xn--") ? (Punycode.decode(label.dropFirst(4)) ?? String(label)) : String(label)
            }.joined(separator: ".")
        }
        if !isASCII(host.utf8) { host = host.precomposedStringWithCanonicalMapping }
        if host.hasPrefix("www.") { host.removeFirst(4) }
        return host
    }

    /// Every destination this URL forwards to through known redirect wrappers,
    /// up to `maxUnwrapDepth` levels, outermost first, without repeats.
    public func destinations() -> [NormalizedURL] {
        var found: [NormalizedURL] = []
        var level = [self]
        for _ in 0..<NormalizedURL.maxUnwrapDepth {
            var next: [NormalizedURL] = []
            for url in level {
                for destination in url.directDestinations() where destination != self && !found.contains(destination) && !next.contains(destination) {
                    next.append(destination)
                }
            }
            if next.isEmpty { break }
            found += next
            level = next
        }
        return found
    }

    /// The destinations one wrapper level down.
    func directDestinations() -> [NormalizedURL] {
        guard !host.isEmpty else { return [] }
        var result: [NormalizedURL] = []
        // The wrapper itself is looked at (and copied) only once its host may match.
        let patterns = NormalizedURL.wrapperHostPatterns
        for index in patterns.indices where patterns[index].mayMatch(hostUTF8) {
            let wrapper = redirectWrappers[index]
            guard NormalizedURL.host(host, matches: wrapper.host) else { continue }
            if let prefix = wrapper.path, !path.lowercased().hasPrefix(prefix) { continue }
            if let condition = wrapper.condition {
                switch condition {
                case let .skimlinksID(name):
                    guard parameterValues(name).contains(where: NormalizedURL.isSkimlinksID) else { continue }
                }
            }
            for source in wrapper.sources {
                let values: [String]
                switch source {
                case let .parameter(name): values = parameterValues(name, keepingUnencodedRest: true)
                case .wholeQuery: values = rawQuery.isEmpty ? [] : [rawQuery]
                case let .after(marker): values = embeddedURL(after: marker).map { [$0] } ?? []
                }
                for value in values {
                    guard let url = NormalizedURL.decodedURL(value) else { continue }
                    let destination = NormalizedURL(url)
                    if !destination.host.isEmpty, !result.contains(destination) { result.append(destination) }
                }
            }
        }
        return result
    }

    /// The raw values of a query parameter (its name compared ignoring case).
    /// With `keepingUnencodedRest`, a value that is an unencoded URL with its own
    /// query runs to the end of the query, since its `&` separators are its own.
    func parameterValues(_ name: String, keepingUnencodedRest: Bool = false) -> [String] {
        guard !rawQuery.isEmpty else { return [] }
        return asciiParameterValues(name, keepingUnencodedRest: keepingUnencodedRest)
            ?? splitParameterValues(name, keepingUnencodedRest: keepingUnencodedRest)
    }

    /// `parameterValues` for any query: split into Strings.
    func splitParameterValues(_ name: String, keepingUnencodedRest: Bool) -> [String] {
        let pairs = rawQuery.split(separator: "&", omittingEmptySubsequences: false)
        var values: [String] = []
        for (index, pair) in pairs.enumerated() {
            guard let equals = pair.firstIndex(of: "=") else { continue }
            let key = NormalizedURL.percentDecode(String(pair[..<equals]))
            guard NormalizedURL.isSameName(key, name) else { continue }
            var value = String(pair[pair.index(after: equals)...])
            if keepingUnencodedRest, value.contains("://"), value.contains("?"), index + 1 < pairs.count {
                value += "&" + pairs[(index + 1)...].joined(separator: "&")
            }
            values.append(value)
        }
        return values
    }

    /// `parameterValues` for an ASCII query and name, read by byte: a key with no
    /// `%` is compared in place, so only the values asked for become Strings.
    /// Nil for any other query.
    func asciiParameterValues(_ name: String, keepingUnencodedRest: Bool) -> [String]? {
        var query = rawQuery, nameText = name
        return query.withUTF8 { query -> [String]? in
            nameText.withUTF8 { nameBytes -> [String]? in
                guard NormalizedURL.isASCII(query), NormalizedURL.isASCII(nameBytes) else { return nil }
                func lowered(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
                var values: [String] = []
                var start = 0
                while start <= query.count {
                    let end = query[start...].firstIndex(of: UInt8(ascii: "&")) ?? query.count
                    defer { start = end + 1 }
                    guard let equals = query[start..<end].firstIndex(of: UInt8(ascii: "=")) else { continue }
                    let key = query[start..<equals]
                    let same = key.contains(UInt8(ascii: "%"))
                        ? NormalizedURL.isSameName(NormalizedURL.percentDecode(String(decoding: key, as: UTF8.self)), name)
                        : key.elementsEqual(nameBytes) { lowered($0) == lowered($1) }
                    guard same else { continue }
                    var value = String(decoding: query[(equals + 1)..<end], as: UTF8.self)
                    if keepingUnencodedRest, value.contains("://"), value.contains("?"), end < query.count {
                        value += "&" + String(decoding: query[(end + 1)...], as: UTF8.self)
                    }
                    values.append(value)
                }
                return values
            }
        }
    }

    /// Names compared ignoring case. Foundation also folds a few other letters onto
    /// ASCII ones (the Kelvin sign onto `k`), so it is asked only about names outside ASCII.
    static func isSameName(_ key: String, _ name: String) -> Bool {
        guard isASCII(key.utf8), isASCII(name.utf8) else { return key.caseInsensitiveCompare(name) == .orderedSame }
        func lowered(_ byte: UInt8) -> UInt8 { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte }
        return key.utf8.elementsEqual(name.utf8) { lowered($0) == lowered($1) }
    }

    /// The first `http` URL after `marker` in the path and query as written.
    private func embeddedURL(after marker: String) -> String? {
        let written = rawQuery.isEmpty ? rawPath : rawPath + "?" + rawQuery
        guard let markerRange = written.range(of: marker, options: .caseInsensitive) else { return nil }
        let tail = written[markerRange.upperBound...]
        guard let start = tail.range(of: "http", options: .caseInsensitive) else { return nil }
        var url = String(tail[start.lowerBound...])
        if marker.hasSuffix("("), url.hasSuffix(")") { url.removeLast() }
        return url
    }

    /// A parameter value percent-decoded until it reads as an absolute or
    /// scheme-less URL (at most three times); nil when it never does.
    static func decodedURL(_ value: String) -> String? {
        var current = value.trimmingCharacters(in: .whitespaces)
        for attempt in 0...3 {
            if looksLikeURL(current) { return current }
            guard attempt < 3, let decoded = percentDecodeOnce(Array(current.utf8)) else { return nil }
            current = String(decoding: decoded, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    /// `scheme://…`, `//host…`, `www.…` or `host.tld/…`.
    static func looksLikeURL(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars.prefix(300))
        if let schemeEnd = text.range(of: "://"), text.unicodeScalars.first.map(\.properties.isAlphabetic) == true,
           text[..<schemeEnd.lowerBound].unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "+.-".unicodeScalars.contains($0)) }) {
            return true
        }
        if text.hasPrefix("//") { return scalars.count > 2 }
        if text.lowercased().hasPrefix("www.") { return true }
        // Scheme-less host.tld/…: labels of letters, digits and hyphens, a dot, then a slash.
        guard let slash = scalars.firstIndex(of: "/"), slash > 0 else { return false }
        let host = scalars[..<slash]
        return host.contains(".") && host.last != "." && host.first != "."
            && host.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "." }
    }

    /// Skimlinks ids are `<publisher digits>X<site digits>`.
    static func isSkimlinksID(_ value: String) -> Bool {
        let parts = value.split(separator: "X", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
    }

    private static let wrapperHostPatterns = redirectWrappers.map { HostPattern(Array($0.host.utf8)) }

    /// A byte test that every host `host(_:matches:)` accepts passes, and almost every
    /// other host fails: it spares most links a String comparison per wrapper.
    static func host(_ host: [UInt8], mayMatch pattern: [UInt8]) -> Bool { HostPattern(pattern).mayMatch(host) }

    /// A wrapper's host pattern, read once, for that byte test.
    private struct HostPattern {
        enum Kind { case any, subdomains, countryDomains, exact }
        let kind: Kind
        /// The domain (`*.domain`), the name with its dot (`name.*`) or the host.
        let bytes: [UInt8]

        init(_ pattern: [UInt8]) {
            let dot = UInt8(ascii: "."), star = UInt8(ascii: "*")
            if pattern == [star] {
                (kind, bytes) = (.any, [])
            } else if pattern.starts(with: [star, dot]) {
                (kind, bytes) = (.subdomains, Array(pattern.dropFirst(2)))
            } else if pattern.last == star {
                (kind, bytes) = (.countryDomains, Array(pattern.dropLast()))
            } else {
                (kind, bytes) = (.exact, pattern)
            }
        }

        func mayMatch(_ host: [UInt8]) -> Bool {
            switch kind {
            case .any: return true
            case .subdomains:
                guard host.count >= bytes.count, host[(host.count - bytes.count)...].elementsEqual(bytes) else { return false }
                return host.count == bytes.count || host[host.count - bytes.count - 1] == UInt8(ascii: ".")
            case .countryDomains: return host.starts(with: bytes)
            case .exact: return host == bytes
            }
        }
    }

    static func host(_ host: String, matches pattern: String) -> Bool {
        if pattern == "*" { return true }
        if pattern.hasPrefix("*.") {
            let domain = pattern.dropFirst(2)
            guard host.hasSuffix(domain) else { return false }
            return host.count == domain.count || host.dropLast(domain.count).hasSuffix(".")
        }
        if pattern.hasSuffix(".*") {
            // A country domain: one or two short labels after the name (google.de, google.co.uk).
            let name = pattern.dropLast(2) + "."
            guard host.hasPrefix(name) else { return false }
            let suffix = host.dropFirst(name.count).split(separator: ".", omittingEmptySubsequences: false)
            return (1...2).contains(suffix.count) && suffix.allSatisfy { (2...3).contains($0.count) && $0.allSatisfy(\.isLetter) }
        }
        return host == pattern
    }

    static func decodeEntities(_ text: String) -> String {
        // Every entity holds `&` and `;`. Outside ASCII the search also matches `;`'s
        // canonical equivalent (U+037E), so only ASCII text can be ruled out by a missing `;`.
        let utf8 = text.utf8
        guard utf8.contains(UInt8(ascii: "&")), utf8.contains(UInt8(ascii: ";")) || !isASCII(utf8) else { return text }
        var result = text
        for (entity, value) in [("&amp;", "&"), ("&#38;", "&"), ("&#x26;", "&"), ("&quot;", "\""), ("&#39;", "'"),
                                ("&lt;", "<"), ("&gt;", ">"), ("&#61;", "="), ("&#x3d;", "=")] {
            result = result.replacingOccurrences(of: entity, with: value, options: .caseInsensitive)
        }
        return result
    }

    static func percentDecode(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "%")) else { return text }
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


/// RFC 3492 Punycode decoding, for `xn--` host labels.
enum Punycode {
    private static let base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700

    static func decode(_ input: Substring) -> String? {
        let scalars = Array(input.unicodeScalars)
        guard scalars.count <= 63, scalars.allSatisfy(\.isASCII) else { return nil }
        var output: [Unicode.Scalar] = []
        var index = 0
        if let delimiter = scalars.lastIndex(of: "-") {
            output = Array(scalars[..<delimiter])
            index = delimiter + 1
        }
        var n = 128, i = 0, bias = 72
        while index < scalars.count {
            let oldI = i
            var weight = 1
            var k = base
            while true {
                guard index < scalars.count else { return nil }
                let c = scalars[index]
                index += 1
                let digit: Int
                switch c {
                case "a"..."z": digit = Int(c.value) - 97
                case "A"..."Z": digit = Int(c.value) - 65
                case "0"..."9": digit = Int(c.value) - 22
                default: return nil
                }
                guard digit <= (Int(Int32.max) - i) / weight else { return nil }
                i += digit * weight
                let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                if digit < t { break }
                guard weight <= Int(Int32.max) / (base - t) else { return nil }
                weight *= base - t
                k += base
            }
            bias = adapt(i - oldI, points: output.count + 1, first: oldI == 0)
            n += i / (output.count + 1)
            i %= output.count + 1
            guard let scalar = Unicode.Scalar(UInt32(clamping: n)), n <= 0x10FFFF else { return nil }
            output.insert(scalar, at: i)
            i += 1
        }
        // An all-ASCII result is not a valid IDN label.
        guard !output.allSatisfy(\.isASCII) else { return nil }
        return String(String.UnicodeScalarView(output))
    }

    private static func adapt(_ delta: Int, points: Int, first: Bool) -> Int {
        var delta = first ? delta / damp : delta / 2
        delta += delta / points
        var k = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (base - tMin + 1) * delta / (delta + skew)
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
        // A bare URL may follow CJK text directly (no space), but not a letter of a
        // script that separates words with spaces. It ends at whitespace, quotes,
        // angle brackets and CJK punctuation. Scheme-less hosts may be IDN.
        let stop = #"\s<>"'`\x{3000}-\x{303F}\x{FF01}\x{FF08}\x{FF09}\x{FF0C}\x{FF1A}\x{FF1B}\x{FF1F}"#
        let letters = #"0-9\p{Latin}\p{Greek}\p{Cyrillic}"#
        bare = try! Pattern(#"(?<![0-9\p{Latin}\p{Greek}\p{Cyrillic}_@./%-])(?:[a-z][a-z0-9+.-]{1,15}://[^"# + stop + #"]+|www\.[^"# + stop + #"]+|(?:["#
            + letters + #"](?:["# + letters + #"-]{0,61}["# + letters + #"])?\.){1,16}(?:[\p{Latin}\p{Greek}\p{Cyrillic}]{2,24}|xn--[a-z0-9-]{1,59})/[^"# + stop + #"]*)"#,
            options: [.caseInsensitive])
    }

    /// The patterns links are found with, named for `candor audit --timing`.
    var patterns: [(name: String, pattern: Pattern)] { [("Markdown", markdown), ("HTML", html), ("bare URLs", bare)] }

    /// Every link in the text, in order. A link pattern that hits a match limit
    /// is reported through `onFailure` and the search resumes after that place,
    /// so one hostile stretch of text cannot hide the links around it.
    ///
    /// `known` are links a document parser already found in extracted text (a
    /// Markdown or HTML file): the text then holds no link syntax, so only bare
    /// URLs outside them are looked for.
    public func links(in text: SourceText, known: [Link]? = nil, scratch: MatchScratch,
                      onFailure: (MatchFailure) -> Void = { _ in }) -> [Link] {
        var links: [Link] = known ?? []
        var taken: [Range<Int>] = links.isEmpty ? [] : links.map(\.urlSpan).sorted { $0.lowerBound < $1.lowerBound }
        func isTaken(_ range: Range<Int>) -> Bool {
            // Binary search for the first taken range ending after `range` starts.
            var low = 0, high = taken.count
            while low < high {
                let mid = (low + high) / 2
                if taken[mid].upperBound <= range.lowerBound { low = mid + 1 } else { high = mid }
            }
            return low < taken.count && taken[low].lowerBound < range.upperBound
        }
        func append(url: Range<Int>?, text textSpan: Range<Int>?) {
            guard let url, !url.isEmpty else { return }
            links.append(Link(urlSpan: url, textSpan: textSpan, url: NormalizedURL(text.string(url))))
        }
        text.bytes.withUnsafeBufferPointer { buffer in
            /// `next` gives the first place at or after a position where a match
            /// can start, or nil when none can.
            func each(_ pattern: Pattern, next: (Int) -> Int? = { $0 }, _ body: ([Range<Int>?]) -> Void) {
                var start = 0
                while start < buffer.count {
                    guard let from = next(start) else { return }
                    start = from
                    do {
                        guard let groups = try pattern.firstMatchGroups(in: buffer, from: start, scratch: scratch), let whole = groups[0] else { return }
                        body(groups)
                        start = max(whole.upperBound, whole.lowerBound + 1)
                    } catch {
                        onFailure(error)
                        // Resume after the next whitespace.
                        start += 1
                        while start < buffer.count, !(buffer[start] == 0x20 || buffer[start] == 0x0A || buffer[start] == 0x09) { start += 1 }
                    }
                }
            }
            // Each pattern runs only when the bytes it cannot match without are
            // present: most posts hold no link at all.
            let bytes = text.bytes
            if known == nil {
                var markdown: [Range<Int>] = []
                if bytes.firstRange(of: [0x5D, 0x28], from: 0) != nil { each(self.markdown) { groups in
                    append(url: groups[2], text: groups[1])
                    markdown.append(groups[0]!)
                } }
                taken = markdown
                var html: [Range<Int>] = []
                if bytes.firstRange(of: [0x3C], from: 0) != nil { each(self.html) { groups in
                    guard !isTaken(groups[0]!) else { return }
                    append(url: groups[1] ?? groups[2], text: groups[3])
                    html.append(groups[0]!)
                } }
                if !html.isEmpty { taken = (markdown + html).sorted { $0.lowerBound < $1.lowerBound } }
            }
            // After a URL, most posts have nothing left that can start one.
            each(bare, next: { LinkExtractor.firstBareURLStart(bytes, from: $0) }) { groups in
                let span = trimTrailingPunctuation(groups[0]!, in: text.bytes)
                if !isTaken(span) { append(url: span, text: nil) }
            }
        }
        return links.count < 2 ? links : links.sorted { $0.urlSpan.lowerBound < $1.urlSpan.lowerBound }
    }

    /// Where the search for bare URLs at or after `offset` can start, or nil
    /// when there can be none. A bare URL has a `/` (after its scheme, or after
    /// a scheme-less host) or starts with `www.` in any case, and holds no
    /// whitespace: so none starts before the first `www.` or the whitespace
    /// before the first `/`.
    static func firstBareURLStart(_ bytes: [UInt8], from offset: Int = 0) -> Int? {
        var start = bytes.firstRange(of: [0x2F], from: offset)?.lowerBound
        if var slashWord = start {
            while slashWord > offset, !LinkExtractor.isASCIISpace(bytes[slashWord - 1]) { slashWord -= 1 }
            start = slashWord
        }
        // A "www." that starts before `start` has its dot before `start + 3`.
        let end = start.map { $0 + 3 } ?? bytes.count
        var from = offset + 3
        while from < end, let dot = bytes.firstRange(of: [0x2E], in: from..<end)?.lowerBound {
            if bytes[(dot - 3)..<dot].allSatisfy({ $0 | 0x20 == 0x77 }) { return min(dot - 3, start ?? dot) }
            from = dot + 1
        }
        return start
    }

    private static func isASCIISpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }

    /// Sentence punctuation after a URL (ASCII, CJK and typographic) is not part
    /// of it; a closing bracket is kept only when the URL opened one.
    private func trimTrailingPunctuation(_ range: Range<Int>, in bytes: [UInt8]) -> Range<Int> {
        var end = range.upperBound
        while end > range.lowerBound {
            // An ASCII character, as most URLs end with, is told by its byte: no
            // ASCII character is a symbol or an emoji by itself.
            let byte = bytes[end - 1]
            if byte < 0x80 {
                if LinkExtractor.asciiTrailingPunctuation.contains(byte) {
                    end -= 1
                    continue
                }
                guard let open = LinkExtractor.closingBrackets[Unicode.Scalar(byte)].map({ UInt8($0.value) }) else { break }
                let url = bytes[range.lowerBound..<end]
                guard url.count(where: { $0 == byte }) > url.count(where: { $0 == open }) else { break }
                end -= 1
                continue
            }
            // The last scalar: back over UTF-8 continuation bytes to its lead byte.
            var start = end - 1
            while start > range.lowerBound, bytes[start] & 0xC0 == 0x80, end - start < 4 { start -= 1 }
            guard let last = String(decoding: bytes[start..<end], as: UTF8.self).unicodeScalars.first,
                  String(last).utf8.count == end - start else { break }
            // Emoji and other symbols typed right after a link are not part of it.
            let symbol = last.properties.generalCategory == .otherSymbol || last.properties.isEmojiPresentation
                || last.value == 0x200D || (0xFE00...0xFE0F).contains(last.value) || (0x1F3FB...0x1F3FF).contains(last.value)
            var drop = symbol || LinkExtractor.trailingPunctuation.contains(last)
            if !drop, let open = LinkExtractor.closingBrackets[last] {
                let url = String(decoding: bytes[range.lowerBound..<end], as: UTF8.self).unicodeScalars
                drop = url.filter { $0 == last }.count > url.filter { $0 == open }.count
            }
            guard drop else { break }
            end = start
        }
        return range.lowerBound..<end
    }

    private static let trailingPunctuation = Set(".,;:!?'\"*_…»›“”‘’」』】〉》。、，！？：；".unicodeScalars)
    private static let asciiTrailingPunctuation = Array(trailingPunctuation.filter(\.isASCII).map { UInt8($0.value) })
    private static let closingBrackets: [Unicode.Scalar: Unicode.Scalar] = [")": "(", "]": "[", "）": "（"]
}

