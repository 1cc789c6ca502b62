import Foundation

/// How a file's posts are read.
public enum InputFormat: String, Sendable, CaseIterable {
    /// Chosen from the file extension, and for `.json`/`.js` files from their content.
    case auto
    /// The whole file is one post.
    case text
    /// The whole file is one Markdown post (platform `blog` unless told otherwise).
    case markdown
    /// One JSON object per line: `id`, `text`, optional `platform`, `market`, `relationship`…
    case jsonl
    /// The whole file is one HTML page (platform `blog`): its visible text, title, descriptions and links.
    case html
    /// A CSV or TSV file with a header row, one post per row (see `CSVReader`).
    case csv
    /// Platform data exports, streamed: Instagram `posts_1.json`/`reels.json`,
    /// Facebook `your_posts_1.json`, X `tweets.js`, YouTube Data API video
    /// resources, TikTok `user_data_tiktok.json`.
    case instagram, facebook, x, youtube, tiktok
}

/// A problem with the input, reported on stderr while the rest is still audited.
public struct InputProblem: Sendable, CustomStringConvertible {
    public let path: String
    public let line: Int?
    public let message: String
    /// Fatal problems (a path that does not exist) make the run exit with 2.
    public let fatal: Bool

    public init(path: String, line: Int? = nil, message: String, fatal: Bool = false) {
        self.path = path
        self.line = line
        self.message = message
        self.fatal = fatal
    }

    public var description: String { "\(path)\(line.map { ":\($0)" } ?? ""): \(fatal ? "error" : "warning"): \(message)" }
}

/// One thing to read: a file or standard input.
public struct InputSource: Sendable {
    public let path: String
    public let format: InputFormat
    /// Named on the command line, not found by walking a folder: only then is
    /// a JSON file that is no known export worth a warning.
    public let named: Bool
    /// Bytes already in hand (a file's staged content), read instead of `path`,
    /// which then only names the post and chooses the format by its extension.
    public let contents: [UInt8]?

    public init(path: String, format: InputFormat, named: Bool = true) {
        self.path = path
        self.format = format
        self.named = named
        self.contents = nil
    }

    public init(path: String, format: InputFormat, contents: [UInt8]) {
        self.path = path
        self.format = format
        self.named = true
        self.contents = contents
    }

    /// The format chosen by extension for `auto`; `auto` still when only the content can tell (`.json`, `.js`).
    var formatByExtension: InputFormat {
        guard format == .auto else { return format }
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "jsonl", "ndjson": return .jsonl
        case "csv", "tsv": return .csv
        case "md", "markdown", "mdown", "mkd": return .markdown
        case "html", "htm", "xhtml": return .html
        case "json", "js": return .auto
        default: return .text
        }
    }
}

public enum InputDiscovery {
    /// Extensions read when walking a directory.
    static let auditedExtensions: Set<String> = ["txt", "md", "markdown", "mdown", "mkd", "jsonl", "ndjson", "html", "htm", "xhtml", "csv", "tsv", "json", "js"]
    /// The extensions of single posts (text, Markdown, HTML), not batches or exports.
    static let postExtensions: Set<String> = ["txt", "md", "markdown", "mdown", "mkd", "html", "htm", "xhtml"]
    /// Folders never walked into (besides hidden ones).
    static let skippedFolders: Set<String> = ["node_modules", "build", "dist", "vendor", "Pods", "DerivedData"]

    /// Expands paths into sources: files as given, directories recursively in
    /// sorted order (skipping hidden and build folders), `-` for stdin. `filter`
    /// (a config's include/exclude) decides about files found in folders only.
    public static func sources(for paths: [String], format: InputFormat, filter: PathFilter? = nil) -> ([InputSource], [InputProblem]) {
        var sources: [InputSource] = []
        var problems: [InputProblem] = []
        let manager = FileManager.default
        for path in paths {
            if path == "-" {
                sources.append(InputSource(path: "-", format: format == .auto ? .text : format))
                continue
            }
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                problems.append(InputProblem(path: path, message: "no such file or directory", fatal: true))
                continue
            }
            guard isDirectory.boolValue else {
                sources.append(InputSource(path: path, format: format))
                continue
            }
            var found: [String] = []
            walk(path, into: &found)
            sources += found.sorted().filter { filter?.accepts($0) ?? true }.map { InputSource(path: $0, format: format, named: false) }
        }
        return (sources, problems)
    }

    private static func walk(_ directory: String, into found: inout [String]) {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for entry in entries where !entry.hasPrefix(".") {
            let path = directory.hasSuffix("/") ? directory + entry : directory + "/" + entry
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                if !skippedFolders.contains(entry) { walk(path, into: &found) }
            } else if auditedExtensions.contains(URL(fileURLWithPath: entry).pathExtension.lowercased()) {
                found.append(path)
            }
        }
    }
}

