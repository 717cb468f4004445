import Crypto
import Foundation
import HubDrivers
import HubModel

/// A synthetic but well-formed population for the storage benchmarks: declarations each naming one
/// container, seal and plate, and device events naming those identifiers, built the way the
/// normalizer builds them (a raw record per event, its SHA-256 in the event).
struct BenchPopulation {
    let ids = EventIDGenerator()
    let at = Date()

    /// Declaration `i`'s container: owner code BNCU, serial `i`, a valid ISO 6346 check digit.
    func container(_ i: Int) -> String {
        let serial = String(i % 1_000_000)
        let first10 = "BNCU" + String(repeating: "0", count: 6 - serial.count) + serial
        return first10 + String(ContainerNumber.checkDigit(Array(first10.utf8))!)
    }

    func seal(_ i: Int) -> String { "BS\(1_000_000 + i)" }

    func declaration(_ i: Int, number: String? = nil) -> Declaration {
        Declaration(
            number: number ?? "BD\(100_000_000 + i)", type: i % 3 == 0 ? .transit : .import, office: "02CI",
            trader: .init(tin: "03\(10_000_000 + i % 5000)"), containers: [container(i)], seals: [seal(i)],
            plates: ["51C\(10_000 + i % 90_000)"], channel: .green)
    }

    /// Event `n` about declaration `i`'s identifiers: a gate camera's container read (even `n`) or a
    /// seal's position (odd `n`), with its raw record.
    func event(_ n: Int, about i: Int) -> (InspectionEvent, RawRecord) {
        let ocr = n % 2 == 0
        let text = ocr
            ? "OCR,1,\(Timestamp.format(at)),CONTAINER,\(container(i)),97,rear\r\n"
            : "##S,eSeal,\(seal(i)),\(n),POS,20261125060000,10.\(n % 1000),106.\(i % 1000),87,E##\r\n"
        let bytes = Array(text.utf8)
        let device = ocr ? DeviceRef(id: "ocr-lane1", profile: "gate-ocr-camera", family: OCRFamily.family.name)
            : DeviceRef(id: "seals", profile: "ascii-eseal", family: ESealFamily.family.name)
        let record = RawRecord(
            sha256: Hex.encode(SHA256.hash(data: bytes)), format: ocr ? "ocr-lines" : "eseal-lines", deviceID: device.id,
            firstReceivedAt: at, receivedAt: at, frameCount: 1, bytes: bytes)
        let payload: EventPayload = ocr ? containerRead(container(i)).payload
            : GPSFixPayload(lat: 10 + Double(n % 1000) / 1000, lon: 106 + Double(i % 1000) / 1000, source: "eseal", speedKmh: 42).payload
        let event = InspectionEvent(
            id: ids.next(at: at), kind: ocr ? EventKind.ocrRead : EventKind.gpsFix, device: device, site: "bench", lane: ocr ? "1" : nil,
            observedAt: at, receivedAt: at,
            subject: ocr ? Subject(containers: [container(i)]) : Subject(seals: [seal(i)]), payload: payload, severity: .info,
            raw: record.ref)
        return (event, record)
    }

    /// A rear camera's valid container read, as the OCR driver reports it.
    func containerRead(_ number: String) -> OCRReadPayload {
        var read = OCRReadPayload(read: .container, text: number, confidence: 97, cameraLane: "1", position: "rear")
        read.containerValid = true
        read.container = number
        return read
    }

    /// Events `range` as one batch; event `n` is about declaration `n % declarations`.
    func batch(_ range: Range<Int>, declarations: Int) -> IngestBatch {
        var b = IngestBatch()
        for n in range {
            let (e, r) = event(n, about: n % declarations)
            b.events.append(e)
            b.records.append(r)
        }
        return b
    }
}
