import CandorCore
import Foundation
import Testing

@Suite struct ConfigTests {
    /// Loads a `.candor.yml` written into a scratch folder (with a `.git`, so nothing above counts).
    func load(_ yaml: String, files: [String: String] = [:]) throws -> (config: ProjectConfig?, errors: [String]) {
        let folder = try temporaryFolder(files.merging([".candor.yml": yaml, ".git/HEAD": ""]) { $1 })
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            return (try ProjectConfig.load(folder.appendingPathComponent(".candor.yml").path), [])
        } catch {
            return (nil, error.errors.map { $0.description.replacingOccurrences(of: folder.path + "/", with: "") })
        }
    }

    @Test func globsMatchSegmentsAndFolders() {
        #expect(Glob("*.md").matches("a.md"))
        #expect(!Glob("*.md").matches("posts/a.md"))
        #expect(Glob("**/*.md").matches("a.md"))
        #expect(Glob("**/*.md").matches("posts/2026/a.md"))
        #expect(Glob("posts/**/a.md").matches("posts/a.md"))
        #expect(Glob("posts/**").matches("posts/x/y.txt"))
        #expect(Glob("p?st.txt").matches("post.txt"))
        #expect(!Glob("p?st.txt").matches("p/st.txt"))
        #expect(Glob("drafts").matches(path: "drafts/old/a.md"))
        #expect(!Glob("drafts").matches(path: "posts/drafts.md"))
        #expect(Glob("affiliate.*").matches("affiliate.amazon-short-link"))
    }

    @Test func discoveryWalksUpToTheRepositoryRoot() throws {
        let folder = try temporaryFolder([".git/HEAD": "", ".candor.yml": "", ".candorignore": "", "content/posts/a.md": "hi"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let root = folder.path
        let found = ProjectDiscovery.discover(from: root + "/content/posts")
        #expect(found == ProjectDiscovery(config: root + "/.candor.yml", ignoreFile: root + "/.candorignore"))
        #expect(ProjectDiscovery.startFolder(for: [root + "/content/posts/a.md"]) == root + "/content/posts")
        #expect(ProjectDiscovery.startFolder(for: [root + "/content"]) == root + "/content")

        // The nearest config wins; the ignore file beside it, else at the root.
        try Data("platform: blog\n".utf8).write(to: folder.appendingPathComponent("content/.candor.yml"))
        #expect(ProjectDiscovery.discover(from: root + "/content/posts") == ProjectDiscovery(config: root + "/content/.candor.yml", ignoreFile: root + "/.candorignore"))

        // A config above the repository root is not the project's.
        let inner = folder.appendingPathComponent("vendor-repo")
        try FileManager.default.createDirectory(at: inner.appendingPathComponent(".git"), withIntermediateDirectories: true)
        #expect(ProjectDiscovery.discover(from: inner.path) == ProjectDiscovery())
    }

    @Test func everyKeyIsRead() throws {
        let yaml = """
        jurisdictions: [uk, us]
        platform: blog
        fail-on: warning
        rules: [extra]
        partners: partners.yml
        enable: [affiliate.amazon-short-link]
        disable: ["affiliate.*", html.link-rel]
        severity:
          label.en.thanks: note
        include: ["content/**"]
        exclude: [content/drafts]

        """
        let (config, errors) = try load(yaml, files: ["extra/x.txt": "", "partners.yml": ""])
        #expect(errors == [])
        let loaded = try #require(config)
        #expect(loaded.jurisdictions?.map(\.value) == ["uk", "us"])
        #expect(loaded.platform == .blog)
        #expect(loaded.failOn == .warning)
        #expect(loaded.rules?.map { URL(fileURLWithPath: $0).lastPathComponent } == ["extra"])
        #expect(loaded.partners?.first?.hasSuffix("/partners.yml") == true)
        #expect(loaded.include == ["content/**"])
        #expect(loaded.exclude == ["content/drafts"])
        let selection = loaded.selection
        #expect(selection.isEnabled("affiliate.amazon-short-link"))
        #expect(!selection.isEnabled("affiliate.awin"))
        #expect(!selection.isEnabled("html.link-rel"))
        #expect(selection.isEnabled("label.en.thanks"))
        #expect(selection.severity(for: "label.en.thanks") == .note)
        #expect(selection.severity(for: "label.en.ad") == nil)
        try loaded.check(against: shippedRules)
        let filter = try #require(loaded.pathFilter)
        #expect(filter.accepts(loaded.directory + "/content/a.md"))
        #expect(!filter.accepts(loaded.directory + "/content/drafts/b.md"))
        #expect(!filter.accepts(loaded.directory + "/other/c.md"))
    }

    @Test func unknownKeysAndBadValuesAreErrorsAtTheirPlace() throws {
        #expect(try load("platform: blog\ncolour: red\n").errors == [
            ".candor.yml:2:1: error: unknown key 'colour' in a config file (expected one of: jurisdictions, platform, rules, enable, disable, severity, partners, fail-on, include, exclude)",
        ])
        #expect(try load("fail-on: sometimes\nplatform: myspace\n").errors == [
            ".candor.yml:1:10: error: 'sometimes' is not a valid fail-on (expected one of: note, warning, error)",
            ".candor.yml:2:11: error: 'myspace' is not a valid platform (expected one of: instagram, tiktok, youtube, x, facebook, blog)",
        ])
        #expect(try load("severity:\n  label.en.thanks: loud\nrules: [missing]\n").errors == [
            ".candor.yml:2:20: error: 'severity' of 'label.en.thanks' must be one of: error, warning, note",
            ".candor.yml:3:9: error: 'rules': folder 'missing' does not exist",
        ])
        #expect(try load("jurisdictions: {us: 1}\n").errors == [".candor.yml:1:16: error: 'jurisdictions' must be a string or a list of strings"])
        #expect(try load("# nothing yet\n").errors == [])
    }

    @Test func unknownRulesAndJurisdictionsAreErrorsOnceRulesLoad() throws {
        let config = try #require(try load("jurisdictions: [us, zz]\ndisable: [affiliate.amazon-short-lnk, \"gift.*\"]\n").config)
        do {
            try config.check(against: shippedRules)
            Issue.record("expected errors")
        } catch {
            let messages = error.errors.map { "\($0.location.line):\($0.location.column): \($0.message)" }
            #expect(messages.count == 2)
            #expect(messages[0].hasPrefix("1:21: unknown jurisdiction 'zz' (known: br, de,"))
            #expect(messages[1] == "2:11: no rule 'affiliate.amazon-short-lnk' (see `candor rules list`)")
        }
    }

    @Test func aDisabledLabelNoLongerDiscloses() {
        let post = "#ad Grab it https://amzn.to/3xKq9Lm"
        #expect(audit(post, jurisdictions: ["us"]).findings.isEmpty)
        let without = shippedRules.keeping { $0 != "label.en.ad" }
        #expect(without.version == shippedRules.version)
        #expect(audit(post, jurisdictions: ["us"], rules: without).findings.map(\.ruleId) == ["affiliate.amazon-short-link"])
        let noSignal = shippedRules.keeping { $0 != "affiliate.amazon-short-link" }
        #expect(audit("Grab it https://amzn.to/3xKq9Lm", jurisdictions: ["us"], rules: noSignal).findings.isEmpty)
    }

    @Test func theRuleSetVersionFollowsTheFilesContents() throws {
        #expect(shippedRules.version.count == 16)
        let again = try RuleSet.load(directories: [shippedRulesDirectory])
        #expect(again.version == shippedRules.version)
        let folder = try temporaryFolder(["extra.yml": RuleLoaderTests.signal()])
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try RuleSet.load(directories: [shippedRulesDirectory, folder.path]).version != shippedRules.version)
    }

    @Test func suppressionCommentsAreParsed() {
        let document = """
        Intro
        <!-- candor-disable-next-line affiliate.amazon-short-link, label.en.thanks: our own shop -->
        line three
        <!-- candor-disable: old post -->
        five
        <!--candor-enable-->
        <!-- candor-disable-next-line -->
        <!-- not ours -->
        <!-- candor-disable label.en.ad: to the end -->
        """
        let found = Suppression.scan(Array(document.utf8))
        #expect(found.count == 4)
        #expect(found[0].rules == ["affiliate.amazon-short-link", "label.en.thanks"])
        #expect(found[0].reason == "our own shop" && found[0].scope == .line(3) && found[0].line == 2 && found[0].column == 1)
        let blockStart = Array(document.utf8).firstRange(of: Array("five".utf8))!.lowerBound
        #expect(found[1].rules == [] && found[1].reason == "old post")
        if case let .block(range) = found[1].scope {
            #expect(range.contains(blockStart))
            #expect(!range.contains(document.utf8.count - 1))
        } else { Issue.record("expected a block") }
        #expect(found[2].rules == [] && found[2].reason == nil && found[2].scope == .line(8) && found[2].line == 7)
        #expect(found[3].rules == ["label.en.ad"])
        if case let .block(range) = found[3].scope { #expect(range.upperBound == document.utf8.count) }
    }

    @Test func ignoreFilesListFingerprints() throws {
        let folder = try temporaryFolder([
            "good": "# accepted\n0123456789abcdef  # the brand's own shop\n\nFEDCBA9876543210\n",
            "bad": "0123456789abcdef\n  not-a-fingerprint # why\n",
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = try IgnoreFile.load(folder.appendingPathComponent("good").path)
        #expect(good.entries == ["0123456789abcdef": 2, "fedcba9876543210": 4])
        #expect(throws: RuleLoadError.self) { try IgnoreFile.load(folder.appendingPathComponent("bad").path) }
        do { _ = try IgnoreFile.load(folder.appendingPathComponent("bad").path) } catch {
            #expect(error.errors.map(\.description) == ["\(folder.path)/bad:2:3: error: 'not-a-fingerprint' is not a finding fingerprint (16 hex digits, then an optional # reason)"])
        }
    }
}
