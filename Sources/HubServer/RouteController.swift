/// One area of the API (events, declarations, auth, …): a value holding only the dependencies its
/// handlers use, which registers each of its routes on the table with the handler, the role that
/// may call it, its audit name and its OpenAPI operation together. `HubAPI` builds one per area.
protocol RouteController: Sendable {
    /// Puts every route of this area on `routes`.
    func register(on routes: RouteTable)
}
