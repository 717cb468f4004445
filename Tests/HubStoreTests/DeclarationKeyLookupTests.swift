import Foundation
import HubModel
import HubStore
import HubTesting
import Testing

/// Many identifiers looked up in one read (`declarations(withKey:values:)`, what the transit stage
/// asks for every seal it was handed) answer exactly what one lookup per identifier answers: the
/// version in force, amendments and cancellations applied; on both stores.
struct DeclarationKeyLookupTests {
    @Test(arguments: StoreKind.testable)
    func manyIdentifiersAtOnceAnswerAsOneAtATime(kind: StoreKind) async throws {
        let dir = try TemporaryDirectory("key-lookup")
        let s = try await StoreUnderTest.make(kind, dir)
        defer { Task { await s.store.close() } }
        let store = s.store
        let decl = { (n: String, c: [String], status: Declaration.Status) in
            LinkOrderTests.declaration(n, containers: c, plates: [], status: status)
        }
        _ = try await store.save(decl("D1", ["CSQU3054383"], .active), at: Date())
        _ = try await store.save(decl("D2", ["CSQU3054383", "TCNU7200794"], .active), at: Date())
        _ = try await store.save(decl("D3", ["GYOU4047990"], .active), at: Date())
        // D2 amended off the first container; D3 cancelled.
        _ = try await store.save(decl("D2", ["TCNU7200794"], .active), at: Date())
        _ = try await store.save(decl("D3", ["GYOU4047990"], .cancelled), at: Date())

        let asked = ["CSQU3054383", "TCNU7200794", "GYOU4047990", "MSKU9070323", "CSQU3054383"]
        let all = try await store.declarations(withKey: "container", values: asked)
        #expect(Set(all.keys) == Set(asked), "every value asked is answered, once")
        for value in Set(asked) {
            let one = try await store.declarations(withKey: "container", value: value)
            #expect(all[value] == one, "\(value): as the lookup of that value alone")
        }
        #expect(all["CSQU3054383"]?.map(\.number) == ["D1"], "D2's amendment dropped the container")
        #expect(all["TCNU7200794"]?.map { "\($0.number) v\($0.version)" } == ["D2 v2"])
        #expect(all["MSKU9070323"] == [])
        #expect(try await store.declarations(withKey: "container", values: []) == [:])

        // Past one read's bound of parameters: 1,200 values, one of them declared.
        let many = (0..<1_200).map { String(format: "ZZZU%07d", $0) } + ["TCNU7200794"]
        let answered = try await store.declarations(withKey: "container", values: many)
        #expect(answered.count == 1_201)
        #expect(answered.values.filter { !$0.isEmpty }.count == 1)
        #expect(answered["TCNU7200794"]?.first?.number == "D2")
    }
}
