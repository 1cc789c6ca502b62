import Foundation
import Testing

/// A scratch project: a folder with `.git` (so discovery stops there) holding the given files.
struct Project {
    let root: URL
    init(_ files: [String: String]) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("candor-project-\(UUID().uuidString)")
        for (name, contents) in files.merging([".git/HEAD": ""], uniquingKeysWith: { $1 }) { try write(name, contents) }
    }
    func path(_ name: String) -> String { root.appendingPathComponent(name).path }
    func write(_ name: String, _ contents: String) throws {
        let url = root.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: url)
    }
    func read(_ name: String) throws -> String { try String(contentsOf: root.appendingPathComponent(name), encoding: .utf8) }
    /// Output with the project's folder removed from paths.
    func clean(_ text: String) -> String { text.replacingOccurrences(of: root.path + "/", with: "") }
    func remove() { try? FileManager.default.removeItem(at: root) }
}

/// The `path:line:col: severity: … [rule]` lines of a text report, folder removed.
func findingLines(_ result: CLI.Result, _ project: Project) -> [String] {
    project.clean(result.stdout).split(separator: "\n").map(String.init).filter { $0.contains(": error: ") || $0.contains(": warning: ") || $0.contains(": note: ") }
        .map { line in
            let head = line.prefix { $0 != " " }
            let rule = line.split(separator: "[").last.map { "[" + $0 } ?? ""
            return head + " " + rule
        }
}

let amazonCaption = "Grab it https://amzn.to/3xKq9Lm\n"
let giveaway = "#giveaway time! Follow and tag a friend to enter\n"
let thanks = "Thanks @glowlabs for sending me this serum!\n"
/// An extra rule folder's signal, with examples.
let sunnyRule = """
    signals:
      - id: test.sunny
        category: paid
        severity: error
        message: test signal
        text: 'sunnybrand'
        examples:
          match: ['⟦sunnybrand⟧ rocks']
          no-match: ['nothing here']

    """

@Suite struct ConfigCLITests {
    @Test func theNearestConfigAppliesAndOptionsOverrideIt() throws {
        let project = try Project([".candor.yml": "jurisdictions: [uk]\nfail-on: warning\n", "posts/a.txt": amazonCaption, "posts/b.txt": giveaway])
        defer { project.remove() }
        let result = try CLI.run(["audit", project.path("posts")])
        #expect(findingLines(result, project) == ["posts/a.txt:1:9: [affiliate.amazon-short-link]", "posts/b.txt:1:1: [contest.en.giveaway]"])
        #expect(result.stdout.contains("[UK ASA/CMA]") && !result.stdout.contains("[US FTC]"))
        #expect(result.code == 1)
        // fail-on: warning makes the giveaway (a warning) fail on its own; --fail-on error does not.
        #expect(try CLI.run(["audit", project.path("posts/b.txt")]).code == 1)
        #expect(try CLI.run(["audit", "--fail-on", "error", project.path("posts/b.txt")]).code == 0)
        let us = try CLI.run(["audit", "--jurisdiction", "us", project.path("posts/a.txt")])
        #expect(us.stdout.contains("[US FTC]") && !us.stdout.contains("[UK ASA/CMA]"))
        // --no-config ignores it: an English post is then judged under both.
        let plain = try CLI.run(["audit", "--no-config", project.path("posts/a.txt")])
        #expect(plain.stdout.contains("[US FTC]") && plain.stdout.contains("[UK ASA/CMA]"))
        #expect(try CLI.run(["audit", "--no-config", project.path("posts/b.txt")]).code == 0)
        // --config names one explicitly.
        try project.write("other.yml", "jurisdictions: us\n")
        let named = try CLI.run(["audit", "--config", project.path("other.yml"), project.path("posts/a.txt")])
        #expect(named.stdout.contains("[US FTC]") && !named.stdout.contains("[UK ASA/CMA]"))
    }

    @Test func configErrorsExitTwoWithTheirPlace() throws {
        let project = try Project([".candor.yml": "jurisdictions: [us]\nplatfrom: blog\n", "a.txt": amazonCaption])
        defer { project.remove() }
        let result = try CLI.run(["audit", project.path("a.txt")])
        #expect(result.code == 2)
        #expect(project.clean(result.stderr) == ".candor.yml:2:1: error: unknown key 'platfrom' in a config file (expected one of: jurisdictions, platform, rules, enable, disable, severity, partners, fail-on, include, exclude)\n")
        try project.write(".candor.yml", "disable:\n  - affiliate.amazon-short-lnk\n")
        let unknown = try CLI.run(["audit", project.path("a.txt")])
        #expect(unknown.code == 2)
        #expect(project.clean(unknown.stderr) == ".candor.yml:2:5: error: no rule 'affiliate.amazon-short-lnk' (see `candor rules list`)\n")
    }

