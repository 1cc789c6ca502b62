import CandorCore
import CandorPCRE
import Foundation

/// The repository root, found from this file's location.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let shippedRulesDirectory = repositoryRoot.appendingPathComponent("Rules").path

/// The shipped rule library, loaded once for every test.
let shippedRules: RuleSet = {
    do { return try RuleSet.load(directories: [shippedRulesDirectory]) } catch { fatalError("shipped rules do not load:\n\(error)") }
}()

/// Audits one post with the shipped rules.
func audit(_ text: String, jurisdictions: [String] = [], platform: Platform? = nil, market: String? = nil,
           declared: [Category] = [], rules: RuleSet = shippedRules) -> PostReport {
    let post = Post(path: "post.txt", text: SourceText(text), platform: platform, market: market, declared: declared)
    return Auditor(rules: rules).audit(post, options: AuditOptions(jurisdictions: jurisdictions), scratch: MatchScratch())
}

/// The text a finding's span covers.
func spanText(_ finding: Finding, in text: String) -> String {
    String(decoding: Array(text.utf8)[finding.byteOffset..<(finding.byteOffset + finding.length)], as: UTF8.self)
}

/// A scratch folder holding the given files, removed by the caller.
func temporaryFolder(_ files: [String: String]) throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("candor-\(UUID().uuidString)")
    for (name, contents) in files {
        let url = folder.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: url)
    }
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

/// Reads one file through the real reader, as `candor audit` does.
func readPosts(_ name: String, _ contents: [UInt8], format: InputFormat = .auto,
               options: ReadOptions = ReadOptions()) throws -> (posts: [Post], problems: [InputProblem]) {
    let folder = try temporaryFolder([:])
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent(name).path
    try Data(contents).write(to: URL(fileURLWithPath: path))
    var posts: [Post] = []
    var problems: [InputProblem] = []
    PostReader(source: InputSource(path: path, format: format), options: options).read(post: { posts.append($0) }, problem: { problems.append($0) })
    return (posts, problems)
}

func readPosts(_ name: String, _ contents: String, format: InputFormat = .auto,
               options: ReadOptions = ReadOptions()) throws -> (posts: [Post], problems: [InputProblem]) {
    try readPosts(name, Array(contents.utf8), format: format, options: options)
}

/// Audits a post read by a reader with the shipped rules.
func auditPost(_ post: Post, jurisdictions: [String] = ["us"]) -> PostReport {
    Auditor(rules: shippedRules).audit(post, options: AuditOptions(jurisdictions: jurisdictions), scratch: MatchScratch())
}
