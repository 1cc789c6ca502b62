import Foundation
import Testing

@Suite struct FixTests {
    let post = "---\ntitle: Summer picks\n---\n# Picks\n\nI love the beach.\n\n- one\n- my sandals: [here](https://amzn.to/3xYzAbc)\n\nMore text.\n"

    @Test func aDryRunPrintsADiffThatAppliesAndLeavesTheFileAlone() throws {
        let file = try CLI.temporaryFile("post.md", Data(post.utf8))
        let folder = file.deletingLastPathComponent()
        let result = try CLI.run(["audit", "--fix", "--jurisdiction", "uk", "--jurisdiction", "us", "post.md"], in: folder)
        #expect(result.code == 1)
        // The disclosure goes before the list holding the link, never inside it or the front matter.
        #expect(result.stdout == """
        --- a/post.md
        +++ b/post.md
        @@ -5,6 +5,8 @@
         
         I love the beach.
         
        +#ad · This post contains affiliate links
        +
         - one
         - my sandals: [here](https://amzn.to/3xYzAbc)
         

        """)
        #expect(try String(contentsOf: file, encoding: .utf8) == post)
        let patch = Process()
        patch.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        patch.arguments = ["git", "apply", "-"]
        patch.currentDirectoryURL = folder
        let input = Pipe()
        patch.standardInput = input
        try patch.run()
        input.fileHandleForWriting.write(Data(result.stdout.utf8))
        try input.fileHandleForWriting.close()
        patch.waitUntilExit()
        #expect(patch.terminationStatus == 0)
        #expect(try CLI.run(["audit", "--jurisdiction", "uk", "--jurisdiction", "us", file.path]).code == 0)
    }

    @Test func writeFixesTheFileAndReauditsIt() throws {
        let file = try CLI.temporaryFile("post.md", Data(post.utf8))
        let result = try CLI.run(["audit", "--fix", "--write", "--jurisdiction", "us", file.path])
        #expect(result.code == 0)
        #expect(result.stderr.contains("post.md: added “#ad · I earn a commission if you buy through the links in this post”"))
        let fixed = try String(contentsOf: file, encoding: .utf8)
        #expect(fixed.hasPrefix("---\ntitle: Summer picks\n---\n# Picks\n\nI love the beach.\n\n#ad · I earn a commission if you buy through the links in this post\n\n- one\n"))
    }

    @Test func aCaptionFromStdinGetsTheDisclosureFirstInItsLanguage() throws {
        let result = try CLI.run(["audit", "--fix", "--write", "-"], stdin: "Me encanta esta crema. Con mi código VERANO10 tenéis un 10% en toda la web.")
        #expect(result.code == 0)
        #expect(result.stdout == "Publicidad · Gano una comisión con las compras hechas con mi código\nMe encanta esta crema. Con mi código VERANO10 tenéis un 10% en toda la web.")
    }

    @Test func batchesAreReportedNotFixedAndFlagsAreChecked() throws {
        let batch = try CLI.temporaryFile("export.jsonl", Data(#"{"id": "1", "text": "Shop it https://amzn.to/3xYzAbc"}"#.utf8))
        let result = try CLI.run(["audit", "--fix", batch.path])
        #expect(result.code == 1)
        #expect(result.stdout.contains("export.jsonl:1 [1] 1:9: error: Undisclosed affiliate relationship"))
        #expect(try CLI.run(["audit", "--write", batch.path]).code == 2)
        #expect(try CLI.run(["audit", "--fix", "--format", "json", batch.path]).code == 2)
    }
}
