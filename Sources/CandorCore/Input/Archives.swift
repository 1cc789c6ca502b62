import Foundation

/// A platform's data export, or a JSON array of batch records.
enum ArchiveKind: Sendable, Equatable {
    case instagram, facebook, x, youtube, tiktok, records

    init?(_ format: InputFormat) {
        switch format {
        case .instagram: self = .instagram
        case .facebook: self = .facebook
        case .x: self = .x
        case .youtube: self = .youtube
        case .tiktok: self = .tiktok
        case .auto, .text, .markdown, .html, .jsonl, .csv: return nil
        }
    }

    /// The arrays that hold the posts.
    var paths: [[String]] {
        switch self {
        // posts_1.json is an array; reels.json and stories.json wrap theirs.
        case .instagram: return [[], ["ig_reels_media"], ["ig_stories"]]
        case .facebook, .x, .records: return [[]]
        case .youtube: return [[], ["items"]]
        // Older exports file posts under Video, newer ones under Post.
        case .tiktok: return [["Video", "Videos", "VideoList"], ["Post", "Posts", "VideoList"]]
        }
    }

    /// TikTok's top-level sections, any of which may come first.
    private static let tiktokSections: Set<String> = [
        "Activity", "Ads and data", "App Settings", "Comment", "Direct Message", "Direct Messages", "Income+ Wallet Activity",
        "Post", "Profile", "Tiktok Live", "TikTok Live", "Tiktok Shopping", "TikTok Shopping", "Video", "Your Activity",
    ]

    /// Recognises an export from its first chunk (TikTok's also from its name);
    /// nil when the content is no export Candor reads.
    init?(head: [UInt8], path: String, fields: FieldMapping) {
        let start = TextDecoding.droppingBOM(head).drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        if start.starts(with: Array("window.YTD.".utf8)) {
            // Other archive files (likes, followers) share the prefix; tweets have a full_text.
            guard JSONStream.squeezed(start).contains("\"full_text\":") else { return nil }
            self = .x
            return
        }
        switch start.first {
        case UInt8(ascii: "{"):
            let squeezed = JSONStream.squeezed(start.prefix(4096))
            let firstKey = squeezed.dropFirst(2).prefix { $0 != "\"" }
            if squeezed.hasPrefix("{\"kind\":\"youtube#video") || squeezed.hasPrefix("{\"kind\":\"youtube#playlistItemListResponse") {
                self = .youtube
            } else if firstKey == "ig_reels_media" || firstKey == "ig_stories" {
                self = .instagram
            } else if ArchiveKind.tiktokSections.contains(String(firstKey))
                        || URL(fileURLWithPath: path).lastPathComponent.lowercased() == "user_data_tiktok.json" {
                self = .tiktok
            } else {
                return nil
            }
        case UInt8(ascii: "["):
            guard let first = JSONStream(paths: [[]]).first(in: Array(start)),
                  let object = (try? JSONSerialization.jsonObject(with: Data(first.bytes))) as? [String: Any] else { return nil }
            if object["tweet"] is [String: Any] || object["full_text"] is String {
                self = .x
            } else if object["media"] is [Any] {
                self = .instagram
            } else if object["timestamp"] != nil, object["data"] != nil || object["attachments"] != nil {
                self = .facebook
            } else if (object["kind"] as? String)?.hasPrefix("youtube#") == true {
                self = .youtube
            } else if fields[.text].contains(where: { object[$0] is String }) {
                self = .records
            } else {
                return nil
            }
        default:
            return nil
        }
    }
}

extension JSONStream {
    /// JSON text with the whitespace between tokens removed, for matching its start.
    static func squeezed<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        var kept: [UInt8] = []
        var inString = false, escaped = false
        for byte in bytes {
            if inString {
                if escaped { escaped = false } else if byte == backslashByte { escaped = true } else if byte == quoteByte { inString = false }
            } else if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                continue
            } else if byte == quoteByte {
                inString = true
            }
            kept.append(byte)
        }
        return String(decoding: kept, as: UTF8.self)
    }

    private static let quoteByte = UInt8(ascii: "\""), backslashByte = UInt8(ascii: "\\")
}

