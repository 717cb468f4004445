import ArgumentParser

@main
struct NIISim: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "niisim",
        abstract: "Simulated inspection devices, for testers and the demo.",
        subcommands: [RPMSimulatorCommand.self, TCPFloodCommand.self]
    )
}
