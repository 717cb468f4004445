import Foundation
import HubModel

/// Documents and identifiers people and systems send the hub.
enum ModelChecks {
    /// A declaration either parses, or fails naming at least one problem with a reason.
    @Sendable static func declaration(_ data: [UInt8]) {
        switch DeclarationDocument.parse(Data(data)) {
        case .success(let d):
            check(!d.number.isEmpty, "a declaration without a number was accepted")
        case .failure(let p):
            check(!p.problems.isEmpty && p.problems.allSatisfy { !$0.reason.isEmpty }, "a refusal without a reason")
        }
    }

    /// A valid container number re-parses to itself and carries its check digit; every repair
    /// candidate of any text is itself valid.
    @Sendable static func container(_ data: [UInt8]) {
        let text = String(decoding: data, as: UTF8.self)
        if case .success(let n) = ContainerNumber.parse(text) {
            check(n.value.utf8.count == 11, "valid number \(n.value) is not 11 characters")
            check(ContainerNumber(n.value) == n, "\(n.value) does not re-parse")
        }
        for c in ContainerNumber.candidates(for: text) {
            check(ContainerNumber(c.value) == c, "candidate \(c.value) is not valid")
        }
    }
}
