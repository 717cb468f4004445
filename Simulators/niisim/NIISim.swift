import ArgumentParser

@main
struct NIISim: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "niisim",
        abstract: "Simulated inspection devices, for testers and the demo.",
        subcommands: [
            RPMSimulatorCommand.self, NMEASimulatorCommand.self, GT06SimulatorCommand.self, TeltonikaSimulatorCommand.self,
            ESealSimulatorCommand.self, N42SimulatorCommand.self, ScanSimulatorCommand.self, OCRSimulatorCommand.self, TraceSimulatorCommand.self,
            TCPFloodCommand.self, RunScenarioCommand.self, QueueCommand.self,
        ]
    )
}