extension PostReader {
    /// Streams the posts of an export: each element of its post arrays is parsed
    /// on its own, so a bad one is reported with its line and the rest still read.
    func readArchive(_ kind: ArchiveKind, stream: ByteStream, head: [UInt8],
                     post: (Post) -> Void, problem: (InputProblem) -> Void) {
        var stream = stream
        let builder = ArchivePost(kind: kind, path: source.path)
        var splitter = JSONStream(paths: kind.paths)
        splitter.maxElementBytes = options.maxPostBytes
        // A single video resource, rather than a list of them.
        splitter.rootObject = kind == .youtube && !JSONStream.squeezed(head).contains("\"items\":[")
        var elements = 0, posts = 0
        let end = splitter.split(next: { stream.next() }) { element in
            elements += 1
            func report(_ message: String) { problem(InputProblem(path: source.path, line: element.line, message: message)) }
            guard !element.tooLarge else {
                problem(tooLarge(line: element.line))
                return true
            }
            let bytes = element.bytes
            if kind == .records {
                switch BatchRecord.parseJSON(bytes[...], fields: options.fields, warn: report) {
                case let .success(record):
                    posts += 1
                    post(record.post(path: source.path, record: element.line))
                case let .failure(message): report(message)
                }
                return true
            }
            let object: [String: Any]
            switch BatchRecord.jsonObject(bytes, noun: "post", warn: report) {
            case let .success(parsed): object = parsed
            case let .failure(failure):
                report(failure.message)
                return true
            }
            if let built = builder.post(object, line: element.line) {
                posts += 1
                post(built)
            }
            return true
        }
        if let line = end.tooDeep {
            problem(InputProblem(path: source.path, line: line, message: "JSON nested more than \(JSONStream.maxDepth) levels deep outside any post; reading stopped here"))
        } else if let line = end.unfinishedElement {
            problem(InputProblem(path: source.path, line: line, message: "the file ends at line \(end.line) before this post is complete (truncated JSON), skipped"))
        } else if !end.complete {
            problem(InputProblem(path: source.path, line: end.line, message: "the file ends before the JSON is complete (truncated JSON)"))
        } else if end.arrays == 0, !splitter.rootObject {
            problem(InputProblem(path: source.path, message: "no \(kind) posts found, skipped"))
        } else if posts == 0, elements > 0, kind != .records {
            problem(InputProblem(path: source.path, message: "\(elements) post\(elements == 1 ? "" : "s") but no text to audit"))
        }
    }
}

/// Turns one parsed element of an export into a post.
struct ArchivePost {
    let kind: ArchiveKind
    let path: String

    /// Nil for a post without text (a photo with no caption).
    func post(_ object: [String: Any], line: Int) -> Post? {
        switch kind {
        case .instagram: return instagram(object, line: line)
        case .facebook: return facebook(object, line: line)
        case .x: return x(object, line: line)
        case .youtube: return youtube(object, line: line)
        case .tiktok: return tiktok(object, line: line)
        case .records: return nil
        }
    }

    /// posts_1.json: `{"media": [{"uri", "creation_timestamp", "title"}], "title"?, "creation_timestamp"?}`;
    /// reels hold `media` too, stories are the media items themselves.
    private func instagram(_ object: [String: Any], line: Int) -> Post? {
        let media = (object["media"] as? [[String: Any]]) ?? [object]
        guard let caption = ([object["title"]] + media.map { $0["title"] }).lazy.compactMap(metaText).first else { return nil }
        let timestamp = ([object["creation_timestamp"]] + media.map { $0["creation_timestamp"] }).lazy.compactMap(number).first
        return Post(path: path, record: line, text: SourceText(caption), platform: .instagram, date: timestamp.flatMap(ArchiveDates.iso))
    }

