import Foundation

/// The operator's page: a login form, then lanes, the live alarm queue (WebSocket, with a flash and
/// a beep), adjudication, the transit map, device health and, for admins, units waiting for admission and the audit log. Plain HTML, CSS and script
/// with no build step and nothing from outside the hub; the page itself holds no data, so it is
/// served without a credential and asks the API (cookie session) for everything.
enum OperatorPage {
    static func html(site: String) -> String {
        let safeSite = site.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        return template.replacingOccurrences(of: "{{site}}", with: safeSite)
            .replacingOccurrences(of: "{{style}}", with: OperatorPageStyle.css)
            .replacingOccurrences(of: "{{script}}", with: OperatorPageMap.js + OperatorPageScript.js)
    }

    private static let template = #"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>NII Hub · {{site}}</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <style>{{style}}</style></head><body>
        <header><h1>NII Hub</h1><span>site {{site}}</span><span id="live-status" class="muted">offline</span>
        <span id="updated" class="muted"></span><span class="grow"></span><span id="who"></span>
        <button id="logout" hidden>Log out</button></header>
        <form id="login" hidden>
          <h2>Log in</h2>
          <label>User <input id="login-user" name="user" autocomplete="username" required></label>
          <label>Password <input id="login-password" name="password" type="password" autocomplete="current-password" required></label>
          <button id="login-submit" type="submit">Log in</button>
          <p id="login-error" class="error"></p>
        </form>
        <main id="board" hidden>
        <section class="wide" id="alarm-section"><h2>Alarm queue <span id="alarm-count" class="badge">0</span></h2>
          <table id="alarms"><thead><tr><th>Observed</th><th>Kind</th><th>Device</th><th>Lane</th><th>Details</th><th>Adjudicate</th></tr></thead><tbody></tbody></table>
          <p id="alarms-empty" class="muted">No open alarms.</p></section>
        <section><h2>Lanes</h2><table id="lanes"><thead><tr><th>Lane</th><th>Occupancies</th><th>Alarms</th><th>Last occupancy</th><th>Latest passage</th></tr></thead><tbody></tbody></table></section>
        <section class="wide" id="transit-section"><h2>Transits under seal</h2>
          <svg id="transit-map" viewBox="0 0 900 420" role="img" aria-label="Map of active transits" hidden></svg>
          <p id="transits-empty" class="muted">No sealed transit is reporting.</p>
          <table id="transit-list"><thead><tr><th>Declaration</th><th>Seal</th><th>Route</th><th>Status</th><th>Position</th><th>Deviations</th><th>Last finding</th></tr></thead><tbody></tbody></table></section>
        <section><h2>Device health</h2><table id="devices"><thead><tr><th>Device</th><th>State</th><th>Reason</th><th>Last frame</th><th>Rejected</th></tr></thead><tbody></tbody></table></section>
        <section class="wide"><h2>Adjudicated</h2><table id="adjudicated"><thead><tr><th>Alarm</th><th>Outcome</th><th>Secondary</th><th>Note</th><th>By</th><th>At</th></tr></thead><tbody></tbody></table></section>
        <section class="wide" id="admission-section" hidden><h2>Units waiting for admission <span id="admission-count" class="badge">0</span></h2>
          <table id="admission"><thead><tr><th>Listener</th><th>Unit</th><th>Held as</th><th>First seen</th><th>Last seen</th><th>From</th><th>Frames</th><th>Decide</th></tr></thead><tbody></tbody></table></section>
        <section class="wide" id="audit-section" hidden><h2>Audit log</h2><table id="audit"><thead><tr><th>At</th><th>Who</th><th>Action</th><th>Target</th></tr></thead><tbody></tbody></table></section>
        <section class="wide"><h2>Latest events</h2><table id="events"><thead><tr><th>Observed</th><th>Kind</th><th>Device</th><th>Lane</th><th>Details</th></tr></thead><tbody></tbody></table></section>
        </main>
        <script>{{script}}</script></body></html>
        """#
}
