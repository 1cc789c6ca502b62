import ArgumentParser
import CandorCore
import Foundation

@main
struct Candor: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "candor",
        abstract: "Audit posts for undisclosed commercial relationships.",
        version: CandorVersion.current,
        subcommands: [Audit.self, Rules.self, Jurisdictions.self, Baseline.self, Hook.self],
        defaultSubcommand: Audit.self)

    /// Usage errors exit with 2 (not ArgumentParser's 64), like every other input error.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { writeOut(message + "\n") }
                Foundation.exit(0)
            }
            if !message.isEmpty { writeErr(message + "\n") }
            Foundation.exit(error is ArgumentParser.ExitCode ? code.rawValue : CandorCore.ExitCode.failure)
        }
    }
}

/// `--rules DIR`, shared by every command that loads rules.
struct RuleOptions: ParsableArguments {
    @Option(name: .customLong("rules"), help: ArgumentHelp("An extra rule folder, loaded after the built-in rules (repeatable).", valueName: "dir"))
    var extraDirectories: [String] = []

    /// The rules as a project uses them: its config's rule folders and partners files
    /// (unless the command line names some), checked against its rule ids, without
    /// the rules it disables.
    func load(for settings: ProjectConfig, partners: [String] = []) throws -> RuleSet {
        let ruleSet = try load(partners: partners.isEmpty ? settings.partners ?? [] : partners, configured: settings.rules)
        try loading { try settings.check(against: ruleSet) }
        return ruleSet.keeping(settings.selection.isEnabled)
    }

    /// `configured` (a config file's `rules`) supplies the folders when `--rules` names none.
    func load(partners: [String] = [], configured: [String]? = nil) throws -> RuleSet {
        guard let builtIn = RuleSet.defaultDirectory() else {
            writeErr("candor: error: cannot find the built-in rules; set CANDOR_RULES to the Rules folder\n")
            throw ExitCode(CandorCore.ExitCode.failure)
        }
        do {
            return try RuleSet.load(directories: [builtIn] + (extraDirectories.isEmpty ? configured ?? [] : extraDirectories), partners: partners)
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(CandorCore.ExitCode.failure)
        }
    }
}

func writeOut(_ text: String) { FileHandle.standardOutput.write(Data(text.utf8)) }
func writeErr(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }

/// Report text on its way to a file or a pipe, written 64 KB at a time rather
/// than a system call per post; a terminal gets each piece as it comes.
final class OutputBuffer {
    private let handle: FileHandle
    private let immediate: Bool
    private var pending: [UInt8] = []
    private static let size = 1 << 16

    init(_ handle: FileHandle) {
        self.handle = handle
        immediate = isatty(handle.fileDescriptor) != 0
        pending.reserveCapacity(OutputBuffer.size)
    }

    func write(_ text: String) {
        pending.append(contentsOf: text.utf8)
        if immediate || pending.count >= OutputBuffer.size { flush() }
    }

    func write(utf8 text: [UInt8]) {
        pending += text
        if immediate || pending.count >= OutputBuffer.size { flush() }
    }

    func flush() {
        guard !pending.isEmpty else { return }
        handle.write(Data(pending))
        pending.removeAll(keepingCapacity: true)
    }
}

extension Severity: ExpressibleByArgument {}
extension Platform: ExpressibleByArgument {}
extension OutputFormat: ExpressibleByArgument {}
extension InputFormat: ExpressibleByArgument {}
