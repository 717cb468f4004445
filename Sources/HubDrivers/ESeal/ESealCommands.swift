import Foundation
import HubModel

/// Commands to ASCII e-seals and the seal's answers: this project's own extension of the report
/// protocol (`ESealMessage`), the same `##…,E##` framing and field rules, for seals that take
/// commands over their connection. No vendor document defines these lines; they are defined here.
///
/// Command, hub to seal:
///
///     ##C,eSeal,<id>,<cmd>,<WORD>,E##            WORD: UNLOCK, LOCK or POS
///
/// Answer, seal to hub:
///
///     ##R,eSeal,<id>,<cmd>,<RESULT>,<detail>,E##  RESULT: ACK (taken, will answer again), OK (done), ERR (refused)
///
/// - `cmd`: the hub's command id, 1–32 letters, digits, `-` or `_`; the answer echoes it.
/// - `detail`: free text without `,` or `#` (may be empty), e.g. why a command was refused.
/// Every line ends with CR LF. A seal that did `UNLOCK` or `LOCK` also sends its ordinary report
/// (`UNLOCK`, `LOCK`) afterwards, like any change of state.
public enum ESealCommands {
    /// The command word for `word`.
    public static func text(for word: SealCommandWord) -> String {
        switch word {
        case .unlock: "UNLOCK"
        case .lock: "LOCK"
        case .position: "POS"
        }
    }

    /// The command line to seal `id`; nil when `id` or `commandID` are not 1–32 id characters.
    public static func command(id: String, commandID: String, word: SealCommandWord) -> [UInt8]? {
        guard isID(id), isID(commandID) else { return nil }
        return Array("##C,eSeal,\(id),\(commandID),\(text(for: word)),E##\r\n".utf8)
    }

    /// The answer line a seal sends; `detail` loses any `,` or `#` it has.
    public static func answer(id: String, commandID: String, result: String, detail: String = "") -> [UInt8] {
        let clean = detail.filter { $0 != "," && $0 != "#" }
        return Array("##R,eSeal,\(id),\(commandID),\(result),\(clean),E##\r\n".utf8)
    }

    /// The commands in `text` a seal reads: `(id, cmd, WORD)` of each `##C,eSeal,…,E##` line.
    public static func commands(in text: String) -> [(id: String, commandID: String, word: String)] {
        text.components(separatedBy: "##C,eSeal,").dropFirst().compactMap { rest in
            let f = rest.split(separator: ",", maxSplits: 3, omittingEmptySubsequences: false)
            guard f.count == 4, f[3].hasPrefix("E##") else { return nil }
            return (String(f[0]), String(f[1]), String(f[2]))
        }
    }

    /// An answer frame (`##R,…,E##`); nil when `frame` is not a well-formed one.
    static func answer(_ frame: ArraySlice<UInt8>) -> (id: String, answer: UnitAnswer)? {
        guard frame.count >= 7 else { return nil }
        let inner = frame[(frame.startIndex + 2)..<(frame.endIndex - 2)]
        let f = inner.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
        guard f.count == 7, f[0].elementsEqual("R".utf8), f[1].elementsEqual("eSeal".utf8), f[6].elementsEqual("E".utf8),
            isID(String(decoding: f[2], as: UTF8.self)), isID(String(decoding: f[3], as: UTF8.self)), f[5].count <= 200
        else { return nil }
        let verdict: UnitAnswer.Verdict
        switch String(decoding: f[4], as: UTF8.self) {
        case "ACK": verdict = .acknowledged
        case "OK": verdict = .executed
        case "ERR": verdict = .failed
        default: return nil
        }
        let answer = UnitAnswer(
            tag: .commandID(String(decoding: f[3], as: UTF8.self)), text: String(decoding: f[5], as: UTF8.self), verdict: verdict)
        return (String(decoding: f[2], as: UTF8.self), answer)
    }

    static func isID(_ s: String) -> Bool {
        (1...32).contains(s.utf8.count)
            && s.utf8.allSatisfy { (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) || $0 == 45 || $0 == 95 }
    }
}
