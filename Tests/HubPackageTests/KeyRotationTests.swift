import Crypto
import Foundation
import HubAppTesting
import HubModel
import HubPackage
import HubTesting
import Testing

/// The verifier trusts the administration's CA, not its signing certificate: after the site makes a
/// new key and gets a new certificate (`niihub package keygen`, then the CA), packages signed with
/// the old key still verify, and a receiving hub still files them under the same partner.
struct KeyRotationTests {
    @Test func aPackageSignedBeforeTheKeyChangedStillVerifiesWithTheCAAlone() async throws {
        let partner = try await PartnerHub()
        let old = try partner.signer(commonName: "Bavet border hub (2026 key)")
        let before = try await partner.export(signer: old)
        let new = try partner.signer(commonName: "Bavet border hub (2027 key)")
        #expect(new.key.publicKey.rawRepresentation != old.key.publicKey.rawRepresentation)
        let after = try await partner.export(signer: new)

        for (bytes, cn) in [(before, "2026 key"), (after, "2027 key")] {
            let v = await PackageVerifier(trust: [partner.ca.certificate], now: Date()).verify(bytes)
            #expect(v.problems == [], "\(cn): \(v.problems)")
            #expect(v.signer?.contains(cn) == true)
            let received = await PartnerPackageCheck.check(
                bytes, partners: [TrustedPartner(name: "kh-customs", country: "KH", anchors: [partner.ca.certificate])], now: Date())
            #expect((try? received.get())?.payload.partner == "kh-customs", "\(cn)")
        }
        // What the rotation does not change: another CA's trust accepts neither.
        let other = try await TestCA("Another Root CA")
        #expect(await !PackageVerifier(trust: [other.certificate], now: Date()).verify(before).intact)
    }
}
