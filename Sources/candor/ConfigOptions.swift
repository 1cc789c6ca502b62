import ArgumentParser
import CandorCore
import Foundation

/// `--config` and `--no-config`: which `.candor.yml`, if any, is read.
struct ConfigFileOptions: ParsableArguments {
    @Option(name: .customLong("config"), help: ArgumentHelp("Read settings from this file instead of the nearest .candor.yml.", valueName: "file"))
    var file: String?

    @Flag(name: .customLong("no-config"), help: "Ignore .candor.yml and .candorignore files.")
    var noConfig = false

    /// The files found walking up from the audited paths, `--config`'s in place of the nearest config.
    func discover(for paths: [String]) throws -> ProjectDiscovery {
        if noConfig && file != nil { throw ValidationError("--config and --no-config cannot be used together") }
        var found = noConfig ? ProjectDiscovery() : ProjectDiscovery.discover(from: ProjectDiscovery.startFolder(for: paths))
        if let file { found.config = file }
        return found
    }

    /// The settings for commands that audit no path (`candor rules`): the config
    /// found from the working directory, or none.
    func settings() throws -> ProjectConfig {
        try loading { try discover(for: []).config.map(ProjectConfig.load) } ?? ProjectConfig(path: ".")
    }
}

/// `--config`, `--no-config`, `--ignore-file` and `--baseline`, and what they load.
struct ConfigOptions: ParsableArguments {
    @OptionGroup var configFile: ConfigFileOptions

    @Option(name: .customLong("ignore-file"), help: ArgumentHelp("Drop findings whose fingerprints this file lists (default: the nearest .candorignore).", valueName: "file"))
    var ignoreFile: String?

    @Option(help: ArgumentHelp("Report only findings not recorded in this baseline (see `candor baseline`).", valueName: "file"))
    var baseline: String?

    /// The config file and ignore file for the audited paths, loaded.
    func project(for paths: [String]) throws -> (config: ProjectConfig?, ignore: IgnoreFile?) {
        let found = try configFile.discover(for: paths)
        return try loading {
            (try found.config.map(ProjectConfig.load), try (ignoreFile ?? found.ignoreFile).map(IgnoreFile.load))
        }
    }

    func loadBaseline() throws -> BaselineFile? {
        try baseline.map { path in try loading { try BaselineFile.load(path) } }
    }
}

/// Prints file:line:col errors and exits with 2, like a rule file that does not load.
func loading<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as RuleLoadError {
        writeErr(error.description + "\n")
        throw ExitCode(CandorCore.ExitCode.failure)
    }
}
