import Crypto
import Foundation
import _CryptoExtras
import HubModel

/// Random secrets and their hashes. Tokens are long random strings, so one SHA-256 is enough to
/// keep them unusable from a copy of the store; passwords are short and guessable, so they get a
/// salted PBKDF2 that makes each guess cost.
public enum Secrets {
    /// PBKDF2-HMAC-SHA256 rounds for new passwords (OWASP's 2023 advice is 600,000).
    public static let passwordRounds = 600_000

    static func randomBytes(_ n: Int) -> [UInt8] {
        var g = SystemRandomNumberGenerator()
        return (0..<n).map { _ in UInt8.random(in: 0...255, using: &g) }
    }

    /// A bearer secret: `nii_` and 32 random bytes, base64url.
    static func newToken() -> String { "nii_" + base64url(randomBytes(32)) }

    /// A password for a generated login: 24 letters and digits (about 143 bits). No `-` or `_`:
    /// a password that starts with `-` reads as an option to every command line it is pasted into.
    static func newPassword() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        var g = SystemRandomNumberGenerator()
        return String((0..<24).map { _ in alphabet.randomElement(using: &g)! })
    }

    /// A short public handle for a token (what lists show and revocation names).
    static func newHandle() -> String { Hex.encode(randomBytes(8)) }

    static func sha256(_ text: String) -> String { Hex.encode(SHA256.hash(data: Data(text.utf8))) }

    static func passwordHash(_ password: String, salt: [UInt8], rounds: Int) throws -> String {
        let key = try KDF.Insecure.PBKDF2.deriveKey(
            from: Data(password.utf8), salt: salt, using: .sha256, outputByteCount: 32, unsafeUncheckedRounds: rounds)
        return key.withUnsafeBytes { Hex.encode($0) }
    }

    /// Compares in time independent of where the first difference is.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }


    static func unhex(_ text: String) -> [UInt8]? { Hex.decode(Array(text.utf8)) }

    static func base64url(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