    /// your_posts_1.json: text in `data[].post`; links and media descriptions in
    /// `attachments[].data[]`, added on lines of their own so links are audited.
    private func facebook(_ object: [String: Any], line: Int) -> Post? {
        var lines = (object["data"] as? [[String: Any]] ?? []).compactMap { metaText($0["post"]) }
        for attachment in object["attachments"] as? [[String: Any]] ?? [] {
            for item in attachment["data"] as? [[String: Any]] ?? [] {
                if let url = metaText((item["external_context"] as? [String: Any])?["url"]) { lines.append(url) }
                if let description = metaText((item["media"] as? [String: Any])?["description"]), !lines.contains(description) {
                    lines.append(description)
                }
            }
        }
        guard !lines.isEmpty else { return nil }
        return Post(path: path, record: line, text: SourceText(lines.joined(separator: "\n")), platform: .facebook,
                    date: number(object["timestamp"]).flatMap(ArchiveDates.iso))
    }

    /// tweets.js: `{"tweet": {"id_str", "full_text", "created_at", "entities": {"urls": [...]}}}`.
    /// Each t.co link is replaced by its `expanded_url`, standing for the t.co
    /// in the tweet text, so findings name the real destination and point at
    /// the link as written.
    private func x(_ object: [String: Any], line: Int) -> Post? {
        let tweet = object["tweet"] as? [String: Any] ?? object
        guard let full = (tweet["full_text"] ?? tweet["text"]) as? String, !full.isEmpty else { return nil }
        let document = SourceText(full)
        var extractor = TextExtractor(document: document)
        var cursor = 0
        let urls = ((tweet["entities"] as? [String: Any])?["urls"] as? [[String: Any]] ?? [])
            .sorted { (number(($0["indices"] as? [Any])?.first) ?? 0) < (number(($1["indices"] as? [Any])?.first) ?? 0) }
        for url in urls {
            guard let short = url["url"] as? String, let expanded = url["expanded_url"] as? String, !expanded.isEmpty,
                  let range = document.bytes.firstRange(of: Array(short.utf8), from: cursor) else { continue }
            copyUnescaping(cursor..<range.lowerBound, into: &extractor)
            extractor.append(expanded, for: range)
            cursor = range.upperBound
        }
        copyUnescaping(cursor..<document.bytes.count, into: &extractor)
        return Post(path: path, record: line, id: text(tweet["id_str"] ?? tweet["id"]), text: extractor.text(), platform: .x,
                    date: (tweet["created_at"] as? String).flatMap(ArchiveDates.iso(twitter:)))
    }