/// What every reader is told besides the source.
public struct ReadOptions: Sendable {
    /// Which columns or keys hold each post field (CSV and JSONL).
    public var fields = FieldMapping()
    /// Larger posts (a file, a batch line) are reported and skipped: no real
    /// post is this long, and holding one would break the flat-memory promise.
    public var maxPostBytes = 16 << 20
    public init() {}

    /// What is said about a post (or row) past `maxPostBytes`.
    func tooLarge(_ what: String) -> String {
        "\(what) larger than \(maxPostBytes >> 20) MiB, skipped (raise the limit with --max-post-size)"
    }
}

/// What a reader hands over, in input order.
public enum InputItem: Sendable {
    case post(Post)
    case problem(InputProblem)
    /// JSONL lines whose parsing is left to whichever thread audits them.
    case jsonLines(JSONLines)
}

/// Lines of a JSONL batch read together, not yet parsed: the bytes they were
/// read in, once, and where each line is in them.
public struct JSONLines: Sendable {
    public struct Line: Sendable {
        /// 1-based line number in the file.
        public let number: Int
        /// The line in `bytes`, without its line break.
        public let range: Range<Int>
    }

    public let path: String
    public let fields: FieldMapping
    public let bytes: [UInt8]
    public let lines: ArraySlice<Line>

    /// The post on one of the lines, or nil when it is not a record; with what was wrong or repaired.
    public func parse(_ line: Line) -> (post: Post?, problems: [InputProblem]) {
        var problems: [InputProblem] = []
        // A closure given in place captures nothing by copy (a stored one held a copy of `self`).
        let path = self.path
        let parsed = BatchRecord.parseJSON(bytes[line.range], fields: fields) { message in
            problems.append(InputProblem(path: path, line: line.number, message: message))
        }
        switch parsed {
        case let .success(record): return (record.post(path: path, record: line.number), problems)
        case let .failure(message):
            problems.append(InputProblem(path: path, line: line.number, message: message))
            return (nil, problems)
        }
    }

    /// The same lines with a path and field names of their own. Every line reads
    /// them several times, and each read takes and drops a reference: on memory
    /// that all threads share, that count moves between the cores every time.
    func unshared() -> JSONLines {
        JSONLines(path: String(decoding: Array(path.utf8), as: UTF8.self), fields: fields.unshared(), bytes: bytes, lines: lines)
    }

    /// The first `count` lines, and the rest; both share these bytes.
    func split(at count: Int) -> (JSONLines, JSONLines) {
        let middle = lines.startIndex + count
        return (JSONLines(path: path, fields: fields, bytes: bytes, lines: lines[..<middle]),
                JSONLines(path: path, fields: fields, bytes: bytes, lines: lines[middle...]))
    }
}

/// Reads posts from a source and hands them over one at a time, streaming:
/// a batch file is never held in memory whole.
public struct PostReader {
    public let source: InputSource
    public let options: ReadOptions

    public init(source: InputSource, options: ReadOptions = ReadOptions()) {
        self.source = source
        self.options = options
    }

    /// Calls `post` for every post and `problem` for every unreadable part, in input order.
    public func read(post: (Post) -> Void, problem: (InputProblem) -> Void) {
        read { item in
            switch item {
            case let .post(parsed): post(parsed)
            case let .problem(found): problem(found)
            case let .jsonLines(batch):
                for line in batch.lines {
                    let (parsed, problems) = batch.parse(line)
                    problems.forEach(problem)
                    if let parsed { post(parsed) }
                }
            }
        }
    }

