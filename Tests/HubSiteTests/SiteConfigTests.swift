import Foundation
import HubDevices
import HubModel
import HubSite
import HubTesting
import Testing

/// A bad config or profile must fail with the file, line and field at fault, and what was expected.
struct SiteConfigTests {
    static let profile = """
        model: test-rpm
        name: Test portal monitor
        family: radiation-portal
        protocol: rpm
        transport:
          kind: serial
          serial:
            baud: 9600
            parity: none
        usb:
          - vendorId: "0403"
            productId: "6014"
        heartbeatIntervalS: 5
        thresholds:
          gammaBackgroundHighCps: 20000

        """

    static func site(_ devices: String) -> String {
        """
        site: gate-3
        store:
          sqlite: data/hub.sqlite
        http:
          port: 0
        devices:
        \(devices)
        """
    }

    private func load(site: String, profile: String = Self.profile, profileName: String = "test-rpm.yaml") throws
        -> (TemporaryDirectory, Result<SiteConfig, ConfigError>)
    {
        let dir = try TemporaryDirectory("config")
        try FileManager.default.createDirectory(atPath: dir.path("profiles"), withIntermediateDirectories: true)
        try dir.write("profiles/\(profileName)", profile)
        let path = try dir.write("site.yaml", site)
        do {
            return (dir, .success(try SiteConfig.load(path: path, profilesDir: dir.path("profiles"), knownProtocols: ["rpm", "nmea", "gt06", "teltonika", "eseal"])))
        } catch let e as ConfigError {
            return (dir, .failure(e))
        }
    }

    private func failure(site: String, profile: String = Self.profile) throws -> ConfigError? {
        let (_, result) = try load(site: site, profile: profile)
        if case .failure(let e) = result { return e }
        Issue.record("expected the config to be refused")
        return nil
    }

    @Test func aGoodConfigBindsDevicesToProfilesWithOverrides() throws {
        let (dir, result) = try load(site: Self.site("""
              - id: rpm-lane1
                profile: test-rpm
                lane: "1"
                port: /dev/ttyUSB0
              - id: rpm-lane2
                profile: test-rpm
                lane: "2"
                port: ports/rpm2
                serial: {baud: 19200, parity: even}
                utcOffsetMinutes: 420
            """))
        let config = try result.get()
        #expect(config.site == "gate-3")
        #expect(config.storePath == dir.path("data/hub.sqlite"))
        #expect(config.httpPort == 0)
        #expect(config.devices.map(\.id) == ["rpm-lane1", "rpm-lane2"])
        #expect(config.devices[0].serial == SerialSettings(baud: 9600))
        #expect(config.devices[1].serial == SerialSettings(baud: 19200, parity: .even))
        #expect(config.devices[1].port == dir.path("ports/rpm2"))
        #expect(config.devices[1].utcOffsetSeconds == 25_200)
        #expect(config.devices[0].profile.usb.first?.vendorID == "0403")
        #expect(config.devices[0].profile.thresholds["gammaBackgroundHighCps"] == 20000)
    }

