import Foundation
import HubDelivery
import HubSimulation
import Testing

/// niisim's mail sink, its pure parts against the hub's own writer: the SMTP session takes a message
/// the way the hub's client sends it (in order, dot-stuffed), and what `MailMessage` renders reads
/// back as the subject, language and text it was given.
struct MailSinkPartsTests {
    /// Feeds lines, answering each reply's code (the first line's) and the messages taken.
    static func play(_ lines: [String]) -> (codes: [Int], mails: [(from: String, to: [String], lines: [String])], closed: Bool) {
        var session = SMTPSinkSession()
        var codes: [Int] = [], mails: [(from: String, to: [String], lines: [String])] = [], closed = false
        for l in lines {
            let out = session.feed(l)
            if let r = out.reply { codes.append(Int(r.prefix(3)) ?? -1) }
            if let m = out.mail { mails.append(m) }
            closed = closed || out.close
        }
        return (codes, mails, closed)
    }

    @Test func aMessageSentInOrderIsTakenWithItsEnvelopeAndItsDotsRestored() {
        let rendered = MailMessage.dotStuffed("Subject: x\r\n\r\n.hidden\r\nend\r\n").components(separatedBy: "\r\n").dropLast()
        let r = Self.play(["EHLO niihub", "MAIL FROM:<hub@gate.example>", "RCPT TO:<op@gate.example>", "RCPT TO:<chief@gate.example> NOTIFY=NEVER",
                           "DATA"] + rendered + ["QUIT"])
        #expect(r.codes == [250, 250, 250, 250, 354, 250, 221])
        #expect(r.mails.count == 1 && r.closed)
        #expect(r.mails.first?.from == "hub@gate.example" && r.mails.first?.to == ["op@gate.example", "chief@gate.example"])
        #expect(r.mails.first?.lines == ["Subject: x", "", ".hidden", "end"])
    }

    @Test func commandsOutOfOrderOrUnknownAreRefusedAndNothingIsTaken() {
        let r = Self.play(["RCPT TO:<op@gate.example>", "DATA", "MAIL FROM:hub", "STARTTLS", "AUTH PLAIN AAAA", "HELLO", "MAIL FROM:<hub@gate.example>",
                           "DATA", "RSET", "RCPT TO:<op@gate.example>"])
        #expect(r.codes == [503, 503, 501, 502, 502, 500, 250, 503, 250, 503])
        #expect(r.mails.isEmpty && !r.closed)
    }

    @Test func whatTheHubRendersReadsBackAsItsSubjectLanguageAndText() {
        let subject = "Chưa được xác nhận sau 1 phút: Báo động phát hiện vết: làn 1, cửa khẩu"
        let text = "Sự kiện: Báo động phát hiện vết (cảnh báo)\nChất phát hiện: TNT, kênh EXP-, biên độ 412 du\n"
        let plain = MailMessage(from: "hub@gate.example", to: ["op@gate.example"], subject: subject, text: text, language: "vi")
        let lines = plain.rendered(date: Date(timeIntervalSince1970: 1_800_000_000), messageID: "x@niihub", boundary: "B")
            .components(separatedBy: "\r\n").dropLast()
        #expect(MailContent(lines: Array(lines)) == MailContent.expected(subject: subject, language: "vi", text: text))

        // In a multipart (an HTML alternative and an attachment), the plain-text part; no language said.
        var mixed = plain
        mixed.language = nil
        mixed.html = "<p>x</p>"
        mixed.attachments = [MailAttachment(filename: "a.csv", contentType: "text/csv", bytes: Array("a,b\n".utf8))]
        let parts = mixed.rendered(date: Date(), messageID: "y@niihub", boundary: "B").components(separatedBy: "\r\n").dropLast()
        #expect(MailContent(lines: Array(parts)) == MailContent.expected(subject: subject, language: nil, text: text))
    }

    @Test func encodedWordsInBAndQAreDecodedAndTheSpaceBetweenTwoGoes() {
        #expect(MailContent.decodeWords("=?UTF-8?B?TMOgbg==?= =?utf-8?Q?_1=2C_c=E1=BB=ADa?= kh\u{1EA9}u") == "Làn 1, cửa khẩu")
        #expect(MailContent.decodeWords("Plain =?x-unknown?B?QQ==?= words") == "Plain =?x-unknown?B?QQ==?= words")
    }
}

extension MailContent {
    /// A content as the reader should find it.
    static func expected(subject: String, language: String?, text: String) -> MailContent {
        var c = MailContent(lines: [])
        c.subject = subject
        c.language = language
        c.text = text
        return c
    }
}
