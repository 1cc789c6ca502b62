import Foundation
import Testing

@Suite struct CSVCLITests {
    private func jsonLines(_ stdout: String) -> [[String: Any]] {
        stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    @Test func aCSVStreamsOneLinePerRowInInputOrderAndReportsTheBadRowByLine() throws {
        // Row 50 has a line break in its caption, so every later row starts one line further down.
        var rows = ["id,text,market"]
        for index in 1...120 {
            switch index {
            case 50: rows.append("p50,\"Grab it\nhttps://amzn.to/3xKq9Lm\",us")
            case 80: rows.append("p80,Grab it https://amzn.to/3xKq9Lm,us,extra")
            default: rows.append("p\(index),Grab it https://amzn.to/3xKq9Lm number \(index),us")
            }
        }
        let file = try CLI.temporaryFile("batch.csv", Data(rows.joined(separator: "\r\n").utf8))
        let result = try CLI.run(["audit", "--format", "jsonl", "--jobs", "2", file.path])
        #expect(result.code == 1)
        let reports = jsonLines(result.stdout)
        #expect(result.stdout.split(separator: "\n").count == 119)
        #expect(reports.compactMap { $0["id"] as? String } == (1...120).filter { $0 != 80 }.map { "p\($0)" })
        let lines = (1...120).filter { $0 != 80 }.map { $0 <= 50 ? $0 + 1 : $0 + 2 }
        #expect(reports.compactMap { $0["record"] as? Int } == lines)
        #expect(result.stderr == "candor: \(file.path):82: warning: row has 4 cells but the header has 3 columns, skipped\n"
            + "candor: audited 119 posts: 119 errors, 0 warnings, 0 notes in 119 posts; 1 input problem\n")
    }

    @Test func theSampleExportHasExactFindings() throws {
        let result = try CLI.run(["audit", "--format", "jsonl", "Samples/campaign-export.csv"])
        #expect(result.code == 1)
        let reports = jsonLines(result.stdout)
        #expect(reports.compactMap { $0["id"] as? String } == ["c-2001", "c-2002", "c-2003", "c-2004", "c-2005", "c-2006"])
        #expect(reports.compactMap { $0["record"] as? Int } == [2, 4, 5, 6, 7, 9])
        let rules = reports.map { (($0["findings"] as? [[String: Any]]) ?? []).compactMap { $0["ruleId"] as? String } }
        #expect(rules == [["affiliate.amazon-short-link"], [], ["declared-relationship"], [], ["declared-relationship"], []])
        #expect(result.stderr == "candor: audited 6 posts: 3 errors, 0 warnings, 0 notes in 3 posts\n")
    }

    @Test func standardInputReadsAsCSVWithARemappedColumn() throws {
        let result = try CLI.run(["audit", "--format", "jsonl", "--input-format", "csv", "--field", "text=Caption", "-"],
                                 stdin: "Post;Caption;market\n1;Grab it https://amzn.to/3xKq9Lm;us\n")
        #expect(result.code == 1)
        let reports = jsonLines(result.stdout)
        #expect(reports.compactMap { $0["record"] as? Int } == [2])
        #expect(reports.compactMap { $0["path"] as? String } == ["-"])
    }
}
