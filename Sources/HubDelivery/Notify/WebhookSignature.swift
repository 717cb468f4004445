import Crypto
import Foundation

/// How a notification webhook proves it came from the hub: HMAC-SHA256, keyed with the webhook's
/// secret, over `<timestamp>.<body>` (so an old body cannot be replayed under a new time), sent as
/// `X-NIIHub-Signature: sha256=<hex>` beside `X-NIIHub-Timestamp: <unix seconds>`.
public enum WebhookSignature {
    public static let signatureHeader = "X-NIIHub-Signature"
    public static let timestampHeader = "X-NIIHub-Timestamp"

    /// `sha256=<64 hex digits>`.
    public static func sign(body: [UInt8], timestamp: String, secret: [UInt8]) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(timestamp.utf8) + [UInt8(ascii: ".")] + body, using: SymmetricKey(data: secret))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }
}