    /// Hands over every post, problem and unparsed JSONL line, in input order.
    public func read(_ item: (InputItem) -> Void) {
        func post(_ post: Post) { item(.post(post)) }
        func problem(_ problem: InputProblem) { item(.problem(problem)) }
        var stream: ByteStream
        if let contents = source.contents {
            stream = ByteStream(bytes: contents)
        } else if source.path == "-" {
            stream = ByteStream(handle: .standardInput)
        } else {
            guard let opened = FileHandle(forReadingAtPath: source.path) else {
                problem(InputProblem(path: source.path, message: "cannot open file (\(String(cString: strerror(errno)))), skipped"))
                return
            }
            stream = ByteStream(handle: opened)
        }
        defer { if source.contents == nil, source.path != "-" { try? stream.handle?.close() } }
        // Said after whatever was read before it failed.
        defer {
            if let reason = stream.failure.reason {
                problem(InputProblem(path: source.path, message: "read error (\(reason)); the rest of the file is not audited"))
            }
        }
        // The first chunk tells empty and binary files apart before any format reads them.
        let head = stream.peek()
        if head.isEmpty {
            // A file that could not be read at all is said by the report above, not as empty.
            if stream.failure.reason == nil { problem(InputProblem(path: source.path, message: "empty file, skipped")) }
            return
        }
        if head.prefix(8192).contains(0) {
            problem(InputProblem(path: source.path, message: "binary file, skipped"))
            return
        }

        switch source.formatByExtension {
        case .jsonl:
            LineReader(stream: stream, maxLength: options.maxPostBytes).forEachBlock { block in
                switch block {
                case let .tooLong(number): problem(tooLarge(line: number))
                case let .lines(bytes, lines):
                    var records: [JSONLines.Line] = []
                    records.reserveCapacity(lines.count)
                    for line in lines {
                        let text = bytes[line.range]
                        guard text.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { continue }
                        let start = line.number == 1 && text.starts(with: TextDecoding.bom) ? line.range.lowerBound + 3 : line.range.lowerBound
                        records.append(JSONLines.Line(number: line.number, range: start..<line.range.upperBound))
                    }
                    if !records.isEmpty {
                        item(.jsonLines(JSONLines(path: source.path, fields: options.fields, bytes: bytes, lines: records[...])))
                    }
                }
            }
        case .csv:
            let tabSeparated = URL(fileURLWithPath: source.path).pathExtension.lowercased() == "tsv"
            CSVReader(path: source.path, separator: tabSeparated ? 0x09 : nil, options: options).read(stream, post: post, problem: problem)
        case .auto:
            guard let kind = ArchiveKind(head: head, path: source.path, fields: options.fields) else {
                if source.named { problem(InputProblem(path: source.path, message: "unrecognised JSON; choose one with --input-format")) }
                return
            }
            readArchive(kind, stream: stream, head: head, post: post, problem: problem)
        case .instagram, .facebook, .x, .youtube, .tiktok:
            readArchive(ArchiveKind(source.formatByExtension)!, stream: stream, head: head, post: post, problem: problem)
        case .html:
            guard let document = wholeDocument(&stream, problem: problem) else { return }
            post(HTMLDocument.post(path: source.path, text: document))
        case .markdown:
            guard let document = wholeDocument(&stream, problem: problem) else { return }
            post(MarkdownDocument.post(path: source.path, document: document, problem: problem))
        case .text:
            guard let document = wholeDocument(&stream, problem: problem) else { return }
            post(Post(path: source.path, text: document))
        }
    }

    func tooLarge(line: Int?) -> InputProblem {
        InputProblem(path: source.path, line: line, message: options.tooLarge("post"))
    }

    /// The whole file as text: a BOM dropped, and a file that is not UTF-8 but
    /// reads as Latin-1 transcoded (positions still point into the file).
    private func wholeDocument(_ stream: inout ByteStream, problem: (InputProblem) -> Void) -> SourceText? {
        guard let bytes = stream.readAll(limit: options.maxPostBytes) else {
            problem(tooLarge(line: nil))
            return nil
        }
        let (text, warning) = TextDecoding.document(bytes)
        if let warning { problem(InputProblem(path: source.path, line: warning.line, message: warning.message)) }
        guard text.bytes.contains(where: { $0 > 0x20 }) else {
            problem(InputProblem(path: source.path, message: "no text, skipped"))
            return nil
        }
        return text
    }
}

/// Reads a file handle in chunks, with the first chunk available before anything is consumed.
struct ByteStream {
    /// nil for bytes already in memory.
    let handle: FileHandle?
    static let chunkSize = 1 << 20
    private var buffered: [UInt8]?
    /// Why reading stopped before the end, when it did. Shared by the stream's
    /// copies (each format's reader takes one), so the caller can say it.
    let failure = ReadFailure()

    final class ReadFailure {
        var reason: String?
    }

    init(handle: FileHandle) { self.handle = handle }

    /// A stream of bytes already held: they are its first and only chunk.
    init(bytes: [UInt8]) {
        handle = nil
        buffered = bytes
    }

