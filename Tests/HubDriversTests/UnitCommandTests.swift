import Foundation
import HubDrivers
import HubModel
import Testing

/// Commands to e-seals and trackers and the units' answers, on each protocol's own bytes: the
/// encoders both sides use (hub and simulated unit), and the drivers reading the answers.
struct UnitCommandTests {
    static func hex(_ s: String) -> [UInt8] {
        stride(from: 0, to: s.count, by: 2).map { i in
            UInt8(s[s.index(s.startIndex, offsetBy: i)..<s.index(s.startIndex, offsetBy: i + 2)], radix: 16)!
        }
    }

    // GT06: protocol 0x80 out, string information 0x15 back, paired by the server flag.

    @Test func gt06ServerCommandBytes() {
        // 78 78, length 0x10, 0x80, command length 4 + 6, flag 1, "WHERE#", serial 1, CRC-16/X-25, 0D 0A.
        #expect(GT06Commands.serverCommand("WHERE#", flag: 1, serial: 1) == Self.hex("787810800a000000015748455245230001389f0d0a"))
        #expect(GT06Commands.text(for: .unlock) == "RELAY,0#" && GT06Commands.text(for: .position) == "WHERE#")
        let read = GT06Commands.readServerCommand(GT06Commands.serverCommand("RELAY,1#", flag: 0xA1B2C3D4, serial: 9))
        #expect(read?.flag == 0xA1B2C3D4 && read?.text == "RELAY,1#")
    }

    @Test func gt06StringInformationIsTheAnswerToItsFlag() throws {
        let frame = Self.hex("7878201518000000014c61743a4e32322e352c4c6f6e3a453131342e3000020009c38a0d0a")
        #expect(GT06Commands.stringInformation("Lat:N22.5,Lon:E114.0", flag: 1, serial: 9) == frame)
        let r = DriverRun(GT06Driver(), chunks: [GT06Encoder.login(imei: "868120012345678", serial: 1)![...], frame[...]])
        let a = try #require(r.answers.first)
        #expect(a == UnitAnswer(tag: .serverFlag(1), text: "Lat:N22.5,Lon:E114.0", verdict: .executed))
        #expect(r.replies.count == 1, "only the login is acked; an answer is not")
        #expect(r.counters.unknownCodes.isEmpty && r.counters.rejectedTotal == 0)
    }

    @Test func gt06FailureWordsAndTheLongUTF16Answer() throws {
        let fail = GT06Commands.stringInformation("RELAY=Fail!", flag: 7, serial: 2)
        // 0x21 in a long packet: flag, encoding 2 (UTF-16BE), text.
        let text = Array("DYD=Success!".utf16).flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        var long: [UInt8] = [0x79, 0x79, 0x00, UInt8(1 + 4 + 1 + text.count + 4), 0x21, 0, 0, 0, 8, 2] + text + [0, 3]
        let crc = CRC16.x25(long[2...])
        long += [UInt8(crc >> 8), UInt8(crc & 0xFF), 0x0D, 0x0A]
        let r = DriverRun(GT06Driver(), chunks: [GT06Encoder.login(imei: "868120012345678", serial: 1)![...], fail[...], long[...]])
        #expect(r.answers == [
            UnitAnswer(tag: .serverFlag(7), text: "RELAY=Fail!", verdict: .failed),
            UnitAnswer(tag: .serverFlag(8), text: "DYD=Success!", verdict: .executed),
        ])
    }

    // Teltonika codec 12: the wiki's own example packets, CRC-16/IBM included.

    static let getinfo = "000000000000000F0C010500000007676574696E666F0100004312"
    static let getinfoAnswer = "00000000000000900C010600000088494E493A323031392F372F323220373A3232205254433A323031392F372F323220373A3533205253543A32204552523A312053523A302042523A302043463A302046473A3020464C3A302054553A302F302055543A3020534D533A30204E4F4750533A303A3330204750533A31205341543A302052533A332052463A36352053463A31204D443A30010000C78F"

    @Test func teltonikaCodec12MatchesTheWikiExamples() throws {
        #expect(TeltonikaCommands.command("getinfo") == Self.hex(Self.getinfo))
        #expect(TeltonikaCommands.readCommand(Self.hex(Self.getinfo)) == "getinfo")
        let text = "INI:2019/7/22 7:22 RTC:2019/7/22 7:53 RST:2 ERR:1 SR:0 BR:0 CF:0 FG:0 FL:0 TU:0/0 UT:0 SMS:0 NOGPS:0:30 GPS:1 SAT:0 RS:3 RF:65 SF:1 MD:0"
        #expect(TeltonikaCommands.response(text) == Self.hex(Self.getinfoAnswer))
        let r = DriverRun(TeltonikaDriver(), chunks: [TeltonikaEncoder.handshake(imei: "356307042441013")[...], Self.hex(Self.getinfoAnswer)[...]])
        #expect(r.answers == [UnitAnswer(tag: .next, text: text, verdict: .executed)])
        #expect(r.replies == [[0x01]], "the response is not acknowledged like AVL data")
        #expect(TeltonikaCommands.text(for: .unlock) == "setdigout 1" && TeltonikaCommands.text(for: .position) == "getgps")
    }

    @Test func teltonikaCommandEchoedBackIsNotAnAnswerAndABadCRCIsCounted() {
        var broken = Self.hex(Self.getinfoAnswer)
        broken[20] ^= 0x01
        let r = DriverRun(TeltonikaDriver(), chunks: [Self.hex(Self.getinfo)[...], broken[...]])
        #expect(r.answers.isEmpty)
        #expect(r.counters.rejected["checksum"] == 1 && r.counters.unknownCodes["codec-12"] == 1)
    }

    // The ASCII e-seal's command line (the project's own, see `ESealCommands`).

    @Test func esealCommandAndAnswerLines() {
        #expect(ESealCommands.command(id: "SEAL42", commandID: "c17", word: .unlock) == Array("##C,eSeal,SEAL42,c17,UNLOCK,E##\r\n".utf8))
        #expect(ESealCommands.command(id: "SEAL 42", commandID: "c17", word: .lock) == nil)
        let parsed = ESealCommands.commands(in: "##A,eSeal,SEAL42,3,E##\r\n##C,eSeal,SEAL42,c17,POS,E##\r\n")
        #expect(parsed.map(\.commandID) == ["c17"] && parsed.map(\.word) == ["POS"])
        let lines = ESealCommands.answer(id: "SEAL42", commandID: "c17", result: "ACK")
            + ESealCommands.answer(id: "SEAL42", commandID: "c17", result: "OK", detail: "unlocked, at 12:00")
            + ESealCommands.answer(id: "SEAL42", commandID: "c18", result: "ERR", detail: "moving")
            + Array("##R,eSeal,SEAL42,c19,MAYBE,,E##\r\n".utf8)
        let r = DriverRun(ESealDriver(), bytes: lines, chunk: 5)
        #expect(r.answers == [
            UnitAnswer(tag: .commandID("c17"), text: "", verdict: .acknowledged),
            UnitAnswer(tag: .commandID("c17"), text: "unlocked at 12:00", verdict: .executed),
            UnitAnswer(tag: .commandID("c18"), text: "moving", verdict: .failed),
        ])
        #expect(r.replies.isEmpty && r.counters.rejected["malformed"] == 1)
    }
}
