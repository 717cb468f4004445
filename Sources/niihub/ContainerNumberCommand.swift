import ArgumentParser
import Foundation
import HubModel

struct ContainerNumberCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "container-number",
        abstract: "Check ISO 6346 container numbers; one JSON object per input.")

    @Option(name: .long, help: "Read numbers from this file, one per line.")
    var file: String?

    @Argument(help: "Container numbers as written (spaces, dashes and lower case are accepted).")
    var ids: [String] = []

    func run() throws {
        var inputs = ids
        if let file {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            inputs += text.split(separator: "\n", omittingEmptySubsequences: false).map {
                String($0.hasSuffix("\r") ? $0.dropLast() : $0)
            }
            if inputs.last == "" { inputs.removeLast() }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var out = Data()
        for input in inputs {
            out.append(try encoder.encode(Verdict(input)))
            out.append(10)
        }
        FileHandle.standardOutput.write(out)
    }
}

/// The contract's answer for one input: `input, valid, normalized, reason, candidates`.
struct Verdict: Encodable {
    var input: String
    var valid: Bool
    var normalized: String?
    var reason: String?
    var candidates: [String]

    init(_ input: String) {
        self.input = input
        switch ContainerNumber.parse(input) {
        case .success(let n):
            valid = true
            normalized = n.value
            candidates = []
        case .failure(let problem):
            valid = false
            reason = problem.rawValue
            candidates = ContainerNumber.candidates(for: input).map(\.value)
        }
    }
}
