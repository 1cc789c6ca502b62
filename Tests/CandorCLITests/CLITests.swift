import Foundation
import Testing

/// Runs the real `candor` binary built beside the test bundle.
struct CLI {
    static let executable: URL = {
        let bundle = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        return bundle.appendingPathComponent("candor")
    }()
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Result {
        let code: Int32
        let stdout: String
        let stderr: String
    }

    static func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:], in directory: URL? = nil) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? root
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "NO_COLOR")
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Read both pipes before waiting so a full pipe cannot block the child.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(code: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    static func temporaryFile(_ name: String, _ contents: Data) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("candor-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(name)
        try contents.write(to: url)
        return url
    }
}

@Suite struct ExitCodeTests {
    @Test func cleanPostsExitZero() throws {
        let result = try CLI.run(["audit", "-"], stdin: "Sunset swim, no plans, just the sea with my friends.")
        #expect(result.code == 0)
        #expect(result.stdout == "")
        #expect(result.stderr == "candor: audited 1 post: 0 errors, 0 warnings, 0 notes in 0 posts\n")
    }

    @Test func findingsExitOne() throws {
        let result = try CLI.run(["audit", "--jurisdiction", "us", "-"], stdin: "Grab it https://amzn.to/3xKq9Lm")
        #expect(result.code == 1)
        #expect(result.stdout.hasPrefix("-:1:9: error: Undisclosed affiliate relationship: Amazon Associates short link “https://amzn.to/3xKq9Lm” with no disclosure [US FTC] [affiliate.amazon-short-link]\n"))
        #expect(result.stdout.contains(" 1 | Grab it https://amzn.to/3xKq9Lm\n   |         ^~~~~~~~~~~~~~~~~~~~~~~\n"))
    }

    @Test func failOnSetsTheThreshold() throws {
        // A giveaway is a warning: it fails only with --fail-on warning.
        let post = "#giveaway time! Follow and tag a friend to enter"
        #expect(try CLI.run(["audit", "--jurisdiction", "us", "-"], stdin: post).code == 0)
        #expect(try CLI.run(["audit", "--jurisdiction", "us", "--fail-on", "warning", "-"], stdin: post).code == 1)
    }

    @Test func aMissingFileExitsTwo() throws {
        let result = try CLI.run(["audit", "Samples/en/amazon-finds.txt", "no/such/file.txt"])
        #expect(result.code == 2)
        #expect(result.stderr.contains("candor: no/such/file.txt: error: no such file or directory\n"))
        #expect(result.stdout.contains("Samples/en/amazon-finds.txt:3:45: error:"))
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try CLI.run(["audit", "--jurisdiction", "zz", "-"], stdin: "hi").code == 2)
        #expect(try CLI.run(["audit", "--format", "yaml", "-"], stdin: "hi").code == 2)
    }

    @Test func aBrokenRuleFolderExitsTwoWithFileLineAndColumn() throws {
        let rule = try CLI.temporaryFile("bad.yml", Data("signals:\n  - id: x\n    colour: red\n".utf8))
        let result = try CLI.run(["audit", "--rules", rule.deletingLastPathComponent().path, "-"], stdin: "hi")
        #expect(result.code == 2)
        #expect(result.stderr.contains("bad.yml:3:5: error: unknown key 'colour' in a signal"))
    }

    @Test func aCatastrophicRuleExitsTwoAfterAuditingEverything() throws {
        let rule = try CLI.temporaryFile("evil.yml", Data("""
        signals:
          - id: user.evil
            category: paid
            severity: error
            message: catastrophic
            text: '(a+)+$'
            examples: {match: ['⟦aaa⟧'], no-match: ['b']}

        """.utf8))
        let input = String(repeating: "a", count: 64) + "b"
        let result = try CLI.run(["audit", "--rules", rule.deletingLastPathComponent().path, "-"], stdin: input)
        #expect(result.code == 2)
        #expect(result.stderr.contains("candor: warning: rule 'user.evil' gave up on -: match limit exceeded"))
    }
}

