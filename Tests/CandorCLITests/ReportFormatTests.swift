import CandorCore
import Foundation
import Testing

/// Runs python3 (the test suite's checker for formats other tools read) on `stdin`.
private func python(_ arguments: [String], stdin: Data, in directory: URL? = nil) throws -> CLI.Result {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3"] + arguments
    if let directory { process.currentDirectoryURL = directory }
    let out = Pipe(), err = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    input.fileHandleForWriting.write(stdin)
    try input.fileHandleForWriting.close()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CLI.Result(code: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
}

/// The official SARIF schema, in the shared folder beside the repository
/// (CANDOR_SHARED names another shared folder).
private let sarifSchema: String = {
    let shared = ProcessInfo.processInfo.environment["CANDOR_SHARED"].map { URL(fileURLWithPath: $0) }
        ?? CLI.root.deletingLastPathComponent().appendingPathComponent("shared")
    return shared.appendingPathComponent("schemas/sarif-schema-2.1.0.json").path
}()

private func json(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}

private func sarifParts(_ text: String) throws -> (rules: [[String: Any]], results: [[String: Any]], run: [String: Any]) {
    let run = try #require((try json(text)["runs"] as? [[String: Any]])?.first)
    let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
    return (try #require(driver["rules"] as? [[String: Any]]), try #require(run["results"] as? [[String: Any]]), run)
}

/// Every finding of a `--format json` run.
private func findings(_ arguments: [String]) throws -> [[String: Any]] {
    let posts = try #require(try json(try CLI.run(["audit", "--format", "json"] + arguments).stdout)["posts"] as? [[String: Any]])
    return posts.flatMap { ($0["findings"] as? [[String: Any]]) ?? [] }
}

@Suite struct ReportFormatSARIFTests {
    @Test func samplesValidateAgainstTheOfficialSchema() throws {
        #expect(FileManager.default.fileExists(atPath: sarifSchema), "SARIF schema not found at \(sarifSchema)")
        let result = try CLI.run(["audit", "--format", "sarif", "Samples"])
        #expect(result.code == 1)
        #expect(result.stderr.hasSuffix("candor: audited 25 posts: 19 errors, 0 warnings, 1 note in 14 posts\n"))
        let validation = try python([CLI.root.appendingPathComponent("Tests/Support/validate_sarif.py").path, sarifSchema], stdin: Data(result.stdout.utf8))
        #expect(validation.stdout == "valid\n", "\(validation.stdout)\(validation.stderr)")
        #expect(validation.code == 0)
    }

    @Test func everyRuleIsDescribedInIdOrder() throws {
        let (rules, results, run) = try sarifParts(try CLI.run(["audit", "--format", "sarif", "Samples"]).stdout)
        let ruleSet = try RuleSet.load(directories: [CLI.root.appendingPathComponent("Rules").path])
        let ids = rules.compactMap { $0["id"] as? String }
        #expect(ids == (ruleSet.signals.map(\.id) + ruleSet.disclosures.map(\.id) + ["declared-relationship", "html.link-rel"]).sorted())
        #expect(ids.contains("label.en.ad") && ids.contains("affiliate.amazon-tag"))
        for rule in rules {
            let help = try #require(rule["help"] as? [String: Any])
            #expect(((rule["shortDescription"] as? [String: Any])?["text"] as? String)?.isEmpty == false)
            #expect(((rule["fullDescription"] as? [String: Any])?["text"] as? String)?.isEmpty == false)
            #expect((help["text"] as? String)?.contains("https://") == true)
            #expect((help["markdown"] as? String)?.contains("](<https://") == true)
        }
        let amazon = try #require(rules.first { $0["id"] as? String == "affiliate.amazon-tag" })
        let help = try #require(amazon["help"] as? [String: Any])
        #expect((help["markdown"] as? String)?.contains("- [US FTC (us)](<https://www.ftc.gov/business-guidance/resources/disclosures-101-social-media-influencers>)") == true)
        #expect((amazon["defaultConfiguration"] as? [String: Any])?["level"] as? String == "error")

        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "candor")
        #expect(driver["version"] as? String == CandorVersion.current)
        #expect(run["columnKind"] as? String == "unicodeCodePoints")

        // One result per finding, in report order, each pointing at its rule.
        let expected = try findings(["Samples"])
        #expect(results.count == expected.count)
        #expect(results.compactMap { $0["ruleId"] as? String } == expected.compactMap { $0["ruleId"] as? String })
        #expect(results.compactMap { $0["level"] as? String } == expected.compactMap { $0["severity"] as? String })
        for result in results {
            let index = try #require(result["ruleIndex"] as? Int)
            #expect(ids[index] == result["ruleId"] as? String)
        }
    }

    @Test func aKnownFindingHasItsRegionAndArtifact() throws {
        let (_, results, run) = try sarifParts(try CLI.run(["audit", "--format", "sarif", "Samples/en/amazon-finds.txt"]).stdout)
        let result = try #require(results.first)
        #expect(result["ruleId"] as? String == "affiliate.amazon-tag")
        let location = try #require(((result["locations"] as? [[String: Any]])?.first)?["physicalLocation"] as? [String: Any])
        let artifact = try #require(location["artifactLocation"] as? [String: Any])
        #expect(artifact["uri"] as? String == "Samples/en/amazon-finds.txt")
        #expect(artifact["uriBaseId"] as? String == "SRCROOT")
        let region = try #require(location["region"] as? [String: Int])
        #expect(region == ["startLine": 3, "startColumn": 45, "endLine": 3, "endColumn": 98])
        let base = try #require((run["originalUriBaseIds"] as? [String: Any])?["SRCROOT"] as? [String: Any])
        #expect(base["uri"] as? String == "file://" + CLI.root.path + "/")
        let message = try #require((result["message"] as? [String: Any])?["text"] as? String)
        #expect(message.hasSuffix("[UK ASA/CMA]. Fix: add “#ad · This post contains affiliate links” at the start of the post."))
    }

    @Test func partialFingerprintsAreCandorsFingerprints() throws {
        // Absolute paths, so the in-process audit names the files as the CLI does.
        let samples = CLI.root.appendingPathComponent("Samples").path
        let (_, results, _) = try sarifParts(try CLI.run(["audit", "--format", "sarif", samples]).stdout)
        let rules = try RuleSet.load(directories: [CLI.root.appendingPathComponent("Rules").path])
        var reports: [PostReport] = []
        let runner = AuditRunner(auditor: Auditor(rules: rules), options: AuditOptions(), workers: 1) { report, _, _ in reports.append(report) }
        for source in InputDiscovery.sources(for: [samples], format: .auto).0 {
            PostReader(source: source, options: ReadOptions()).read(post: runner.add, problem: { _ in })
        }
        runner.flush()
        let expected = reports.flatMap(Fingerprint.of)
        #expect(expected.count == 20)
        #expect(results.map { ($0["partialFingerprints"] as? [String: String])?["candor/v1"] } == expected)
        // Files under the current directory are still named relative to it.
        let uris = results.compactMap { (($0["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["artifactLocation"] as? [String: Any] }
        #expect(uris.allSatisfy { ($0["uri"] as? String)?.hasPrefix("Samples/") == true && $0["uriBaseId"] as? String == "SRCROOT" })
    }

    @Test func aBatchRecordPointsAtItsLine() throws {
        let (_, results, _) = try sarifParts(try CLI.run(["audit", "--format", "sarif", "Samples/campaign-export.csv"]).stdout)
        let result = try #require(results.first)
        let location = try #require(((result["locations"] as? [[String: Any]])?.first)?["physicalLocation"] as? [String: Any])
        #expect(location["region"] as? [String: Int] == ["startLine": 2])
        let properties = try #require(result["properties"] as? [String: Any])
        #expect(properties["record"] as? Int == 2 && properties["postId"] as? String == "c-2001")
        #expect(properties["line"] as? Int == 2 && properties["column"] as? Int == 26)
    }

    /// Applies a SARIF document's fixes to their files as a consumer would: each
    /// distinct replacement once, at its line and column (Unicode code points,
    /// after any byte-order mark). Prints how many fixes each file had.
    static let applyFixes = """
        import json, sys
        run = json.load(sys.stdin)["runs"][0]
        changes = {}
        for result in run["results"]:
            for fix in result.get("fixes", []):
                for change in fix["artifactChanges"]:
                    for replacement in change["replacements"]:
                        changes.setdefault(change["artifactLocation"]["uri"], set()).add(json.dumps(replacement, sort_keys=True))
        for uri, replacements in sorted(changes.items()):
            raw = open(uri, "rb").read()
            bom = raw.startswith(b"\\xef\\xbb\\xbf")
            lines = raw.decode("utf-8-sig").split("\\n")
            for replacement in map(json.loads, replacements):
                region = replacement["deletedRegion"]
                assert (region["startLine"], region["startColumn"]) == (region["endLine"], region["endColumn"]), region
                line, column = region["startLine"] - 1, region["startColumn"] - 1
                text = "\\n".join(lines)
                offset = sum(len(l) + 1 for l in lines[:line]) + column
                lines = (text[:offset] + replacement["insertedContent"]["text"] + text[offset:]).split("\\n")
            open(uri, "wb").write((b"\\xef\\xbb\\xbf" if bom else b"") + "\\n".join(lines).encode("utf-8"))
            print(uri, len(replacements))
        """

    @Test func fixesAreTheOnesFixWouldWrite() throws {
        let markdown = "---\ntitle: Picks\n---\n# Picks\n\nI love the beach.\n\n- my sandals: [here](https://amzn.to/3xYzAbc)\n"
        let files = ["post.md": Data(markdown.utf8), "caption.txt": Data("\u{FEFF}Love it 💕\r\nGrab it https://amzn.to/3xKq9Lm\r\n".utf8),
                     "gift-guide.html": try Data(contentsOf: CLI.root.appendingPathComponent("Samples/en/gift-guide.html")),
                     "export.jsonl": Data(#"{"id": "1", "text": "Shop it https://amzn.to/3xYzAbc"}"#.utf8)]
        let sarif = try CLI.temporaryFile("scratch", Data()).deletingLastPathComponent(), fixed = try CLI.temporaryFile("scratch", Data()).deletingLastPathComponent()
        for (name, contents) in files {
            try contents.write(to: sarif.appendingPathComponent(name))
            try contents.write(to: fixed.appendingPathComponent(name))
        }
        let options = ["--jurisdiction", "us", "--jurisdiction", "uk"]
        let result = try CLI.run(["audit", "--format", "sarif"] + options + files.keys.sorted(), in: sarif)
        #expect(result.code == 1)
        let validation = try python([CLI.root.appendingPathComponent("Tests/Support/validate_sarif.py").path, sarifSchema], stdin: Data(result.stdout.utf8))
        #expect(validation.stdout == "valid\n", "\(validation.stdout)\(validation.stderr)")
        let (_, results, _) = try sarifParts(result.stdout)
        // The disclosure findings carry the fix; the search-engine note and the batch record do not.
        for result in results {
            let uri = (((result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["artifactLocation"] as? [String: Any])?["uri"] as? String
            let expectsFix = result["ruleId"] as? String != "html.link-rel" && uri != "export.jsonl"
            #expect((result["fixes"] != nil) == expectsFix, "\(result)")
        }
        let caption = try #require(results.first { (($0["fixes"] as? [[String: Any]])?.first?["artifactChanges"] as? [[String: Any]])?.first.map { ($0["artifactLocation"] as? [String: Any])?["uri"] as? String == "caption.txt" } == true })
        let fix = try #require((caption["fixes"] as? [[String: Any]])?.first)
        #expect((fix["description"] as? [String: Any])?["text"] as? String == "Add “#ad · This post contains affiliate links”")
        let replacement = try #require(((fix["artifactChanges"] as? [[String: Any]])?.first?["replacements"] as? [[String: Any]])?.first)
        #expect(replacement["deletedRegion"] as? [String: Int] == ["startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1])
        #expect((replacement["insertedContent"] as? [String: Any])?["text"] as? String == "#ad · This post contains affiliate links\r\n")

        // Applied by a consumer, the fixes give exactly the files `--fix --write` writes.
        let applied = try python(["-c", Self.applyFixes], stdin: Data(result.stdout.utf8), in: sarif)
        #expect(applied.stdout == "caption.txt 1\ngift-guide.html 1\npost.md 1\n", "\(applied.stderr)")
        #expect(try CLI.run(["audit", "--fix", "--write"] + options + files.keys.sorted(), in: fixed).code == 1)
        for name in files.keys {
            #expect(try Data(contentsOf: sarif.appendingPathComponent(name)) == Data(contentsOf: fixed.appendingPathComponent(name)), "\(name)")
        }
        #expect(try Data(contentsOf: fixed.appendingPathComponent("post.md")) != files["post.md"])
    }

    @Test func stdinHasALocationToo() throws {
        let result = try CLI.run(["audit", "--format", "sarif", "--jurisdiction", "us", "-"], stdin: "Love it\nGrab it https://amzn.to/3xKq9Lm")
        let validation = try python([CLI.root.appendingPathComponent("Tests/Support/validate_sarif.py").path, sarifSchema], stdin: Data(result.stdout.utf8))
        #expect(validation.stdout == "valid\n", "\(validation.stdout)\(validation.stderr)")
        let (_, results, _) = try sarifParts(result.stdout)
        let location = try #require(((results.first?["locations"] as? [[String: Any]])?.first)?["physicalLocation"] as? [String: Any])
        let artifact = try #require(location["artifactLocation"] as? [String: Any])
        #expect(artifact["uri"] as? String == "stdin")
        #expect(artifact["uriBaseId"] == nil)
        #expect((artifact["description"] as? [String: Any])?["text"] as? String == "standard input")
        #expect(location["region"] as? [String: Int] == ["startLine": 2, "startColumn": 9, "endLine": 2, "endColumn": 32])
        // Nothing to write a fix to.
        #expect(results.first?["fixes"] == nil)
    }

    @Test func partnerRulesAreDescribed() throws {
        let partners = try CLI.temporaryFile("partners.yml", Data("""
            partners:
              - name: Trail Co
                handles: ["@trailco"]
                relationship: ambassador
            """.utf8))
        let (rules, _, _) = try sarifParts(try CLI.run(["audit", "--format", "sarif", "--partners", partners.path, "-"], stdin: "hi").stdout)
        let ids = rules.compactMap { $0["id"] as? String }
        #expect(ids.contains("partner.trail-co.handle"))
        #expect(ids == ids.sorted())
    }
}

@Suite struct ReportFormatCSVTests {
    /// Parses CSV on stdin with Python's csv module; prints the rows as JSON.
    static let parse = """
        import csv, io, json, sys
        data = sys.stdin.buffer.read()
        assert data.startswith(b"\\xef\\xbb\\xbf"), "no byte-order mark"
        print(json.dumps(list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))))
        """

    static let header = ["path", "record", "id", "author", "platform", "jurisdiction", "category", "kind", "severity",
                         "rule", "message", "evidence", "suggestion", "line", "column"]

    private func rows(_ output: String) throws -> [[String]] {
        let parsed = try python(["-c", Self.parse], stdin: Data(output.utf8))
        #expect(parsed.code == 0, "\(parsed.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(parsed.stdout.utf8)) as? [[String]])
    }

    @Test func samplesGiveOneRowPerFinding() throws {
        let result = try CLI.run(["audit", "--format", "csv", "Samples"])
        #expect(result.code == 1)
        #expect(result.stdout.hasPrefix("\u{FEFF}path,record,id,author,platform,jurisdiction,category,kind,severity,rule,message,evidence,suggestion,line,column\r\n"))
        let rows = try rows(result.stdout)
        #expect(rows.first == Self.header)
        #expect(rows.count == 1 + 20)
        #expect(rows.contains([
            "Samples/en/amazon-finds.txt", "", "", "", "instagram", "us", "affiliate", "undisclosed", "error", "affiliate.amazon-tag",
            "Undisclosed affiliate relationship: Amazon Associates link with a tracking tag “https://www.amazon.com/dp/B0C8HQ2V7N?tag=maya.home-20” with no disclosure [US FTC]",
            "https://www.amazon.com/dp/B0C8HQ2V7N?tag=maya.home-20", "#ad · I earn a commission if you buy through the links in this post", "3", "45",
        ]))
        // A plain handle is left as it is: it cannot evaluate to anything.
        #expect(rows.contains { $0[2] == "c-2001" && $0[3] == "@runwithsam" && $0[1] == "2" })
    }

    @Test func untrustedTextRoundTripsAndCannotRunAsAFormula() throws {
        let record = #"{"id": "=HYPERLINK(\"http://evil.example\",\"x\")", "author": "+1, \"quoted\"\r\nsecond line", "text": "Love it, \"really\"\nGrab it https://amzn.to/3xKq9Lm"}"#
        let result = try CLI.run(["audit", "--format", "csv", "--input-format", "jsonl", "--jurisdiction", "us", "-"], stdin: record)
        #expect(result.code == 1)
        let rows = try rows(result.stdout)
        #expect(rows.count == 2)
        let row = rows[1]
        #expect(row[2] == #"'=HYPERLINK("http://evil.example","x")"#)
        #expect(row[3] == "'+1, \"quoted\"\r\nsecond line")
        #expect(row[11] == "https://amzn.to/3xKq9Lm")
        #expect(result.stdout.contains(#","'=HYPERLINK(""http://evil.example"",""x"")","#))
    }

    @Test func onlyPlainHandlesStartWithAnUnquotedAt() throws {
        let authors = ["@maya.home_2", "@", "@SUM(1+1)*cmd|' /C calc'!A0", "@maya home", "@maya-home", "@mayá",
                       "＝1+1", "＠x", "-2+3", "\t=1", "plain @maya"]
        let records = authors.enumerated().map { index, author in
            String(decoding: try! JSONSerialization.data(withJSONObject: ["id": "p\(index)", "author": author, "text": "Grab it https://amzn.to/3xKq9Lm"]), as: UTF8.self)
        }
        let result = try CLI.run(["audit", "--format", "csv", "--input-format", "jsonl", "--jurisdiction", "us", "-"], stdin: records.joined(separator: "\n"))
        #expect(result.code == 1)
        let rows = try rows(result.stdout)
        #expect(rows.dropFirst().map { $0[3] } == ["@maya.home_2", "'@", "'@SUM(1+1)*cmd|' /C calc'!A0", "'@maya home", "'@maya-home", "'@mayá",
                                                   "'＝1+1", "'＠x", "'-2+3", "'\t=1", "plain @maya"])
    }

    @Test func noFindingsStillWritesTheHeader() throws {
        let result = try CLI.run(["audit", "--format", "csv", "-"], stdin: "Sunset swim with friends.")
        #expect(result.stdout == "\u{FEFF}" + Self.header.joined(separator: ",") + "\r\n")
    }
}

@Suite struct ReportFormatGitHubTests {
    @Test func annotationsAreEscapedAsTheToolkitDoes() throws {
        let file = try CLI.temporaryFile("a,b:c%.jsonl", Data(#"{"id": "p:1,\n50%", "text": "Grab it https://amzn.to/3xKq9Lm"}"#.utf8))
        let result = try CLI.run(["audit", "--format", "github", "--jurisdiction", "us", file.path])
        #expect(result.code == 1)
        let folder = file.deletingLastPathComponent().path
        #expect(result.stdout == "::error file=\(folder)/a%2Cb%3Ac%25.jsonl,line=1,title=affiliate.amazon-short-link (us)::"
            + "record 1 [p:1,%0A50%25], 1:9: Undisclosed affiliate relationship: Amazon Associates short link “https://amzn.to/3xKq9Lm” with no disclosure [US FTC]. "
            + "Fix: add “#ad · I earn a commission if you buy through the links in this post” at the start of the post.\n")
    }

    @Test func singleFilesGiveLineAndColumnAndNotesAreNotices() throws {
        let result = try CLI.run(["audit", "--format", "github", "Samples/en/gift-guide.html"])
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines.contains("::notice file=Samples/en/gift-guide.html,line=17,col=16,title=html.link-rel::"
            + "Affiliate link “https://amzn.to/3xYz9Qk” has no rel=\"sponsored\" (or nofollow), so search engines are not told it is paid. Fix: add rel=\"sponsored\" to the link."))
        #expect(lines.allSatisfy { $0.hasPrefix("::error file=Samples/en/gift-guide.html,line=17,col=16,title=affiliate.amazon-short-link (") || $0.hasPrefix("::notice ") })
    }
}

@Suite struct ReportFormatOutputFileTests {
    @Test(arguments: ["text", "json", "jsonl", "sarif", "csv", "github"])
    func theReportGoesToTheFileAndStdoutStaysEmpty(format: String) throws {
        let file = try CLI.temporaryFile("report.out", Data("old contents, longer than nothing".utf8))
        let written = try CLI.run(["audit", "--format", format, "--output", file.path, "Samples"])
        let plain = try CLI.run(["audit", "--format", format, "Samples"])
        #expect(written.code == 1)
        #expect(written.stdout == "")
        #expect(written.stderr == plain.stderr)
        #expect(written.stderr.hasSuffix("candor: audited 25 posts: 19 errors, 0 warnings, 1 note in 14 posts\n"))
        #expect(try Data(contentsOf: file) == Data(plain.stdout.utf8))
    }

    @Test func theReportIsNotAuditedWhenItIsInsideTheAuditedFolder() throws {
        let post = try CLI.temporaryFile("post.txt", Data("Grab it https://amzn.to/3xKq9Lm".utf8))
        let report = post.deletingLastPathComponent().appendingPathComponent("findings.csv")
        try Data("id,text\r\n1,Grab it https://amzn.to/3xKq9Lm\r\n".utf8).write(to: report)  // an earlier run's leftovers
        let result = try CLI.run(["audit", "--format", "csv", "--jurisdiction", "us", "--output", report.path, post.deletingLastPathComponent().path])
        #expect(result.stderr == "candor: audited 1 post: 1 error, 0 warnings, 0 notes in 1 post\n")
        #expect(try String(decoding: Data(contentsOf: report), as: UTF8.self).split(separator: "\r\n").count == 2)
    }

    @Test func anAuditedFileIsNeverTheReport() throws {
        let post = try CLI.temporaryFile("post.txt", Data("Grab it https://amzn.to/3xKq9Lm\n".utf8))
        let link = post.deletingLastPathComponent().appendingPathComponent("link.txt")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: post)
        for output in [post.path, link.path] {
            let result = try CLI.run(["audit", "--format", "csv", "--output", output, post.path])
            #expect(result.code == 2)
            #expect(result.stderr.hasPrefix("Error: --output '\(output)' is one of the files to audit; write the report elsewhere\n"))
            #expect(try Data(contentsOf: post) == Data("Grab it https://amzn.to/3xKq9Lm\n".utf8))
        }
    }

    @Test func anUnwritableFileIsAUsageError() throws {
        let result = try CLI.run(["audit", "--output", "/nonexistent/folder/report.sarif", "Samples/en/amazon-finds.txt"])
        #expect(result.code == 2)
        #expect(result.stderr.contains("--output: cannot write '/nonexistent/folder/report.sarif'"))
        #expect(result.stdout == "")
    }
}
