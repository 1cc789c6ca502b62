import ArgumentParser
import CandorCore
import Foundation

struct Baseline: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baseline",
        abstract: "Record the current findings so that `candor audit --baseline FILE` reports only new ones.",
        subcommands: [Create.self, Update.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract: "Write a baseline of the current findings (default file: .candor-baseline.json). Takes every option of `candor audit`.")
        @OptionGroup var audit: AuditArguments

        func run() throws {
            let path = audit.config.baseline ?? BaselineFile.defaultName
            if path != "-", FileManager.default.fileExists(atPath: path) {
                throw ValidationError("\(path) already exists; `candor baseline update` rewrites it")
            }
            let file = try record(audit, into: path)
            writeErr("candor: baseline: recorded \(file.findings.count) finding\(file.findings.count == 1 ? "" : "s") in \(path)\n")
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "update",
            abstract: "Rewrite a baseline with the current findings: fixed ones dropped, new ones added. Takes every option of `candor audit`.")
        @OptionGroup var audit: AuditArguments

        func run() throws {
            let path = audit.config.baseline ?? BaselineFile.defaultName
            let old = Set(try loading { try BaselineFile.load(path) }.findings.map(\.fingerprint))
            let new = Set(try record(audit, into: path).findings.map(\.fingerprint))
            writeErr("candor: baseline: \(path): \(new.intersection(old).count) kept, \(new.subtracting(old).count) added, \(old.subtracting(new).count) dropped\n")
        }
    }

    /// Audits as `candor audit` would (without a baseline) and writes what it reports.
    static func record(_ audit: AuditArguments, into path: String) throws -> BaselineFile {
        if audit.fix { throw ValidationError("--fix cannot be used with candor baseline") }
        var (request, rules) = try audit.prepare(baseline: false)
        // `-` writes to stdout, with documents named from the working directory.
        let folder = path == "-" ? FileManager.default.currentDirectoryPath : (ProjectPathsCLI.absolute(path) as NSString).deletingLastPathComponent
        let recorder = BaselineRecorder(directory: folder)
        request.findings.recorder = recorder
        // The findings go into the file, not to stdout; problems still go to stderr.
        let code = runAudit(request, rules: rules, stdout: { _ in }, stdoutBytes: { _ in }, stderr: writeErr)
        if code == CandorCore.ExitCode.failure { throw ExitCode(code) }
        let file = BaselineFile(ruleSetVersion: rules.version, findings: recorder.findings)
        if path == "-" {
            writeOut(String(decoding: file.encoded(), as: UTF8.self))
            return file
        }
        do { try file.encoded().write(to: URL(fileURLWithPath: path)) } catch {
            writeErr("candor: error: cannot write \(path): \(error.localizedDescription)\n")
            throw ExitCode(CandorCore.ExitCode.failure)
        }
        return file
    }
}

enum ProjectPathsCLI {
    static func absolute(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.path }
}
