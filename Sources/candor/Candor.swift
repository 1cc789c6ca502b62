import ArgumentParser
import CandorCore

@main
struct Candor: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Audit posts for undisclosed commercial relationships.", version: CandorVersion.current)
}
