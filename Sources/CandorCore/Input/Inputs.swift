import Foundation

/// How a file's posts are read.
public enum InputFormat: String, Sendable, CaseIterable {
    /// Chosen from the file extension: `.jsonl`/`.ndjson` are batches, everything else one post.
    case auto
    /// The whole file is one post.
    case text
    /// The whole file is one Markdown post (platform `blog` unless told otherwise).
    case markdown
    /// One JSON object per line: `id`, `text`, optional `platform`, `market`, `relationship`.
    case jsonl
}

/// A problem with the input, reported on stderr while the rest is still audited.
public struct InputProblem: Sendable, CustomStringConvertible {
    public let path: String
    public let line: Int?
    public let message: String
    /// Fatal problems (a path that does not exist) make the run exit with 2.
    public let fatal: Bool
    public var description: String { "\(path)\(line.map { ":\($0)" } ?? ""): \(fatal ? "error" : "warning"): \(message)" }
}

/// One thing to read: a file or standard input.
public struct InputSource: Sendable {
    public let path: String
    public let format: InputFormat

    /// The format actually used: extension-based for `auto`, text for stdin.
    public var resolvedFormat: InputFormat {
        guard format == .auto else { return format }
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "jsonl", "ndjson": return .jsonl
        case "md", "markdown", "mdown", "mkd": return .markdown
        default: return .text
        }
    }
}

public enum InputDiscovery {
    /// Extensions read when walking a directory.
    static let auditedExtensions: Set<String> = ["txt", "md", "markdown", "mdown", "mkd", "jsonl", "ndjson"]
    /// Folders never walked into (besides hidden ones).
    static let skippedFolders: Set<String> = ["node_modules", "build", "dist", "vendor", "Pods", "DerivedData"]

    /// Expands paths into sources: files as given, directories recursively in
    /// sorted order (skipping hidden and build folders), `-` for stdin.
    public static func sources(for paths: [String], format: InputFormat) -> ([InputSource], [InputProblem]) {
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
                problems.append(InputProblem(path: path, line: nil, message: "no such file or directory", fatal: true))
                continue
            }
            guard isDirectory.boolValue else {
                sources.append(InputSource(path: path, format: format))
                continue
            }
            var found: [String] = []
            walk(path, into: &found)
            sources += found.sorted().map { InputSource(path: $0, format: format) }
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

/// Reads posts from a source and hands them over one at a time, streaming:
/// a batch file is never held in memory whole.
public struct PostReader {
    public let source: InputSource
    public init(source: InputSource) { self.source = source }

    /// Calls `post` for every post and `problem` for every unreadable part, in input order.
    public func read(post: (Post) -> Void, problem: (InputProblem) -> Void) {
        let handle: FileHandle
        if source.path == "-" {
            handle = .standardInput
        } else {
            guard let opened = FileHandle(forReadingAtPath: source.path) else {
                problem(InputProblem(path: source.path, line: nil, message: "cannot open file", fatal: true))
                return
            }
            handle = opened
        }
        defer { if source.path != "-" { try? handle.close() } }

        switch source.resolvedFormat {
        case .jsonl:
            LineReader(handle: handle).forEachLine { number, bytes in
                guard bytes.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return }
                switch BatchRecord.parse(bytes) {
                case let .success(record):
                    post(Post(path: source.path, record: number, id: record.id, text: SourceText(record.text),
                              platform: record.platform, market: record.market, declared: record.relationships, date: record.date))
                case let .failure(message):
                    problem(InputProblem(path: source.path, line: number, message: message, fatal: false))
                }
            }
        case .text, .markdown, .auto:
            let bytes = [UInt8](handle.readDataToEndOfFile())
            if bytes.isEmpty {
                problem(InputProblem(path: source.path, line: nil, message: "empty file, skipped", fatal: false))
            } else if bytes.prefix(8192).contains(0) {
                problem(InputProblem(path: source.path, line: nil, message: "binary file, skipped", fatal: false))
            } else {
                post(Post(path: source.path, text: SourceText(bytes), platform: source.resolvedFormat == .markdown ? .blog : nil))
            }
        }
    }
}

/// Splits a stream into lines without loading it whole. Line numbers are 1-based;
/// a trailing carriage return is dropped.
struct LineReader {
    let handle: FileHandle
    let chunkSize = 1 << 20

    func forEachLine(_ body: (Int, [UInt8]) -> Void) {
        var pending: [UInt8] = []
        var number = 0
        func emit(_ line: ArraySlice<UInt8>) {
            number += 1
            body(number, Array(line.last == 0x0D ? line.dropLast() : line))
        }
        var searched = 0  // bytes of `pending` already known to hold no newline
        while true {
            let chunk = handle.readData(ofLength: chunkSize)
            if chunk.isEmpty { break }
            pending.append(contentsOf: chunk)
            var start = 0
            while let newline = pending[max(start, searched)...].firstIndex(of: 0x0A) {
                emit(pending[start..<newline])
                start = newline + 1
            }
            pending.removeFirst(start)
            searched = pending.count
        }
        if !pending.isEmpty { emit(pending[...]) }
    }
}

/// One line of a JSONL batch.
struct BatchRecord {
    var id: String?
    var text: [UInt8]
    var platform: Platform?
    var market: String?
    var relationships: [Category]
    var date: String?

    enum Parsed {
        case success(BatchRecord)
        case failure(String)
    }

    static func parse(_ line: [UInt8]) -> Parsed {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(line))
        } catch {
            return .failure("malformed JSON record, skipped (\(String(describing: (error as NSError).userInfo[NSDebugDescriptionErrorKey] ?? "invalid JSON")))")
        }
        guard let fields = object as? [String: Any] else { return .failure("a record must be a JSON object, skipped") }
        guard let text = fields["text"] as? String else { return .failure("record has no string field 'text', skipped") }
        var record = BatchRecord(id: nil, text: Array(text.utf8), platform: nil, market: nil, relationships: [], date: nil)
        switch fields["id"] {
        case let id as String: record.id = id
        case let id as NSNumber: record.id = id.stringValue
        default: break
        }
        if let platform = fields["platform"] as? String {
            guard let known = Platform(rawValue: platform.lowercased()) else {
                return .failure("unknown platform '\(platform)' (expected \(Platform.allCases.map(\.rawValue).joined(separator: ", "))), skipped")
            }
            record.platform = known
        }
        record.market = fields["market"] as? String
        record.date = (fields["published_at"] ?? fields["date"]) as? String
        let declared: [String]
        switch fields["relationship"] {
        case let one as String: declared = [one]
        case let many as [String]: declared = many
        default: declared = []
        }
        for name in declared {
            guard let category = Category(rawValue: name) else {
                return .failure("unknown relationship '\(name)' (expected \(Category.allCases.map(\.rawValue).joined(separator: ", "))), skipped")
            }
            record.relationships.append(category)
        }
        return .success(record)
    }
}
