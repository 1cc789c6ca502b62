import Foundation
import Testing

/// `candor audit --timing`: the report is unchanged, and stderr says which
/// rules' patterns ran how often, the same however many workers share the posts.
@Suite struct TimingTests {
    static let posts = "Tests/CandorCoreTests/Fixtures/labelled-posts.jsonl"

    /// rule → runs, from the timing table.
    static func runs(_ stderr: String) -> [String: Int] {
        let lines = stderr.split(separator: "\n").map(String.init)
        guard let header = lines.firstIndex(where: { $0.hasSuffix("  rule") }) else { return [:] }
        var runs: [String: Int] = [:]
        for line in lines[(header + 1)...] where !line.hasPrefix("(") {
            let columns = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: true)
            runs[String(columns[3]).trimmingCharacters(in: .whitespaces)] = Int(columns[1])
        }
        return runs
    }

    /// The number of pattern runs in all.
    static func total(_ stderr: String) -> Int? {
        guard let range = stderr.range(of: "candor: timing: ") else { return nil }
        return Int(stderr[range.upperBound...].prefix { $0.isNumber })
    }

    @Test func theSlowestRulesFollowTheSummary() throws {
        let post = "Grab it https://www.amazon.com/dp/B00TTD9BRC?tag=maya-20"
        let plain = try CLI.run(["audit", "--jurisdiction", "us", "--format", "json", "--jobs", "1", "-"], stdin: post)
        let timed = try CLI.run(["audit", "--jurisdiction", "us", "--format", "json", "--jobs", "1", "--timing", "-"], stdin: post)
        #expect(timed.code == 1)
        #expect(timed.stdout == plain.stdout)
        let lines = timed.stderr.split(separator: "\n").map(String.init)
        #expect(lines[0] == "candor: audited 1 post: 1 error, 0 warnings, 0 notes in 1 post")
        #expect(lines[1].hasPrefix("candor: timing: "))
        #expect(lines[1].hasSuffix(" ms, summed over one thread; the slowest rules:"))
        #expect(lines[2] == "        ms      runs    µs/run  rule")
        let runs = Self.runs(timed.stderr)
        // The link ends the post, so the search for bare URLs ran once.
        #expect(runs["(links: bare URLs)"] == 1)
        // The Amazon rule's host and query patterns each ran once on the link.
        #expect(runs["affiliate.amazon-tag"] == 2)
    }

    @Test func workersAddUpToWhatOneThreadRuns() throws {
        let one = try CLI.run(["audit", "--format", "jsonl", "--jobs", "1", "--timing", Self.posts])
        let three = try CLI.run(["audit", "--format", "jsonl", "--jobs", "3", "--timing", Self.posts])
        #expect(three.stdout == one.stdout)
        #expect(three.stderr.contains(" ms, summed over 3 threads; the slowest rules:\n"))
        #expect(Self.total(one.stderr) != nil)
        #expect(Self.total(three.stderr) == Self.total(one.stderr))
        let runsOne = Self.runs(one.stderr), runsThree = Self.runs(three.stderr)
        #expect(runsOne.count == 20)
        // Which twenty rules are slowest varies from run to run; their run counts do not.
        for (rule, count) in runsOne { if let other = runsThree[rule] { #expect(other == count, "\(rule)") } }
        #expect(Set(runsOne.keys).intersection(runsThree.keys).count >= 10)
    }

    @Test func withoutTheFlagNothingIsTimed() throws {
        let result = try CLI.run(["audit", "--format", "jsonl", Self.posts])
        #expect(!result.stderr.contains("timing"))
    }
}