    /// The first chunk, kept to be returned again by `next`.
    mutating func peek() -> [UInt8] {
        if buffered == nil { buffered = readChunk() }
        return buffered!
    }

    /// The next chunk; empty at the end.
    mutating func next() -> [UInt8] {
        if let chunk = buffered {
            buffered = []
            if !chunk.isEmpty { return chunk }
        }
        return readChunk()
    }

    /// Up to `chunkSize` bytes, read straight into the array (no intermediate
    /// `Data`); short only at the end of the stream or on a read error, which
    /// ends the stream and is kept in `failure`. A short chunk is copied to an
    /// array of its own size, so a small file does not hold a whole chunk's memory.
    private func readChunk() -> [UInt8] {
        guard let handle, failure.reason == nil else { return [] }
        let descriptor = handle.fileDescriptor
        let chunk = [UInt8](unsafeUninitializedCapacity: ByteStream.chunkSize) { buffer, count in
            count = 0
            while count < buffer.count {
                let read = Foundation.read(descriptor, buffer.baseAddress! + count, buffer.count - count)
                if read > 0 {
                    count += read
                } else if read == 0 {
                    break
                } else if errno != EINTR {
                    failure.reason = String(cString: strerror(errno))
                    break
                }
            }
        }
        return chunk.count < ByteStream.chunkSize / 2 ? chunk.withUnsafeBufferPointer { [UInt8]($0) } : chunk
    }

    /// The rest of the stream; nil (having read only `limit` bytes) when it is longer.
    mutating func readAll(limit: Int) -> [UInt8]? {
        var bytes: [UInt8] = []
        while true {
            let chunk = next()
            if chunk.isEmpty { return bytes }
            bytes += chunk
            if bytes.count > limit { return nil }
        }
    }
}

/// Splits a stream into lines without loading it whole. Line numbers are 1-based;
/// a trailing carriage return is dropped. A line longer than `maxLength` is
/// not kept: it is passed over to its end and reported as `.tooLong`.
struct LineReader {
    var stream: ByteStream
    var maxLength: Int

    enum Block {
        /// Whole lines read together: their bytes, copied once, and each line's
        /// number and place in them (without its line break).
        case lines([UInt8], [JSONLines.Line])
        case tooLong(Int)
    }

    /// Hands over the lines a block at a time, in order.
    func forEachBlock(_ body: (Block) -> Void) {
        var stream = self.stream
        var pending: [UInt8] = []
        var number = 0
        var overflowing = false  // inside a line already known to be too long
        var lines: [JSONLines.Line] = []  // lines of `pending` not yet handed over
        var blockStart = 0  // where the bytes of those lines begin in `pending`
        func handOver(upTo end: Int) {
            if !lines.isEmpty {
                let bytes = Array(pending[blockStart..<end])
                body(.lines(bytes, lines.map { JSONLines.Line(number: $0.number, range: ($0.range.lowerBound - blockStart)..<($0.range.upperBound - blockStart)) }))
                lines.removeAll(keepingCapacity: true)
            }
            blockStart = end
        }
        func emit(_ line: Range<Int>) {
            number += 1
            if overflowing || line.count > maxLength + 1 {
                overflowing = false
                handOver(upTo: line.lowerBound)
                body(.tooLong(number))
                blockStart = line.upperBound
            } else {
                let end = !line.isEmpty && pending[line.upperBound - 1] == 0x0D ? line.upperBound - 1 : line.upperBound
                lines.append(JSONLines.Line(number: number, range: line.lowerBound..<end))
            }
        }
        var searched = 0  // bytes of `pending` already known to hold no newline
        while true {
            let chunk = stream.next()
            if chunk.isEmpty { break }
            pending.append(contentsOf: chunk)
            var start = 0
            while let newline = LineReader.newline(in: pending, from: max(start, searched)) {
                emit(start..<newline)
                start = newline + 1
            }
            handOver(upTo: start)
            pending.removeFirst(start)
            blockStart = 0
            if pending.count > maxLength + 1 {
                overflowing = true
                pending.removeAll(keepingCapacity: true)
            }
            searched = pending.count
        }
        if !pending.isEmpty || overflowing {
            emit(0..<pending.count)
            handOver(upTo: pending.count)
        }
    }

    /// The index of the first newline at or after `start` (memchr: this is the hot loop of every batch).
    static func newline(in bytes: [UInt8], from start: Int) -> Int? {
        guard start < bytes.count else { return nil }
        return bytes.withUnsafeBufferPointer { buffer in
            memchr(buffer.baseAddress! + start, 0x0A, buffer.count - start).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - buffer.baseAddress! }
        }
    }
}