    @Test func aWrongBaudNamesItsLineFieldAndTheChoices() throws {
        let e = try #require(try failure(site: Self.site("""
              - id: rpm-lane1
                profile: test-rpm
                port: /dev/ttyUSB0
                serial:
                  baud: 9601
            """)))
        #expect(e.file.hasSuffix("site.yaml"))
        #expect(e.line == 11)
        #expect(e.field == "devices[0].serial.baud")
        #expect(e.message.contains("19200") && e.message.contains("9601"))
    }

    @Test func forwardingNeedsAReadableTokenFileAndSaysWhereNot() throws {
        let devices = "  - {id: a, profile: test-rpm, port: /dev/x}"
        let missing = try #require(try failure(site: "forward:\n  url: http://127.0.0.1:9/api/v1/forwarded\n  tokenFile: nowhere.token\n" + Self.site(devices)))
        #expect(missing.line == 3 && missing.field == "forward.tokenFile" && missing.message.contains("nowhere.token"))
        let badBatch = try #require(try failure(site: "forward: {url: \"http://c:8080/api/v1/forwarded\", tokenFile: t, batch: 0}\n" + Self.site(devices)))
        #expect(badBatch.line == 1 && badBatch.field == "forward.batch" && badBatch.message.contains("1 to 1000"))
        let badURL = try #require(try failure(site: "forward: {url: \"ftp://c/x\", tokenFile: t}\n" + Self.site(devices)))
        #expect(badURL.field == "forward.url")
        // A good one: the token file resolved beside the config, defaults filled in.
        let dir = try TemporaryDirectory("forward-config")
        try FileManager.default.createDirectory(atPath: dir.path("profiles"), withIntermediateDirectories: true)
        try dir.write("profiles/test-rpm.yaml", Self.profile)
        try dir.write("gate.token", "nii_x\n")
        let path = try dir.write("site.yaml", "forward: {url: \"http://c:8080/api/v1/forwarded\", tokenFile: gate.token}\n" + Self.site(devices))
        let config = try SiteConfig.load(path: path, profilesDir: dir.path("profiles"), knownProtocols: ["rpm"])
        #expect(config.forward == ForwardConfig(url: URL(string: "http://c:8080/api/v1/forwarded")!, tokenFile: dir.path("gate.token")))
    }

    /// An https webhook or central may name the CA its certificate must chain to; a CA file that is
    /// missing or not a PEM certificate, or one given for plain http, is refused with its line and field.
    @Test func anOutboundCAFileMustBeAPEMCertificateForAnHTTPSURL() throws {
        let devices = "  - {id: a, profile: test-rpm, port: /dev/x}"
        let missing = try #require(try failure(site: "feed:\n  webhook: https://risk:8443/feed\n  caFile: nowhere.pem\n" + Self.site(devices)))
        #expect(missing.line == 3 && missing.field == "feed.caFile" && missing.message.contains("nowhere.pem"), "\(missing)")
        let plain = try #require(try failure(site: "feed: {webhook: \"http://risk/feed\", caFile: ca.pem}\n" + Self.site(devices)))
        #expect(plain.field == "feed.caFile" && plain.message.contains("https://"), "\(plain)")
        let alone = try #require(try failure(site: "feed: {caFile: ca.pem}\n" + Self.site(devices)))
        #expect(alone.field == "feed.caFile" && alone.message.contains("webhook"), "\(alone)")
        let noScheme = try #require(try failure(site: "feed: {webhook: \"risk:8443/feed\"}\n" + Self.site(devices)))
        #expect(noScheme.field == "feed.webhook", "\(noScheme)")

        let dir = try TemporaryDirectory("outbound-ca")
        try FileManager.default.createDirectory(atPath: dir.path("profiles"), withIntermediateDirectories: true)
        try dir.write("profiles/test-rpm.yaml", Self.profile)
        try dir.write("gate.token", "nii_x\n")
        try dir.write("not-pem.pem", "a certificate, honestly\n")
        // Any well-formed PEM certificate block (DER starts with a SEQUENCE, 0x30).
        try dir.write("ca.pem", "-----BEGIN CERTIFICATE-----\nMAMCAQA=\n-----END CERTIFICATE-----\n")
        func load(_ text: String) throws -> Result<SiteConfig, ConfigError> {
            let path = try dir.write("site.yaml", text + "\n" + Self.site(devices))
            do {
                return .success(try SiteConfig.load(path: path, profilesDir: dir.path("profiles"), knownProtocols: ["rpm"]))
            } catch let e as ConfigError {
                return .failure(e)
            }
        }
        guard case .failure(let notPEM) = try load("forward: {url: \"https://c:8443/api/v1/forwarded\", tokenFile: gate.token, caFile: not-pem.pem}")
        else { Issue.record("a CA file that is not PEM was accepted"); return }
        #expect(notPEM.field == "forward.caFile" && notPEM.line == 1 && notPEM.message.contains("no PEM"), "\(notPEM)")
        // Good ones: resolved beside the config.
        let config = try load(
            "forward: {url: \"https://c:8443/api/v1/forwarded\", tokenFile: gate.token, caFile: ca.pem}\n"
                + "feed: {webhook: \"https://risk:8443/feed\", caFile: ca.pem}"
        ).get()
        #expect(config.forward?.url == URL(string: "https://c:8443/api/v1/forwarded")! && config.forward?.caFile == dir.path("ca.pem"))
        #expect(config.feedWebhook == URL(string: "https://risk:8443/feed")! && config.feedCAFile == dir.path("ca.pem"))
        // Without a CA file, https verifies against the system's roots.
        let system = try load("feed: {webhook: \"https://risk.example/feed\"}").get()
        #expect(system.feedWebhook != nil && system.feedCAFile == nil)
    }

    @Test func aMisspeltFieldIsNotSilentlyIgnored() throws {
        let e = try #require(try failure(site: Self.site("""
              - id: rpm-lane1
                profile: test-rpm
                port: /dev/ttyUSB0
                lanes: "1"
            """)))
        #expect(e.line == 10)
        #expect(e.field == "devices[0].lanes")
        #expect(e.message.contains("unknown field"))
    }

    @Test func unknownProfileMissingPortAndDuplicateIds() throws {
        let unknown = try #require(try failure(site: Self.site("""
              - id: rpm-lane1
                profile: rapiscan-rmp
                port: /dev/ttyUSB0
            """)))
        #expect(unknown.field == "devices[0].profile" && unknown.line == 8)
        #expect(unknown.message.contains("test-rpm"))
        let noPort = try #require(try failure(site: Self.site("""
              - id: rpm-lane1
                profile: test-rpm
            """)))
        #expect(noPort.field == "devices[0].port")
        let dup = try #require(try failure(site: Self.site("""
              - id: rpm
                profile: test-rpm
                port: /dev/a
              - id: rpm
                profile: test-rpm
                port: /dev/b
            """)))
        #expect(dup.field == "devices[1].id" && dup.line == 10)
    }

    @Test func devicesArePlacedAlongTheirLane() throws {
        let (_, result) = try load(site: Self.site("""
              - {id: ocr-lane1, profile: test-rpm, lane: "1", port: /dev/a, position: -8}
              - {id: rpm-lane1, profile: test-rpm, lane: "1", port: /dev/b, position: 0}
              - {id: scanner-lane1, profile: test-rpm, lane: "1", port: /dev/c, position: 30.5}
              - {id: handheld, profile: test-rpm, lane: "1", port: /dev/d}
              - {id: depot, profile: test-rpm, port: /dev/e}
            """))
        let config = try result.get()
        #expect(config.devices.map(\.position) == [-8, 0, 30.5, nil, nil])
    }

    @Test func aPositionNeedsALaneAndAPlaceOnIt() throws {
        let noLane = try #require(try failure(site: Self.site("""
              - id: rpm-lane1
                profile: test-rpm
                port: /dev/ttyUSB0
                position: 6
            """)))
        #expect(noLane.file.hasSuffix("site.yaml") && noLane.line == 10 && noLane.field == "devices[0].position")
        #expect(noLane.message.contains("lane:"), "\(noLane.message)")
        let far = try #require(try failure(site: Self.site("""
              - id: rpm-lane1
                profile: test-rpm
                lane: "1"
                port: /dev/ttyUSB0
                position: 501
            """)))
        #expect(far.line == 11 && far.field == "devices[0].position")
        #expect(far.message.contains("-500 to 500") && far.message.contains("501"), "\(far.message)")
        let word = try #require(try failure(site: Self.site("  - {id: a, profile: test-rpm, lane: \"1\", port: /dev/x, position: front}")))
        #expect(word.field == "devices[0].position" && word.message.contains("front"), "\(word.message)")
        let notANumber = try #require(try failure(site: Self.site("  - {id: a, profile: test-rpm, lane: \"1\", port: /dev/x, position: .nan}")))
        #expect(notANumber.field == "devices[0].position")
    }

    @Test func laneTimingHasDefaultsAndBounds() throws {
        let device = "  - {id: a, profile: test-rpm, lane: \"1\", port: /dev/x}"
        let defaults = try load(site: Self.site(device)).1.get()
        #expect(defaults.passageBeforeS == 60 && defaults.passageAfterS == 120 && defaults.passageGapS == 30)
        #expect(defaults.passageClockToleranceS == 0.5 && defaults.passageMinVehicleLengthM == 10)
        #expect(defaults.passageMaxSpeedKmh == 30 && defaults.passageLateS == 3600 && defaults.passageMaxOccupancyS == 600)
        let given = try load(site: Self.site(device) + """

            passages:
              beforeS: 30
              clockToleranceS: 1.5
              minVehicleLengthM: 16.5
              maxSpeedKmh: 20
              lateS: 86400
              maxOccupancyS: 900
            """).1.get()
        #expect(given.passageBeforeS == 30 && given.passageAfterS == 120)
        #expect(given.passageClockToleranceS == 1.5 && given.passageMinVehicleLengthM == 16.5)
        #expect(given.passageMaxSpeedKmh == 20 && given.passageLateS == 86_400 && given.passageMaxOccupancyS == 900)
        // Each out of its range: refused at its line, naming the field and the range.
        let bad: [(field: String, value: String, range: String)] = [
            ("clockToleranceS", "11", "seconds from 0 to 10"), ("clockToleranceS", "-0.1", "seconds from 0 to 10"),
            ("minVehicleLengthM", "1", "metres from 2 to 40"), ("minVehicleLengthM", "41", "metres from 2 to 40"),
            ("maxSpeedKmh", "0", "km/h from 1 to 120"), ("maxSpeedKmh", "200", "km/h from 1 to 120"),
            ("lateS", "86401", "seconds from 0 to 86400"), ("maxOccupancyS", "5", "seconds from 10 to 3600"),
            ("maxOccupancyS", "fast", "seconds from 10 to 3600"),
        ]
        for b in bad {
            let e = try #require(try failure(site: Self.site(device) + "\npassages:\n  beforeS: 30\n  \(b.field): \(b.value)\n"))
            #expect(e.field == "passages.\(b.field)" && e.line == 10, "\(e)")
            #expect(e.message.contains(b.value), "\(b.field): \(e.message)")
            if b.value != "fast" { #expect(e.message.contains(b.range), "\(b.field): \(e.message)") }
        }
    }

    @Test func sealCommandSettingsHaveDefaultsAndBounds() throws {
        let device = "  - {id: a, profile: test-rpm, lane: \"1\", port: /dev/x}"
        #expect(try load(site: Self.site(device)).1.get().sealCommands == SealCommandSettings(timeoutS: 60, destinationRadiusM: 1000))
        let given = try load(site: Self.site(device) + "\nsealCommands:\n  timeoutS: 5\n  destinationRadiusM: 250\n").1.get()
        #expect(given.sealCommands == SealCommandSettings(timeoutS: 5, destinationRadiusM: 250))
        let zero = try #require(try failure(site: Self.site(device) + "\nsealCommands:\n  timeoutS: 0\n"))
        #expect(zero.field == "sealCommands.timeoutS" && zero.line == 9 && zero.message.contains("above 0"), "\(zero)")
        let typo = try #require(try failure(site: Self.site(device) + "\nsealCommands:\n  radiusM: 5\n"))
        #expect(typo.field.hasPrefix("sealCommands") && typo.line == 9, "\(typo)")
    }

    @Test func partnersNameTheirCAAndABadItemNamesItsLineAndField() throws {
        let device = "  - {id: a, profile: test-rpm, lane: \"1\", port: /dev/x}"
        let certs = try TemporaryDirectory("partners")
        let ca = try certs.write("kh.pem", "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n")
        let notPEM = try certs.write("bad.pem", "not a certificate\n")
        #expect(try load(site: Self.site(device)).1.get().partners == [])
        let given = try load(site: Self.site(device) + "\npartners:\n  - {name: kh-customs, country: KH, administration: GDCE Cambodia, ca: \(ca)}\n").1.get()
        #expect(given.partners == [PartnerTrust(name: "kh-customs", country: "KH", administration: "GDCE Cambodia", caPath: ca)])
        let item = "\npartners:\n  - {name: kh-customs, country: KH, ca: \(ca)}\n"
        let twice = try #require(try failure(site: Self.site(device) + item + "  - {name: kh-customs, country: KH, ca: \(ca)}\n"))
        #expect(twice.field == "partners[1].name" && twice.line == 10 && twice.message.contains("named twice"), "\(twice)")
        let unreadable = try #require(try failure(site: Self.site(device) + item + "  - {name: la-customs, country: LA, ca: \(notPEM)}\n"))
        #expect(unreadable.field == "partners[1].ca" && unreadable.line == 10 && unreadable.message.contains("holds no PEM CA certificate"), "\(unreadable)")
        let country = try #require(try failure(site: Self.site(device) + "\npartners:\n  - {name: kh, country: Cambodia, ca: \(ca)}\n"))
        #expect(country.field == "partners[0].country" && country.line == 9 && country.message.contains("two-letter"), "\(country)")
        let typo = try #require(try failure(site: Self.site(device) + "\npartners:\n  - {name: kh, country: KH, cert: \(ca)}\n"))
        #expect(typo.field.hasPrefix("partners[0]") && typo.line == 9, "\(typo)")
        let inbox = try load(site: Self.site(device) + item + "partnerInbox: inbox/packages\n")
        #expect(try inbox.1.get().partnerInbox == inbox.0.path("inbox/packages"), "resolved beside the site file")
        let lonely = try #require(try failure(site: Self.site(device) + "\npartnerInbox: inbox\n"))
        #expect(lonely.field == "partnerInbox" && lonely.line == 8 && lonely.message.contains("partners:"), "\(lonely)")
    }

    @Test func aTypeErrorSaysWhatWasFound() throws {
        let e = try #require(try failure(site: Self.site("""
              - id: rpm-lane1
                profile: test-rpm
                port: /dev/ttyUSB0
                utcOffsetMinutes: seven
            """)))
        #expect(e.field == "devices[0].utcOffsetMinutes")
        #expect(e.message.contains("whole number") && e.message.contains("seven"))
    }

    @Test func badProfilesFailInTheProfileFile() throws {
        let site = Self.site("  - {id: a, profile: test-rpm, port: /dev/x}")
        let usb = try #require(try failure(site: site, profile: Self.profile.replacingOccurrences(of: "\"6014\"", with: "\"60G4\"")))
        #expect(usb.file.hasSuffix("test-rpm.yaml"))
        #expect(usb.line == 12)
        #expect(usb.field == "usb[0].productId")
        let proto = try #require(try failure(site: site, profile: Self.profile.replacingOccurrences(of: "protocol: rpm", with: "protocol: rpn")))
        #expect(proto.field == "protocol" && proto.line == 4)
        let parity = try #require(try failure(site: site, profile: Self.profile.replacingOccurrences(of: "parity: none", with: "parity: mark")))
        #expect(parity.field == "transport.serial.parity" && parity.message.contains("none, even, odd"))
        let (_, renamed) = try load(site: site, profileName: "other.yaml")
        guard case .failure(let e) = renamed else {
            Issue.record("a profile whose model is not its file name was accepted")
            return
        }
        #expect(e.field == "model" && e.line == 1)
    }

    @Test func yamlSyntaxErrorsCarryTheirPlace() throws {
        let e = try #require(try failure(site: "site: gate\ndevices:\n  - id: [unclosed\n"))
        #expect(e.line != nil)
        #expect(e.message.hasPrefix("YAML"))
    }

    @Test func theRepositoryProfilesAndConfigsLoad() throws {
        let root = Corpus.packageRoot
        let catalog = try ProfileCatalog.load(directory: root.appendingPathComponent("DeviceProfiles").path)
        #expect(catalog.profiles["rapiscan-rpm"]?.transport.serial?.baud == 9600)
        for name in ["demo.yaml", "example-site.yaml"] {
            let config = try SiteConfig.load(
                path: root.appendingPathComponent("config/\(name)").path,
                profilesDir: root.appendingPathComponent("DeviceProfiles").path)
            #expect(!config.devices.isEmpty)
        }
        // The scenarios' lane: camera ahead of the portal, scanner behind it, the handheld and the trace
        // detector unplaced.
        let scenarios = try SiteConfig.load(path: root.appendingPathComponent("Simulators/Scenarios/site.yaml").path)
        let positions = Dictionary(uniqueKeysWithValues: scenarios.devices.map { ($0.id, $0.position) })
        #expect(positions == ["rpm-lane1": 0, "ocr-lane1": -8, "scanner-lane1": 30, "n42-lane1": nil, "ims-lane1": nil,
                              "seals": nil, "gt06-seals": nil, "trackers": nil])
        #expect(scenarios.passageBeforeS == 30 && scenarios.passageAfterS == 2 && scenarios.passageGapS == 5)
        // Its mail goes to niisim's sink, plain SMTP on loopback, which only a loopback relay may be.
        let smtp = try #require(scenarios.notifications.smtp)
        #expect(smtp.host == "127.0.0.1" && smtp.port == 47015 && !smtp.starttls)
        #expect(scenarios.notifications.rules.map(\.name) == ["trace-escalation"])
        #expect(scenarios.notifications.rules.first?.escalate.map(\.afterS) == [5])
    }

    /// The national view's departments: read in order with their gates; a bad one is refused at
    /// its line, naming the field.
    @Test func nationalDepartmentsAreReadAndABadOneNamesItsLineAndField() throws {
        let devices = "  - {id: a, profile: test-rpm, port: /dev/x}"
        func national(_ departments: String) -> String { "national:\n  departments:\n" + departments + "\n" + Self.site(devices) }
        let (_, good) = try load(site: national("""
                - {id: "03", name: "Hải Phòng", gates: [gate-a, gate-b]}
                - {id: "01", name: "Hà Nội", gates: [gate-c]}
            """))
        let config = try good.get()
        #expect(config.national.departments == [
            NationalConfig.Department(id: "03", name: "Hải Phòng", gates: ["gate-a", "gate-b"]),
            NationalConfig.Department(id: "01", name: "Hà Nội", gates: ["gate-c"]),
        ])
        #expect(config.national.department(of: "gate-c")?.id == "01" && config.national.department(of: "gate-z") == nil)
        #expect(try load(site: Self.site(devices)).1.get().national == NationalConfig())

        let twice = try #require(try failure(site: national("""
                - {id: "03", name: "Hải Phòng", gates: [gate-a]}
                - {id: "01", name: "Hà Nội", gates: [gate-c, gate-a]}
            """)))
        #expect(twice.file.hasSuffix("site.yaml") && twice.line == 4 && twice.field == "national.departments[1].gates[1]", "\(twice)")
        #expect(twice.message.contains("gate-a") && twice.message.contains("'03'"))
        let sameID = try #require(try failure(site: national("""
                - {id: "03", name: "Hải Phòng", gates: [gate-a]}
                - {id: "03", name: "Hà Nội", gates: [gate-c]}
            """)))
        #expect(sameID.line == 4 && sameID.field == "national.departments[1].id", "\(sameID)")
        let badGate = try #require(try failure(site: national("""
                - {id: "03", name: "Hải Phòng", gates: ["gate a"]}
            """)))
        #expect(badGate.line == 3 && badGate.field == "national.departments[0].gates", "\(badGate)")
        let noName = try #require(try failure(site: national("""
                - {id: "03", gates: [gate-a]}
            """)))
        #expect(noName.line == 3 && noName.field == "national.departments[0].name", "\(noName)")
        let unknown = try #require(try failure(site: national("""
                - {id: "03", name: "Hải Phòng", gates: [gate-a], region: north}
            """)))
        #expect(unknown.field == "national.departments[0].region", "\(unknown)")
    }
}

/// The shipped udev rules are what `niihub udev-rules` makes from the shipped profiles.
struct UdevRulesTests {
    @Test func theShippedRulesMatchTheProfiles() throws {
        let root = Corpus.packageRoot
        let catalog = try ProfileCatalog.load(directory: root.appendingPathComponent("DeviceProfiles").path)
        let shipped = try String(contentsOf: root.appendingPathComponent("deploy/udev/60-niihub.rules"), encoding: .utf8)
        #expect(shipped == UdevRules.render(profiles: Array(catalog.profiles.values)),
                "regenerate with: niihub udev-rules > deploy/udev/60-niihub.rules")
        #expect(shipped.contains("ATTRS{idVendor}==\"0403\", ATTRS{idProduct}==\"6014\""))
    }
}
