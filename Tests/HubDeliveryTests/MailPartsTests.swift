import Foundation
import HubDelivery
import Testing

/// The pure parts of the mailer: SMTP replies read from bytes, the message as RFC 5322 text, the
/// webhook's signature.
struct MailPartsTests {
    @Test func repliesAreReadWholeAcrossChunksAndLines() throws {
        var parser = SMTPReplyParser()
        #expect(try parser.feed(Array("220 relay ready\r\n250-relay.example\r\n250-STARTTLS\r".utf8)) == [SMTPReply(code: 220, lines: ["relay ready"])])
        let ehlo = try parser.feed(Array("\n250 AUTH PLAIN LOGIN\r\n354\n".utf8))
        #expect(ehlo == [SMTPReply(code: 250, lines: ["relay.example", "STARTTLS", "AUTH PLAIN LOGIN"]), SMTPReply(code: 354, lines: [""])])
        #expect(ehlo[0].extensions == ["STARTTLS", "AUTH PLAIN LOGIN"])
    }

    @Test func aServerThatDoesNotSpeakSMTPIsRefused() {
        var mixed = SMTPReplyParser()
        #expect(throws: SMTPReplyParser.Malformed.self) { try mixed.feed(Array("250-a\r\n550 b\r\n".utf8)) }
        var http = SMTPReplyParser()
        #expect(throws: SMTPReplyParser.Malformed.self) { try http.feed(Array("HTTP/1.1 400 Bad Request\r\n".utf8)) }
        var endless = SMTPReplyParser()
        #expect(throws: SMTPReplyParser.Malformed.self) { try endless.feed([UInt8](repeating: 0x32, count: 5000)) }
    }

    @Test func aVietnameseSubjectIsEncodedInWordsOfWholeCharacters() throws {
        let subject = "Cảnh báo phóng xạ: làn 1, cửa khẩu Hữu Nghị — chưa được xác nhận sau 5 phút"
        let encoded = MailMessage.encodedWords(subject)
        let words = encoded.components(separatedBy: "\r\n ")
        #expect(words.count > 1 && words.allSatisfy { $0.hasPrefix("=?UTF-8?B?") && $0.hasSuffix("?=") && $0.count <= 75 })
        let decoded = words.map { w -> String in
            let b64 = String(w.dropFirst(10).dropLast(2))
            return String(decoding: Data(base64Encoded: b64)!, as: UTF8.self)
        }.joined()
        #expect(decoded == subject)
        #expect(MailMessage.encodedWords("Radiation alarm: lane 1") == "Radiation alarm: lane 1")
    }

    @Test func aMessageIsRFC5322WithItsPartsInBase64() throws {
        let m = MailMessage(
            from: "hub@gate.example", to: ["op@gate.example"], subject: "Báo cáo", text: "Xin chào\n.\n",
            html: "<p>Xin chào</p>", attachments: [MailAttachment(filename: "lane \"1\".csv", contentType: "text/csv", bytes: Array("a,b\n".utf8))])
        let text = m.rendered(date: Date(timeIntervalSince1970: 1_800_000_000), messageID: "x@niihub", boundary: "B")
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines.contains("Date: Fri, 15 Jan 2027 08:00:00 +0000") && lines.contains("Message-ID: <x@niihub>"))
        #expect(lines.contains("Content-Type: multipart/mixed; boundary=\"B\"") && lines.contains("--B--"))
        #expect(lines.contains("Content-Type: multipart/alternative; boundary=\"B-alt\""))
        #expect(lines.contains(Data("Xin chào\n.\n".utf8).base64EncodedString()))
        #expect(lines.contains("Content-Disposition: attachment; filename=\"lane _1_.csv\""))
        #expect(lines.allSatisfy { $0.utf8.count <= 78 } && !text.contains("\n\n"))
        // Said only when known: the language of a recipient's message.
        #expect(!lines.contains { $0.hasPrefix("Content-Language:") })
        var vietnamese = m
        vietnamese.language = "vi"
        let said = vietnamese.rendered(date: Date(timeIntervalSince1970: 1_800_000_000), messageID: "x@niihub", boundary: "B")
        #expect(said.components(separatedBy: "\r\n").contains("Content-Language: vi"))
        // In DATA, a line that starts with a dot gets another; the end is a lone dot.
        let data = MailMessage.dotStuffed("a\r\n.b\r\n")
        #expect(data == "a\r\n..b\r\n.\r\n")
    }

    @Test func theWebhookSignatureIsHMACSHA256OverTimeAndBody() {
        // HMAC-SHA256 keyed "key" over "1800000000.{}", as `openssl dgst -sha256 -hmac key` computes it.
        let sig = WebhookSignature.sign(body: Array("{}".utf8), timestamp: "1800000000", secret: Array("key".utf8))
        #expect(sig == "sha256=" + Self.opensslHMAC)
    }

    static let opensslHMAC = "7321475872b03ff21bdc2dfd86ea2d99ec29c479fbe4a77aa6acf4509505493f"
}