/// How bytes of unknown encoding become text Candor can match.
enum TextDecoding {
    static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]

    static func droppingBOM(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
        bytes.starts(with: bom) ? bytes.dropFirst(3) : bytes[...]
    }

    /// The first byte that is not part of valid UTF-8, and whether the bytes hold
    /// any valid multi-byte sequence at all (which Latin-1 text never does).
    static func utf8Check(_ bytes: ArraySlice<UInt8>) -> (firstInvalid: Int?, hasMultibyte: Bool) {
        var index = bytes.startIndex
        var firstInvalid: Int?
        var hasMultibyte = false
        while index < bytes.endIndex {
            let length = validSequenceLength(bytes, at: index)
            if length == 0 {
                if firstInvalid == nil { firstInvalid = index }
                index += 1
            } else {
                if length > 1 { hasMultibyte = true }
                index += length
            }
            if firstInvalid != nil, hasMultibyte { break }
        }
        return (firstInvalid, hasMultibyte)
    }

    /// The bytes with every byte that is not part of valid UTF-8 replaced by U+FFFD.
    static func replacingInvalidUTF8(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 8)
        var index = 0
        let all = bytes[...]
        while index < bytes.count {
            let length = validSequenceLength(all, at: index)
            if length == 0 {
                output += [0xEF, 0xBF, 0xBD]
                index += 1
            } else {
                output += bytes[index..<(index + length)]
                index += length
            }
        }
        return output
    }

    /// The length of the valid UTF-8 sequence starting at `index`, 0 if there is none.
    static func validSequenceLength<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, at index: Int) -> Int where Bytes.Index == Int {
        let lead = bytes[index]
        let length: Int
        switch lead {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return 0
        }
        guard index + length <= bytes.endIndex else { return 0 }
        for next in 1..<length where bytes[index + next] & 0xC0 != 0x80 { return 0 }
        // Overlong, surrogate and out-of-range forms.
        let second = bytes[index + 1]
        if (lead == 0xE0 && second < 0xA0) || (lead == 0xED && second > 0x9F)
            || (lead == 0xF0 && second < 0x90) || (lead == 0xF4 && second > 0x8F) { return 0 }
        return length
    }

    struct Warning {
        let line: Int?
        let message: String
    }

    /// A whole file as text. Valid UTF-8 is used as it is (without a BOM). A file
    /// with no valid multi-byte UTF-8 at all is read as Windows-1252 (a superset
    /// of Latin-1's printable characters), each character mapped to its byte.
    /// Anything else keeps its bytes: the matcher skips invalid sequences.
    static func document(_ raw: [UInt8]) -> (SourceText, Warning?) {
        let document = SourceText(raw)
        let body = droppingBOM(raw)
        let check = utf8Check(body)
        guard check.firstInvalid == nil || check.hasMultibyte else { return latin1(raw) }
        var text = document
        if body.startIndex > 0 {
            var extractor = TextExtractor(document: document)
            extractor.copy(body.startIndex..<body.endIndex)
            text = extractor.text()
        }
        guard let invalid = check.firstInvalid else { return (text, nil) }
        let position = document.position(of: invalid)
        return (text, Warning(line: position.line, message: "invalid UTF-8 at column \(position.column); those bytes are skipped"))
    }

    /// Each byte of a Latin-1 (Windows-1252) file as its character, mapped to that byte.
    private static func latin1(_ raw: [UInt8]) -> (SourceText, Warning?) {
        let body = droppingBOM(raw)
        var extractor = TextExtractor(document: SourceText(raw, origin: nil, singleByte: true))
        var runStart = body.startIndex
        for index in body.indices where body[index] >= 0x80 {
            extractor.copy(runStart..<index)
            extractor.append(String(windows1252(body[index])), for: index..<(index + 1))
            runStart = index + 1
        }
        extractor.copy(runStart..<body.endIndex)
        return (extractor.text(), Warning(line: nil, message: "not UTF-8; read as Latin-1 (Windows-1252)"))
    }

    /// Windows-1252: Latin-1 with printable characters in 0x80–0x9F.
    static func windows1252(_ byte: UInt8) -> Character {
        let high: [UInt32] = [0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
                              0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178]
        let value = (0x80...0x9F).contains(byte) ? high[Int(byte) - 0x80] : UInt32(byte)
        return Character(Unicode.Scalar(value)!)
    }
}