    @Test func disableEnableAndSeverityShapeFindings() throws {
        let project = try Project([".candor.yml": "jurisdictions: [us]\n", "a.txt": amazonCaption, "b.txt": thanks])
        defer { project.remove() }
        #expect(findingLines(try CLI.run(["audit", project.root.path]), project) == ["a.txt:1:9: [affiliate.amazon-short-link]", "b.txt:1:1: [label.en.thanks]"])
        try project.write(".candor.yml", "jurisdictions: [us]\ndisable: [\"affiliate.*\", \"label.*\"]\nenable: [label.en.thanks]\n")
        #expect(findingLines(try CLI.run(["audit", project.root.path]), project) == ["b.txt:1:1: [label.en.thanks]"])
        try project.write(".candor.yml", "jurisdictions: [us]\nseverity:\n  label.en.thanks: note\n  affiliate.amazon-short-link: warning\n")
        let softened = try CLI.run(["audit", project.root.path])
        #expect(softened.code == 0)
        #expect(softened.stderr.hasSuffix("0 errors, 1 warning, 1 note in 2 posts\n"))
    }

    @Test func disabledLabelsDoNotDisclose() throws {
        let project = try Project([".candor.yml": "jurisdictions: [us]\ndisable: [label.en.ad]\n", "a.txt": "#ad " + amazonCaption])
        defer { project.remove() }
        #expect(findingLines(try CLI.run(["audit", project.path("a.txt")]), project) == ["a.txt:1:13: [affiliate.amazon-short-link]"])
        #expect(try CLI.run(["audit", "--no-config", "--jurisdiction", "us", project.path("a.txt")]).code == 0)
    }

    @Test func platformRulesAndPartnersComeFromTheConfig() throws {
        // A label past Instagram's fold is hidden; on a blog there is no fold.
        let late = String(repeating: "A slow morning with coffee and a long walk by the river. ", count: 3) + "Use my code CALM20 #ad\n"
        let partners = "partners:\n  - name: Ridge\n    handles: ['@ridge']\n    relationship: gift\n"
        let project = try Project([".candor.yml": "jurisdictions: [us]\nplatform: blog\nrules: [extra]\npartners: brands/partners.yml\n",
                                   "late.txt": late, "extra/sunny.yml": sunnyRule, "brands/partners.yml": partners,
                                   "b.txt": "sunnybrand rocks and so does @ridge\n"])
        defer { project.remove() }
        #expect(try CLI.run(["audit", project.path("late.txt")]).code == 0)
        #expect(try CLI.run(["audit", "--platform", "instagram", project.path("late.txt")]).code == 1)
        #expect(findingLines(try CLI.run(["audit", project.path("b.txt")]), project) == ["b.txt:1:1: [test.sunny]", "b.txt:1:30: [partner.ridge.handle]"])
        // --rules and --partners replace the config's.
        try project.write("none.yml", "partners: []\n")
        #expect(findingLines(try CLI.run(["audit", "--partners", project.path("none.yml"), project.path("b.txt")]), project) == ["b.txt:1:1: [test.sunny]"])
    }

    @Test func includeAndExcludeFilterWalkedFiles() throws {
        let project = try Project([".candor.yml": "jurisdictions: [us]\ninclude: [\"content/**/*.txt\"]\nexclude: [content/drafts]\n",
                                   "content/a.txt": amazonCaption, "content/2026/b.txt": amazonCaption,
                                   "content/drafts/c.txt": amazonCaption, "content/d.md": "Grab it [here](https://amzn.to/3xKq9Lm)\n", "e.txt": amazonCaption])
        defer { project.remove() }
        let result = try CLI.run(["audit", project.root.path])
        #expect(findingLines(result, project).map { String($0.prefix { $0 != ":" }) } == ["content/2026/b.txt", "content/a.txt"])
        // A file named on the command line is always audited.
        #expect(try CLI.run(["audit", project.path("content/drafts/c.txt")]).code == 1)
    }

