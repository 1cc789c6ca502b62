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

    @Test func anHTMLPageGetsAParagraphBeforeTheBlockWithTheLink() throws {
        let folder = try CLI.temporaryFile("gift-guide.html", try Data(contentsOf: CLI.root.appendingPathComponent("Samples/en/gift-guide.html")))
            .deletingLastPathComponent()
        let result = try CLI.run(["audit", "--fix", "--jurisdiction", "us", "gift-guide.html"], in: folder)
        #expect(result.code == 1)
        // Indented like the paragraph it precedes; the page is ASCII, so the middle dot is a character reference.
        #expect(result.stdout == """
        --- a/gift-guide.html
        +++ b/gift-guide.html
        @@ -13,6 +13,7 @@
             <h1>10 gifts for coffee lovers</h1>
             <p>Shopping for the coffee snob in your life? These are the things I actually use every morning.</p>
             <h2>1. A burr grinder</h2>
        +    <p>#ad &#xB7; I earn a commission if you buy through the links in this post</p>
             <p>Fresh grounds make all the difference. My pick is the
               <a href="https://amzn.to/3xYz9Qk">Baratza Encore</a> &mdash; it&rsquo;s quiet and built to last.</p>
             <h2>2. A good mug</h2>

        """)
        let written = try CLI.run(["audit", "--fix", "--write", "--jurisdiction", "us", "gift-guide.html"], in: folder)
        #expect(written.code == 0)
        // What is left is the search-engine note, which needs markup, not a disclosure.
        #expect(written.stdout.hasPrefix("gift-guide.html:18:16: note: "))
        #expect(try CLI.run(["audit", "--jurisdiction", "us", "--fail-on", "warning", "gift-guide.html"], in: folder).code == 0)
    }

    @Test func htmlPlacesRespectListsBodyTagsAndEncodings() throws {
        let link = #"<a href="https://amzn.to/3xYz9Qk">here</a>"#
        func fixed(_ page: String) throws -> CLI.Result {
            let file = try CLI.temporaryFile("page.html", Data(page.utf8))
            let result = try CLI.run(["audit", "--fix", "--write", "--jurisdiction", "us", file.path])
            return CLI.Result(code: result.code, stdout: String(decoding: try Data(contentsOf: file), as: UTF8.self), stderr: result.stderr)
        }
        // Never inside the list: before it, on a line of its own when the tag shares its line.
        let minified = try fixed("<!doctype html><html><body><p>Intro.</p><ul><li><p>Mug \(link)</p></li></ul></body></html>")
        #expect(minified.code == 0)
        #expect(minified.stdout == "<!doctype html><html><body><p>Intro.</p><p>#ad &#xB7; I earn a commission if you buy through the links in this post</p>\n<ul><li><p>Mug \(link)</p></li></ul></body></html>")
        // No paragraph at all: right after <body>. A page already in UTF-8 gets UTF-8, with its CRLF and BOM kept.
        let bare = try fixed("\u{FEFF}<html><body>\r\n  <div>Café: \(link)</div>\r\n</body></html>\r\n")
        #expect(bare.code == 0)
        #expect(bare.stdout == "\u{FEFF}<html><body>\r\n<p>#ad · I earn a commission if you buy through the links in this post</p>\r\n  <div>Café: \(link)</div>\r\n</body></html>\r\n")
        // Hidden blocks and page chrome are not places for it.
        let chrome = try fixed("<body><nav><p>Menu</p></nav><div hidden><p>x</p></div><p>Grab it \(link)</p></body>")
        #expect(chrome.stdout == "<body><nav><p>Menu</p></nav><div hidden><p>x</p></div><p>#ad &#xB7; I earn a commission if you buy through the links in this post</p>\n<p>Grab it \(link)</p></body>")
        // A fragment with no block and no <body> is reported, not changed.
        let fragment = try fixed("Grab it \(link)\n")
        #expect(fragment.code == 1)
        #expect(fragment.stdout == "Grab it \(link)\n")
        #expect(fragment.stderr.contains("page.html: warning: not fixed: no paragraph, heading, list or <body> tag to put the disclosure before; add the disclosure by hand\n"))
    }
}
