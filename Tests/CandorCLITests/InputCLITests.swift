import Foundation
import Testing

@Suite struct InputCLITests {
    @Test func anUnreadableFileIsSkippedAndTheRestStillDecidesTheExitCode() throws {
        let binary = try CLI.temporaryFile("photo.txt", Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10]))
        let post = try CLI.temporaryFile("caption.txt", Data("Shop it https://amzn.to/3xYzAbc".utf8))
        let result = try CLI.run(["audit", binary.path, post.path])
        #expect(result.stderr.contains("photo.txt: warning: binary file, skipped"))
        #expect(result.code == 1)  // the caption was read and has a finding
    }

    @Test func markdownFindingsNameTheFilesOwnLineAndColumn() throws {
        let markdown = "---\ntitle: Summer picks\n---\n# Picks\n\n```\n#ad\n```\n\nMy sandals: [here](https://amzn.to/3xYzAbc).\n"
        let file = try CLI.temporaryFile("picks.md", Data(markdown.utf8))
        let result = try CLI.run(["audit", "--jurisdiction", "us", file.path])
        #expect(result.code == 1)
        #expect(result.stdout.hasPrefix("\(file.path):10:20: error: Undisclosed affiliate relationship"))
        #expect(result.stdout.contains(" 10 | My sandals: [here](https://amzn.to/3xYzAbc).\n    |                    ^~~~~~~~~~~~~~~~~~~~~~~\n"))
    }

    @Test func fieldRemapsABatchAndBadMappingsAreUsageErrors() throws {
        let batch = try CLI.temporaryFile("export.jsonl", Data(#"{"pid": "7", "Body": "Shop it https://amzn.to/3xYzAbc"}"#.utf8))
        let result = try CLI.run(["audit", "--format", "jsonl", "--field", "id=pid", "--field", "text=Body", batch.path])
        #expect(result.code == 1)
        #expect(result.stdout.contains(#""record":1,"id":"7""#))
        let unmapped = try CLI.run(["audit", batch.path])
        #expect(unmapped.code == 2)  // no record could be read
        #expect(unmapped.stderr.contains("export.jsonl:1: warning: no text field (looked for 'text', 'caption', 'description'), skipped"))
        let bad = try CLI.run(["audit", "--field", "colour=Caption", batch.path])
        #expect(bad.code == 2)
        #expect(bad.stderr.contains("--field: unknown field 'colour'"))
        #expect(try CLI.run(["audit", "--max-post-size", "0", batch.path]).code == 2)
        #expect(try CLI.run(["audit", "--max-post-size", "8796093022208", batch.path]).code == 2)
    }

    /// Quiet records and records with findings are counted alike, their unknown
    /// markets named, whether one worker audits them or two.
    @Test func aBatchCountsEveryRecordAndNamesUnknownMarkets() throws {
        let lines = [
            #"{"id": "1", "text": "A long walk by the sea.", "market": "xx"}"#,
            #"{"id": "2", "text": "Shop it https://amzn.to/3xYzAbc", "market": "xx"}"#,
            #"{"id": "3", "text": "Coffee and clean sheets.", "market": "yy"}"#,
            #"{"id": "4", "text": "Coffee and rain.", "market": "us"}"#,
        ]
        let batch = try CLI.temporaryFile("markets.jsonl", Data(lines.joined(separator: "\n").utf8))
        for jobs in ["1", "2"] {
            let result = try CLI.run(["audit", "--format", "jsonl", "--jobs", jobs, batch.path])
            #expect(result.code == 1)
            #expect(result.stdout.split(separator: "\n").count == 4)
            #expect(result.stderr.contains("candor: warning: no rules for market 'xx' (2 posts); judged by their language instead"))
            #expect(result.stderr.contains("candor: warning: no rules for market 'yy' (1 post); judged by their language instead"))
            #expect(!result.stderr.contains("market 'us'"))
            #expect(result.stderr.contains("candor: audited 4 posts: 2 errors, 0 warnings, 0 notes in 1 post"))
        }
    }

    @Test func aLatin1PostIsShownInItsOwnCharacters() throws {
        let post = try CLI.temporaryFile("regalo.txt", Data(Array("Caf".utf8) + [0xE9] + Array(" gratis: regalo de @marca, ".utf8) + [0xBF] + Array("os gusta?".utf8)))
        let result = try CLI.run(["audit", "--jurisdiction", "es", post.path])
        #expect(result.stderr.contains("regalo.txt: warning: not UTF-8; read as Latin-1 (Windows-1252)"))
        #expect(result.stdout.contains(" 1 | Café gratis: regalo de @marca, ¿os gusta?\n"))
    }
}
