import Foundation

/// Scan result documents written for the tests, as a scanner adapter would write them.
public enum ScanSamples {
    public static let sha = String(repeating: "ab", count: 32)

    public static let suspect = """
        {
          "schema": "niihub.scan-result/1",
          "scanId": "MT-2026-000731",
          "scanner": {"id": "xr-lane2", "manufacturer": "Nuctech", "model": "MT1213DE", "technology": "dual-energy"},
          "site": "gate-3", "lane": "2",
          "startedAt": "2026-01-31T08:15:00Z", "endedAt": "2026-01-31T08:15:42.5Z",
          "containers": ["csqu 305438-3", "MSCU1234567"],
          "plate": "51C-123.45",
          "images": [
            {"name": "top.uff", "sha256": "\(sha)", "format": "uff", "view": "top", "bytes": 18000000},
            {"name": "side.dcs", "sha256": "\(String(repeating: "CD", count: 32))", "format": "dicos", "view": "side"}
          ],
          "atd": {"result": "suspect", "algorithm": "CargoATD 2.1",
                  "regions": [{"image": "top.uff", "x": 1200, "y": 80, "width": 300, "height": 140, "threat": "organic anomaly", "confidence": 72}]},
          "operatorVerdict": {"verdict": "inspect", "operator": "op-17", "decidedAt": "2026-01-31T08:17:00+07:00", "comment": "send to bay 4"},
          "extensions": {"nuctech": {"energy": "6MeV"}}
        }
        """

    public static let clear = """
        {"schema":"niihub.scan-result/1","scanId":"S-2","scanner":{"id":"xr-1"},"startedAt":"2026-01-31T09:00:00Z",
         "containers":["MSCU1234566"],"images":[],"atd":{"result":"clear"}}
        """
}
