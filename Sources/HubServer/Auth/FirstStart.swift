import Foundation
import HubStore
import Logging

/// The credential a hub makes for itself on its first start, so there is always a way in.
public struct AdminCredential: Codable, Sendable {
    public var user: String
    public var password: String
    public var token: String
    public var role: Role

    /// Where the hub keeps it: beside the store, readable by the hub's user only.
    public static func path(storePath: String) -> String {
        let dir = (storePath as NSString).deletingLastPathComponent
        return (dir.isEmpty ? "." : dir) + "/admin-credential.json"
    }

    public static func read(storePath: String) throws -> AdminCredential {
        try JSONDecoder().decode(AdminCredential.self, from: Data(contentsOf: URL(fileURLWithPath: path(storePath: storePath))))
    }
}

extension AuthService {
    /// On a store without users, creates `admin` with a random password and an admin API token,
    /// writes both to `AdminCredential.path` (mode 0600) and logs where. Later starts do nothing.
    @discardableResult
    public func bootstrap(storePath: String, logger: Logger) async throws -> String? {
        guard try await store.userCount() == 0 else { return nil }
        let password = Secrets.newPassword()
        guard try await addUser("admin", role: .admin, password: password) else { return nil }
        let token = try await issue(.api, owner: "admin", role: .admin, label: "first start")
        let credential = AdminCredential(user: "admin", password: password, token: token.secret, role: .admin)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let path = AdminCredential.path(storePath: storePath)
        try? FileManager.default.removeItem(atPath: path)
        guard FileManager.default.createFile(
            atPath: path, contents: try encoder.encode(credential), attributes: [.posixPermissions: 0o600])
        else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path]) }
        let system = Identity(name: "hub", role: .admin, tokenID: "")
        await audit(system, "user.create", target: "admin", detail: "first start", logger: logger)
        logger.notice("first start: admin credential written", metadata: ["file": "\(path)"])
        return path
    }
}