@Suite struct OutputFormatTests {
    @Test func jsonIsOneDocumentWithTheDocumentedFields() throws {
        let result = try CLI.run(["audit", "--format", "json", "Samples/en"])
        #expect(result.code == 1)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let posts = try #require(document["posts"] as? [[String: Any]])
        #expect(posts.count == 7)
        #expect(Set(posts[0].keys) == ["path", "record", "id", "author", "url", "platform", "market", "language", "jurisdictions", "relationships", "disclosures", "findings", "diagnostics"])
        #expect(posts[0]["id"] is NSNull)  // absent values are written as null, never left out
        let disclosure = try #require(posts.flatMap { ($0["disclosures"] as? [[String: Any]]) ?? [] }.first)
        #expect(Set(disclosure.keys) == ["ruleId", "text", "language", "covers", "line", "column", "byteOffset", "length", "accepted", "acceptedBy", "placement"])
        let finding = try #require(posts.flatMap { ($0["findings"] as? [[String: Any]]) ?? [] }.first)
        #expect(Set(finding.keys) == ["ruleId", "category", "kind", "severity", "message", "evidence", "line", "column", "byteOffset", "length", "jurisdiction", "suggestion", "help"])
        let summary = try #require(document["summary"] as? [String: Any])
        #expect(summary["posts"] as? Int == 7)
    }