    @Test func suppressionCommentsDropFindingsAndAreChecked() throws {
        let markdown = """
        # Finds

        <!-- candor-disable-next-line affiliate.amazon-short-link: the brand's own shop -->
        Grab it [here](https://amzn.to/3xKq9Lm).

        #giveaway time! Follow and tag a friend to enter

        <!-- candor-disable-next-line label.en.thanks -->
        Nothing to see.

        """
        let project = try Project([".candor.yml": "jurisdictions: [us]\n", "post.md": markdown])
        defer { project.remove() }
        let result = try CLI.run(["audit", project.path("post.md")])
        #expect(findingLines(result, project) == ["post.md:6:1: [contest.en.giveaway]"])
        #expect(project.clean(result.stderr) == """
        post.md:8:1: warning: suppression for label.en.thanks gives no reason (add ': why' before '-->')
        post.md:8:1: warning: unused suppression for label.en.thanks
        candor: audited 1 post: 0 errors, 1 warning, 0 notes in 1 post; 1 suppressed; 1 unused suppression

        """)
        let json = try CLI.run(["audit", "--format", "json", project.path("post.md")])
        let summary = try #require((try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])?["summary"] as? [String: Any])
        #expect(summary["suppressed"] as? Int == 1 && summary["unusedSuppressions"] as? Int == 1 && summary["baselined"] as? Int == 0)
    }

    @Test func misspeltSuppressionsAndStrayEnablesAreReported() throws {
        let markdown = """
        <!-- candor-disable-nextline affiliate.amazon-short-link: our shop -->
        Grab it [here](https://amzn.to/3xKq9Lm).

        <!-- candor-enable label.en.thanks -->

        """
        let project = try Project([".candor.yml": "jurisdictions: [us]\n", "post.md": markdown])
        defer { project.remove() }
        let result = try CLI.run(["audit", project.path("post.md")])
        #expect(findingLines(result, project) == ["post.md:2:16: [affiliate.amazon-short-link]"])
        #expect(project.clean(result.stderr) == """
        post.md:1:1: warning: unknown suppression 'candor-disable-nextline' (expected candor-disable-next-line, candor-disable or candor-enable)
        post.md:4:1: warning: candor-enable closes no candor-disable for label.en.thanks
        candor: audited 1 post: 1 error, 0 warnings, 0 notes in 1 post; 2 unused suppressions

        """)
    }

    @Test func fixesKeepSuppressionsWorking() throws {
        // The disclosure goes above a candor-disable-next-line comment, never between it and its line,
        // and what the project silenced stays silent in the fixed post.
        let html = "<body>\n  <p>Intro.</p>\n  <!-- candor-disable-next-line html.link-rel: the shop's own tracking -->\n  <p>Grab it <a href=\"https://amzn.to/3xKq9Lm\">here</a></p>\n</body>\n"
        let markdown = "# Finds\n\n<!-- candor-disable-next-line html.link-rel: the shop's own tracking -->\nGrab it <a href=\"https://amzn.to/3xKq9Lm\">here</a>.\n"
        let project = try Project([".candor.yml": "jurisdictions: [us]\n", "post.html": html, "post.md": markdown])
        defer { project.remove() }
        let result = try CLI.run(["audit", "--fix", "--write", project.path("post.html"), project.path("post.md")])
        #expect(result.code == 0)
        #expect(result.stdout == "")
        #expect(project.clean(result.stderr) == """
        candor: post.html: added “#ad · I earn a commission if you buy through the links in this post”
        candor: post.md: added “#ad · I earn a commission if you buy through the links in this post”
        candor: audited 2 posts: 0 errors, 0 warnings, 0 notes in 0 posts; 2 suppressed

        """)
        #expect(try project.read("post.html") == "<body>\n  <p>Intro.</p>\n  <p>#ad &#xB7; I earn a commission if you buy through the links in this post</p>\n"
            + "  <!-- candor-disable-next-line html.link-rel: the shop's own tracking -->\n  <p>Grab it <a href=\"https://amzn.to/3xKq9Lm\">here</a></p>\n</body>\n")
        #expect(try project.read("post.md") == "# Finds\n\n#ad · I earn a commission if you buy through the links in this post\n\n"
            + "<!-- candor-disable-next-line html.link-rel: the shop's own tracking -->\nGrab it <a href=\"https://amzn.to/3xKq9Lm\">here</a>.\n")
        let again = try CLI.run(["audit", "--fail-on", "note", project.path("post.html"), project.path("post.md")])
        #expect(again.code == 0)
        #expect(again.stderr == "candor: audited 2 posts: 0 errors, 0 warnings, 0 notes in 0 posts; 2 suppressed\n")
    }

    @Test func blockSuppressionsInHTML() throws {
        let html = """
        <p>#giveaway time! Follow and tag a friend to enter</p>
        <!-- candor-disable all: archived post, relabelled in 2026 -->
        <p>Grab it <a href="https://amzn.to/3xKq9Lm">here</a></p>
        <!-- candor-enable -->
        <p>See you soon.</p>

        """
        let project = try Project([".candor.yml": "jurisdictions: [us]\n", "page.html": html])
        defer { project.remove() }
        let result = try CLI.run(["audit", project.path("page.html")])
        // The block held the affiliate finding and its unmarked-link note.
        #expect(findingLines(result, project) == ["page.html:1:4: [contest.en.giveaway]"])
        #expect(result.stderr.hasSuffix("0 errors, 1 warning, 0 notes in 1 post; 2 suppressed\n"))
        // In a caption the same comment is published text, not a suppression.
        try project.write("caption.txt", "<!-- candor-disable all: x -->\n" + amazonCaption)
        #expect(findingLines(try CLI.run(["audit", project.path("caption.txt")]), project) == ["caption.txt:2:9: [affiliate.amazon-short-link]"])
    }

    @Test func anIgnoreFileDropsFindingsByFingerprint() throws {
        let batch = "{\"id\": \"p1\", \"text\": \"Grab it https://amzn.to/3xKq9Lm\"}\n{\"id\": \"p2\", \"text\": \"Love it https://amzn.to/9zzZzzz\"}\n"
        let project = try Project([".candor.yml": "jurisdictions: [us]\n", "posts.jsonl": batch])
        defer { project.remove() }
        // The baseline file is where fingerprints can be read.
        #expect(try CLI.run(["baseline", "create", "--baseline", project.path("prints.json"), project.path("posts.jsonl")]).code == 0)
        let recorded = try #require((try JSONSerialization.jsonObject(with: Data(try project.read("prints.json").utf8)) as? [String: Any])?["findings"] as? [[String: Any]])
        let p1 = try #require(recorded.first { $0["document"] as? String == "posts.jsonl#p1" }?["fingerprint"] as? String)
        try project.write(".candorignore", "# accepted findings\n\(p1)  # the brand's own shop\nffffffffffffffff\n")
        let result = try CLI.run(["audit", project.path("posts.jsonl")])
        #expect(findingLines(result, project) == ["posts.jsonl:2 [affiliate.amazon-short-link]"])
        #expect(project.clean(result.stderr) == """
        .candorignore:3: warning: unused ignore entry ffffffffffffffff (no finding has this fingerprint)
        candor: audited 2 posts: 1 error, 0 warnings, 0 notes in 1 post; 1 suppressed

        """)
        // --ignore-file names another; --no-config skips the discovered one.
        try project.write("none", "")
        #expect(findingLines(try CLI.run(["audit", "--ignore-file", project.path("none"), project.path("posts.jsonl")]), project).count == 2)
        #expect(findingLines(try CLI.run(["audit", "--no-config", "--jurisdiction", "us", project.path("posts.jsonl")]), project).count == 2)
    }

    @Test func baselinesAcceptTodaysFindingsAndFailOnNewOnes() throws {
        let project = try Project([".candor.yml": "jurisdictions: [us]\n", "posts/a.txt": amazonCaption, "posts/b.md": giveaway])
        defer { project.remove() }
        let baseline = project.path(".candor-baseline.json")
        let create = try CLI.run(["baseline", "create", "--baseline", baseline, project.path("posts")])
        #expect(create.code == 0)
        #expect(create.stdout == "")
        #expect(project.clean(create.stderr).hasSuffix("candor: baseline: recorded 2 findings in .candor-baseline.json\n"))
        let file = try project.read(".candor-baseline.json")
        #expect(file.contains("\"document\" : \"posts/a.txt\""))
        #expect(file.contains("\"fingerprintVersion\" : 1"))
        #expect(file.contains("\"ruleSetVersion\" : \""))
        #expect(!file.contains("\"line\""))
        // Creating again would overwrite it.
        #expect(try CLI.run(["baseline", "create", "--baseline", baseline, project.path("posts")]).code == 2)

        let clean = try CLI.run(["audit", "--baseline", baseline, project.path("posts")])
        #expect(clean.code == 0)
        #expect(clean.stdout == "")
        #expect(clean.stderr == "candor: audited 2 posts: 0 errors, 0 warnings, 0 notes in 0 posts; 2 baselined\n")

        // Lines added above a finding: still the same finding.
        try project.write("posts/a.txt", "New intro.\n\nMore words.\n" + amazonCaption)
        #expect(try CLI.run(["audit", "--baseline", baseline, project.path("posts")]).code == 0)

        // A new finding fails, and only it is reported.
        try project.write("posts/c.txt", "Love it https://amzn.to/9zzZzzz\n")
        let new = try CLI.run(["audit", "--baseline", baseline, project.path("posts")])
        #expect(new.code == 1)
        #expect(findingLines(new, project) == ["posts/c.txt:1:9: [affiliate.amazon-short-link]"])
        #expect(new.stderr.hasSuffix("1 error, 0 warnings, 0 notes in 1 post; 2 baselined\n"))

        // update: the fixed one dropped, the new one added.
        try project.write("posts/b.md", "A quiet day.\n")
        let update = try CLI.run(["baseline", "update", "--baseline", baseline, project.path("posts")])
        #expect(update.code == 0)
        #expect(project.clean(update.stderr).hasSuffix("candor: baseline: .candor-baseline.json: 1 kept, 1 added, 1 dropped\n"))
        let updated = try CLI.run(["audit", "--baseline", baseline, project.path("posts")])
        #expect(updated.code == 0)
        #expect(updated.stderr.hasSuffix("; 2 baselined\n"))
    }

    @Test func aBaselineCanBePrinted() throws {
        let result = try CLI.run(["baseline", "create", "--no-config", "--jurisdiction", "us", "--baseline", "-", "Samples/en/amazon-finds.txt"])
        #expect(result.code == 0)
        #expect(result.stdout.contains("\"document\" : \"Samples/en/amazon-finds.txt\""))
        #expect(result.stdout.contains("\"ruleId\" : \"affiliate.amazon-tag\""))
    }

    @Test func aBaselineFromOtherRulesIsFlagged() throws {
        let project = try Project([".candor.yml": "jurisdictions: [us]\n", "a.txt": amazonCaption])
        defer { project.remove() }
        let baseline = project.path("base.json")
        #expect(try CLI.run(["baseline", "create", "--baseline", baseline, project.path("a.txt")]).code == 0)
        try project.write("base.json", try project.read("base.json").replacingOccurrences(of: "\"ruleSetVersion\" : \"", with: "\"ruleSetVersion\" : \"old"))
        let result = try CLI.run(["audit", "--baseline", baseline, project.path("a.txt")])
        #expect(result.code == 0)
        #expect(result.stderr.contains("base.json was made with other rules"))
        try project.write("broken.json", "{}")
        #expect(try CLI.run(["audit", "--baseline", project.path("broken.json"), project.path("a.txt")]).code == 2)
        #expect(try CLI.run(["baseline", "update", "--baseline", project.path("missing.json"), project.path("a.txt")]).code == 2)
        let fixing = try CLI.run(["baseline", "update", "--fix", "--write", "--baseline", baseline, project.path("a.txt")])
        #expect(fixing.code == 2)
        #expect(fixing.stderr.hasPrefix("Error: --fix cannot be used with candor baseline\n"))
        #expect(try project.read("a.txt") == amazonCaption)
    }

    @Test func baselineCommandsShowTheirOwnUsage() throws {
        for command in ["create", "update"] {
            let help = try CLI.run(["baseline", command, "--help"])
            #expect(help.code == 0)
            #expect(help.stdout.contains("\nUSAGE: candor baseline \(command) [<options>] [<path> ...]\n"), "\(help.stdout)")
            let wrong = try CLI.run(["baseline", command, "--bogus"])
            #expect(wrong.code == 2)
            #expect(wrong.stderr.hasSuffix("""
                Usage: candor baseline \(command) [<options>] [<path> ...]
                  See 'candor baseline \(command) --help' for more information.

                """), "\(wrong.stderr)")
        }
        #expect(try CLI.run(["audit", "--help"]).stdout.contains("\nUSAGE: candor audit [<options>] [<path> ...]\n"))
    }

    @Test func rulesListAndTestUseTheConfiguredRules() throws {
        // One example that fails: moonbrand is not sunnybrand.
        let rule = sunnyRule.replacingOccurrences(of: "match: ['⟦sunnybrand⟧ rocks']", with: "match: ['⟦sunnybrand⟧ rocks', '⟦moonbrand⟧ rocks']")
        let project = try Project([".candor.yml": "rules: [extra]\ndisable: [\"contest.*\"]\nseverity:\n  affiliate.amazon-tag: warning\n",
                                   "extra/sunny.yml": rule])
        defer { project.remove() }
        func row(_ listing: String, _ id: String) -> [String]? {
            listing.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }.first { $0.first == id }
        }
        let listed = try CLI.run(["rules", "list"], in: project.root)
        #expect(listed.code == 0)
        #expect(row(listed.stdout, "test.sunny").map { Array($0.prefix(5)) } == ["test.sunny", "signal", "text", "paid", "error"])
        #expect(row(listed.stdout, "test.sunny")?.last?.hasSuffix("/extra/sunny.yml:2:5") == true)
        #expect(row(listed.stdout, "affiliate.amazon-tag")?[4] == "warning")
        #expect(row(listed.stdout, "contest.en.giveaway") == nil)
        // --no-config lists the built-in rules as they ship; --config names another file.
        let plain = try CLI.run(["rules", "list", "--no-config"], in: project.root)
        #expect(row(plain.stdout, "test.sunny") == nil)
        #expect(row(plain.stdout, "contest.en.giveaway") != nil)
        #expect(row(plain.stdout, "affiliate.amazon-tag")?[4] == "error")
        try project.write("other.yml", "disable: [affiliate.amazon-tag]\n")
        let other = try CLI.run(["rules", "list", "--config", "other.yml"], in: project.root)
        #expect(row(other.stdout, "affiliate.amazon-tag") == nil && row(other.stdout, "contest.en.giveaway") != nil)

        // The configured rule's failing example fails `rules test`, as it would fail the audit.
        let tested = try CLI.run(["rules", "test"], in: project.root)
        #expect(tested.code == 1)
        #expect(project.clean(tested.stderr).hasPrefix("extra/sunny.yml:"))
        #expect(tested.stderr.contains("[test.sunny]\n"))
        #expect(try CLI.run(["rules", "test", "--no-config"], in: project.root).code == 0)

        try project.write(".candor.yml", "disable: [contest.nope]\n")
        let broken = try CLI.run(["rules", "list"], in: project.root)
        #expect(broken.code == 2)
        #expect(project.clean(broken.stderr) == ".candor.yml:1:11: error: no rule 'contest.nope' (see `candor rules list`)\n")
        #expect(try CLI.run(["rules", "test"], in: project.root).code == 2)
    }
}

@Suite struct WorkerOutputTests {
    /// Every sample caption, over and over: enough posts for several chunks.
    func batch() throws -> String {
        let samples = try String(contentsOfFile: "Samples/campaign-export.jsonl", encoding: .utf8).split(separator: "\n")
        return (0..<1500).map { samples[$0 % samples.count] }.joined(separator: "\n") + "\n"
    }

    @Test(arguments: ["jsonl", "json"])
    func reportsMadeOnTheWorkersMatchOneWorkerByteForByte(format: String) throws {
        // A disabled rule and a changed severity: the reports the policy changes
        // are made again after it, the others are kept as the workers made them.
        let project = try Project([".candor.yml": "disable: [discount-code.en.code]\nseverity:\n  declared-relationship: warning\n",
                                   "batch.jsonl": try batch()])
        defer { project.remove() }
        let one = try CLI.run(["audit", "--format", format, "--jobs", "1", "batch.jsonl"], in: project.root)
        let two = try CLI.run(["audit", "--format", format, "--jobs", "2", "batch.jsonl"], in: project.root)
        #expect(one.code == 1)
        #expect(two.code == one.code)
        #expect(two.stdout == one.stdout)
        #expect(two.stderr == one.stderr)
        #expect(!one.stdout.contains("discount-code.en.code"))
        #expect(one.stdout.contains(#"{"ruleId":"declared-relationship","category":"gift","kind":"undisclosed","severity":"warning""#))
        #expect(one.stdout.components(separatedBy: "\"record\":").count - 1 == 1500)
        // Quiet records reach the writer in runs, joined as the format wants.
        let reports = format == "json"
            ? (try JSONSerialization.jsonObject(with: Data(two.stdout.utf8)) as? [String: Any])?["posts"] as? [Any]
            : try two.stdout.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) }
        #expect(reports?.count == 1500)
    }
}
