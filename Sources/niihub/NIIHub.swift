import ArgumentParser

@main
struct NIIHub: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "niihub",
        abstract: "Reads non-intrusive inspection devices at a border gate and serves what they saw.",
        subcommands: [
            Serve.self, Decode.self, BenchDecode.self, BenchLink.self, BenchStore.self, BenchGrowth.self, BenchIngest.self, BenchRetention.self,
            BenchAttribution.self, ContainerNumberCommand.self, CheckConfig.self, DevicesCommand.self, UdevRulesCommand.self, ExportN42.self, Verify.self, PackageCommand.self,
        ]
    )
}