    @Test func jsonlStreamsOneLinePerPostInInputOrderAndSkipsBadLines() throws {
        var lines: [String] = []
        for index in 1...600 {
            lines.append(index == 300 ? "{\"id\": \"broken\", \"text\": " : #"{"id": "p\#(index)", "text": "Grab it https://amzn.to/3xKq9Lm number \#(index)", "market": "us"}"#)
        }
        let file = try CLI.temporaryFile("batch.jsonl", Data(lines.joined(separator: "\n").utf8))
        let result = try CLI.run(["audit", "--format", "jsonl", "--jobs", "2", file.path])
        let records = result.stdout.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(records.count == 599)
        #expect(records.compactMap { $0?["id"] as? String } == (1...600).filter { $0 != 300 }.map { "p\($0)" })
        #expect(records.compactMap { $0?["record"] as? Int } == (1...600).filter { $0 != 300 })
        #expect(result.stderr.contains("batch.jsonl:300: warning: malformed JSON record, skipped"))
        #expect(result.code == 1)
    }

    @Test func colorFollowsTheFlagAndNoColor() throws {
        let post = "Grab it https://amzn.to/3xKq9Lm"
        #expect(try CLI.run(["audit", "--color", "always", "-"], stdin: post).stdout.contains("\u{1B}[1;31merror"))
        #expect(try !CLI.run(["audit", "--color", "never", "-"], stdin: post).stdout.contains("\u{1B}["))
        // auto: not a terminal here, and NO_COLOR also turns it off.
        #expect(try !CLI.run(["audit", "-"], stdin: post, environment: ["NO_COLOR": "1"]).stdout.contains("\u{1B}["))
    }

    @Test func reportsAndWarningsKeepTheirOrderWhenStdoutAndStderrShareAPipe() throws {
        let first = try CLI.temporaryFile("first.txt", Data("Grab it https://amzn.to/3xKq9Lm\n".utf8))
        let binary = try CLI.temporaryFile("image.txt", Data([0x89, 0x50, 0x4E, 0x47, 0x00, 0x00, 0x01]))
        let last = try CLI.temporaryFile("last.txt", Data("Also https://amzn.to/3xKq9Lm\n".utf8))
        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = ["audit", "--jurisdiction", "us", first.path, binary.path, last.path]
        let both = Pipe()
        process.standardOutput = both
        process.standardError = both
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let output = String(decoding: both.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let firstReport = try #require(output.range(of: "first.txt:1:9: error: "))
        let warning = try #require(output.range(of: "image.txt: warning: binary file, skipped"))
        let lastReport = try #require(output.range(of: "last.txt:1:6: error: "))
        #expect(firstReport.lowerBound < warning.lowerBound)
        #expect(warning.lowerBound < lastReport.lowerBound)
        #expect(output.hasSuffix("\ncandor: audited 2 posts: 2 errors, 0 warnings, 0 notes in 2 posts; 1 input problem\n"))
    }

    @Test func binaryAndEmptyFilesAreSkippedWithAWarning() throws {
        let binary = try CLI.temporaryFile("image.txt", Data([0x89, 0x50, 0x4E, 0x47, 0x00, 0x00, 0x01]))
        let empty = try CLI.temporaryFile("empty.txt", Data())
        let result = try CLI.run(["audit", binary.path, empty.path])
        #expect(result.stderr.contains("image.txt: warning: binary file, skipped"))
        #expect(result.stderr.contains("empty.txt: warning: empty file, skipped"))
        #expect(result.code == 2)  // nothing could be read
    }
}

@Suite struct SampleTests {
    @Test func samplesThatOnlyDiscussDisclosureHaveNoErrors() throws {
        for path in ["Samples/en/disclosure-guide.md", "Samples/it/guida-pubblicita.md"] {
            let result = try CLI.run(["audit", "--format", "jsonl", path])
            #expect(result.code == 0, "\(path) should pass")
            #expect(!result.stdout.contains(#""severity":"error""#), "\(path) has an error finding")
        }
    }

    @Test func everyCommercialSampleHasAFinding() throws {
        let result = try CLI.run(["audit", "--format", "jsonl", "Samples"])
        let reports = result.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let flagged = Set(reports.filter { !(($0["findings"] as? [Any]) ?? []).isEmpty }.compactMap { $0["path"] as? String })
        for path in ["Samples/en/amazon-finds.txt", "Samples/en/gift-guide.html", "Samples/en/hotel-stay.txt", "Samples/en/gifted-serum.txt", "Samples/en/buried-ad.txt",
                     "Samples/es/afiliados-cocina.txt", "Samples/es/hotel-menorca.txt", "Samples/es/anuncio-en-ingles.txt", "Samples/it/blogtrip-langhe.txt"] {
            #expect(flagged.contains(path), "\(path) should have a finding")
        }
        for path in ["Samples/en/trail-partnership.txt", "Samples/es/publi-paleta.txt", "Samples/it/prodotto-inviato.txt"] {
            #expect(!flagged.contains(path), "\(path) is correctly disclosed")
        }
    }
}

@Suite struct RulesCommandTests {
    @Test func rulesTestPassesOnTheShippedLibrary() throws {
        let result = try CLI.run(["rules", "test"])
        #expect(result.code == 0)
        #expect(result.stderr.hasSuffix("examples, passed\n"))
    }

    @Test func jurisdictionsAndExplainDescribeTheLibrary() throws {
        let listing = try CLI.run(["jurisdictions"])
        #expect(listing.code == 0)
        for id in ["us", "uk", "es", "es-2020", "it", "de", "fr", "br", "pt", "eu"] {
            #expect(listing.stdout.contains("\n\(id): ") || listing.stdout.hasPrefix("\(id): "), "missing \(id)")
        }
        let explained = try CLI.run(["rules", "explain", "label.en.thanks"])
        #expect(explained.stdout.contains("    us: insufficient: thanking a brand does not tell readers the post is paid for"))
        #expect(try CLI.run(["rules", "explain", "no.such.rule"]).code == 2)
    }

    @Test func rulesListNamesEveryKind() throws {
        let result = try CLI.run(["rules", "list"])
        #expect(result.code == 0)
        for needle in ["affiliate.amazon-tag", "label.en.ad", "label:es", "jurisdiction", "language"] {
            #expect(result.stdout.contains(needle))
        }
    }
}