    /// Copies tweet text, decoding the `&amp;`, `&lt;` and `&gt;` that tweet text is stored with.
    private func copyUnescaping(_ range: Range<Int>, into extractor: inout TextExtractor) {
        let bytes = extractor.document.bytes
        var start = range.lowerBound, index = range.lowerBound
        while index < range.upperBound {
            if bytes[index] == UInt8(ascii: "&") {
                for (entity, character) in [("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">")] {
                    let entityBytes = Array(entity.utf8)
                    guard index + entityBytes.count <= range.upperBound, bytes[index..<(index + entityBytes.count)].elementsEqual(entityBytes) else { continue }
                    extractor.copy(start..<index)
                    extractor.append(character, for: index..<(index + entityBytes.count))
                    index += entityBytes.count - 1
                    start = index + 1
                    break
                }
            }
            index += 1
        }
        extractor.copy(start..<range.upperBound)
    }

    /// A YouTube Data API video (or playlist item): `snippet.title`, a blank line, `snippet.description`.
    private func youtube(_ object: [String: Any], line: Int) -> Post? {
        guard let snippet = object["snippet"] as? [String: Any] else { return nil }
        let parts = [text(snippet["title"]), text(snippet["description"])].compactMap { $0 }
        guard !parts.isEmpty else { return nil }
        let id = text(object["id"]) ?? text((snippet["resourceId"] as? [String: Any])?["videoId"])
        return Post(path: path, record: line, id: id, text: SourceText(parts.joined(separator: "\n\n")), platform: .youtube,
                    date: text(snippet["publishedAt"]), author: text(snippet["channelTitle"]))
    }

    /// user_data_tiktok.json: `{"Date": "2024-05-01 12:00:00", "Link": "…/video/123/", "Likes", "Title"?}`.
    private func tiktok(_ object: [String: Any], line: Int) -> Post? {
        guard let caption = ["Title", "Description", "Caption", "Text"].lazy.compactMap({ text(object[$0]) }).first else { return nil }
        let link = text(object["Link"] ?? object["VideoLink"])
        let id = link.flatMap { link -> String? in
            guard let marker = link.range(of: "/video/") else { return nil }
            let digits = link[marker.upperBound...].prefix(while: \.isNumber)
            return digits.isEmpty ? nil : String(digits)
        }
        return Post(path: path, record: line, id: id, text: SourceText(caption), platform: .tiktok,
                    date: text(object["Date"]).map(ArchiveDates.iso(tiktok:)), url: link)
    }

    /// A non-empty string or number as text.
    private func text(_ value: Any?) -> String? {
        switch value {
        case let string as String: return string.isEmpty ? nil : string
        case let number as NSNumber: return number.stringValue
        default: return nil
        }
    }

    /// Meta's exports write each UTF-8 byte as its own `\u00XX` escape; a string
    /// whose characters are all such bytes and form valid multi-byte UTF-8 is decoded.
    private func metaText(_ value: Any?) -> String? {
        guard let string = value as? String, !string.isEmpty else { return nil }
        let scalars = string.unicodeScalars
        guard scalars.allSatisfy({ $0.value <= 0xFF }) else { return string }
        let bytes = scalars.map { UInt8($0.value) }
        let check = TextDecoding.utf8Check(bytes[...])
        return check.firstInvalid == nil && check.hasMultibyte ? String(decoding: bytes, as: UTF8.self) : string
    }

    private func number(_ value: Any?) -> Double? {
        switch value {
        case let number as NSNumber: return number.doubleValue
        case let string as String: return Double(string)
        default: return nil
        }
    }
}


/// Export dates as ISO 8601.
enum ArchiveDates {
    /// Seconds since 1970 as `2024-05-01T12:00:00Z`; nil outside years 0–9999
    /// (an export's junk timestamp drops the date, never the post).
    static func iso(_ seconds: Double) -> String? {
        guard seconds.isFinite, (-62_167_219_200...253_402_300_799).contains(seconds) else { return nil }
        let total = Int(seconds.rounded(.down))
        let days = total >= 0 ? total / 86400 : (total - 86399) / 86400
        let secondOfDay = total - days * 86400
        // Days to a civil date (proleptic Gregorian).
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return "\(pad(year, 4))-\(pad(month))-\(pad(day))T\(pad(secondOfDay / 3600)):\(pad(secondOfDay / 60 % 60)):\(pad(secondOfDay % 60))Z"
    }

    /// X's `Wed Oct 10 20:19:24 +0000 2018`.
    static func iso(twitter: String) -> String? {
        let parts = twitter.split(separator: " ")
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard parts.count == 6, let month = months.firstIndex(of: String(parts[1])), let day = Int(parts[2]),
              parts[3].count == 8, parts[4].count == 5, parts[5].count == 4 else { return nil }
        let zone = parts[4] == "+0000" ? "Z" : "\(parts[4].prefix(3)):\(parts[4].suffix(2))"
        return "\(parts[5])-\(pad(month + 1))-\(pad(day))T\(parts[3])\(zone)"
    }

    private static func pad(_ value: Int, _ width: Int = 2) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// TikTok's `2024-05-01 12:00:00` (UTC) as `2024-05-01T12:00:00Z`; anything else as it is.
    static func iso(tiktok: String) -> String {
        let bytes = Array(tiktok.utf8)
        guard bytes.count == 19, bytes[10] == UInt8(ascii: " ") else { return tiktok }
        return tiktok.prefix(10) + "T" + tiktok.suffix(8) + "Z"
    }
}
