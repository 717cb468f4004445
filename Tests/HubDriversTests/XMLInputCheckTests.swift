import Foundation
import HubDrivers
import HubModel
import HubTesting
import Testing

/// Documents that stopped the whole process inside FoundationXML (found by `scripts/fuzz.sh n42`):
/// a broken or multi-byte encoding declaration and a non-UTF-8 byte in an element name made its
/// libxml2 callback force-unwrap a name that is not UTF-8. They are now refused before parsing.
@Suite(.timeLimit(.minutes(3)))
struct XMLInputCheckTests {
    /// The fuzzer's input as it found it (its two chunking bytes dropped): a real N42 file with the
    /// `=` of its encoding declaration turned into 0xBA and a run of 0xFF inside an element name.
    static let fuzzerInput = Hex.decode(Array([
            "3c3f786d6c2076657273696f6e3d22312e302220656e636f64696e67ba227574662d38223f3e0a3c526164496e737472",
            "756d656e7444617461206e3432446f63555549443d2238323037323832332d353935392d343030312d613434372d3535",
            "363231373831363635302220786d6c6e733d22687474703a2f2f706879736963732e6e6973742e676f762f4e34322f32",
            "3031312f4e34322220786d6c6e733a496e746572537065633d2268747470733a2f2f6769746875622e636f6d2f73616e",
            "6469616c6162732f496e7465725370656322206e3432446f634461746554696d653d22323032362d30372d3135543035",
            "3a32353a32392e3831333136395a2220786d6c6e733a4448533d2268747470733a2f2f6769746875622e636f6d2f7361",
            "6e6469616c6162732f496e74657253706563223e0a093c526164496e737472756d656e744461746143726561746f724e",
            "616d653e496e746572537065633c2f526164496e737472756d656e744461746143726561746f724e616d653e0a093c52",
            "6164496e737472756d656e74496e666f726d6174696f6e2069643d22496e7374496e666f31223e0a09093c526164496e",
            "737472756d656e744d616e7566616374757265724e616d653e756e6e636f64696e673d227574662d38223f3e0a3c5261",
            "64496e737472756d656e744461ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7461206e3432446f635555",
            "49443d2238323037323832332d353935392d343030312d613434372d3535363231373831363635302220786d6c6e733d",
            "22687474703a2f2f706879736963732e6e6973742e676f762f4e34322f323031313e0a0909093c526164496e73747275",
            "6d656e74436f6d706f6e656e7456657273696f6e3e353c2f526164496e737472756d656e74436f6d706f6e656e745665",
            "7273696f6e3e0a09093c53657464496e737472756d656e7456657273696f6e3e0a09742f526164496e",
        ].joined().utf8))!

    /// The same fault, minimized by hand.
    static let minimized: [[UInt8]] = [
        Array(#"<?xml version="1.0" encoding"#.utf8) + [0xBA] + Array(#""utf-8"?>"#.utf8) + Array("\n<a><b".utf8) + [0xFF]
            + Array(">1</b".utf8) + [0xFF] + Array("></a>\n".utf8),
        Array(#"<?xml version="1.0" encoding="UTF-16"?>"#.utf8) + Array("\n<a><b".utf8) + [0xFF] + Array(">1</b".utf8) + [0xFF]
            + Array("></a>\n".utf8),
    ]

    /// The second N42 finding: a processing instruction without data (FoundationXML reads its NULL
    /// data as a C string), as the fuzzer found it and minimized.
    static let emptyProcessingInstructions: [[UInt8]] = [
        Hex.decode(Array("3c3f786d6c2076657273696f6e3d22312e30223f3e0a3c3f786d6c656f2d3f3e226d0a3c3f786d6c2d6d6f6561746f724e616d653e0a61746f724e616d653e0a40093c526143726561746f724e616164733a".utf8))!,
        Array("<a><?x?></a>".utf8),
        Array("<?xml version=\"1.0\"?><RadInstrumentData><?pi  ?></RadInstrumentData>".utf8),
    ]

    @Test func theCrashingDocumentsAreRejectedAndCounted() throws {
        for doc in [Self.fuzzerInput] + Self.minimized + Self.emptyProcessingInstructions {
            #expect(XMLInputCheck.problem(Data(doc)) != nil)
            let r = DriverRun(N42Driver(), doc, chunk: 64)
            #expect(r.readings.isEmpty)
            #expect(r.counters.rejectedTotal == 1, "\(r.counters.rejected)")
            #expect(r.archivedBytes == doc.count, "the hostile document is still archived whole")
        }
    }

    @Test func documentsInDeclaredSingleByteEncodingsStillRead() {
        let latin1 = Array(#"<?xml version="1.0" encoding="ISO-8859-1"?><a>caf"#.utf8) + [0xE9] + Array("</a>".utf8)
        #expect(XMLInputCheck.problem(Data(latin1)) == nil)
        #expect(XMLInputCheck.problem(Data(#"<?xml version='1.0' encoding='UTF-8' standalone='yes'?><a/>"#.utf8)) == nil)
        #expect(XMLInputCheck.problem(Data("<a>no declaration</a>".utf8)) == nil)
    }

    @Test func everyCorpusDocumentPassesTheCheck() throws {
        let files = try Corpus.files(in: "n42", extensions: ["n42", "N42", "xml"])
        #expect(!files.isEmpty)
        for f in files {
            #expect(XMLInputCheck.problem(try Data(contentsOf: f)) == nil, "\(f.lastPathComponent)")
        }
    }
}
