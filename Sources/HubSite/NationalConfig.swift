import Foundation
import HubDevices

/// The site config's `national:` section on a central hub: which gates (sites that forward here)
/// belong to which customs department, for the national view. A forwarding gate no department
/// lists is shown as unassigned.
///
///     national:
///       departments:
///         - {id: "03", name: "Hải Phòng", gates: [gate-a, gate-b]}
public struct NationalConfig: Sendable, Equatable {
    public struct Department: Sendable, Equatable {
        /// The department's code (`"03"`).
        public var id: String
        public var name: String
        /// Its gates' site ids, in the order the page lists them.
        public var gates: [String]

        public init(id: String, name: String, gates: [String]) {
            self.id = id
            self.name = name
            self.gates = gates
        }
    }

    public var departments: [Department]

    public init(departments: [Department] = []) { self.departments = departments }

    /// The department listing `site`, if any.
    public func department(of site: String) -> Department? { departments.first { $0.gates.contains(site) } }
}

extension NationalConfig: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable { case departments }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        var list = try c.nestedUnkeyedContainer(forKey: .departments)
        var departments: [Department] = []
        var owner: [String: String] = [:]
        while !list.isAtEnd {
            let i = list.currentIndex
            let d = try list.decode(RawDepartment.self)
            let at = decoder.codingPath + [CodingKeys.departments, IndexKey(i)]
            if departments.contains(where: { $0.id == d.id }) {
                throw InvalidValue(codingPath: at + [RawDepartment.CodingKeys.id], message: "duplicate department id '\(d.id)'")
            }
            for (j, gate) in d.gates.enumerated() {
                if let other = owner[gate] {
                    throw InvalidValue(
                        codingPath: at + [RawDepartment.CodingKeys.gates, IndexKey(j)],
                        message: "gate '\(gate)' is already listed under department '\(other)'")
                }
                owner[gate] = d.id
            }
            departments.append(Department(id: d.id, name: d.name, gates: d.gates))
        }
        self.init(departments: departments)
    }

    /// One department as written, each field checked.
    struct RawDepartment: Decodable {
        var id: String
        var name: String
        var gates: [String]

        enum CodingKeys: String, CodingKey, CaseIterable { case id, name, gates }

        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decode(String.self, forKey: .id, where: Identifier.isValid, expected: Identifier.expected)
            name = try c.decode(
                String.self, forKey: .name, where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty && $0.count <= 200 },
                expected: "the department's name (1 to 200 characters)")
            gates = try c.decode(
                [String].self, forKey: .gates, where: { $0.allSatisfy(Identifier.isValid) && Set($0).count == $0.count },
                expected: "a list of distinct site ids (\(Identifier.expected))")
        }
    }
}
