import Foundation

/// The operator's page: lanes, devices and the newest events, refreshed every two seconds from the
/// API. Plain HTML and script, no build step; the full dashboard grows from here.
enum OperatorPage {
    static func html(site: String) -> String {
        let safeSite = site.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        return template.replacingOccurrences(of: "{{site}}", with: safeSite)
    }

    private static let template = #"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>NII Hub · {{site}}</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <style>
        body{font:14px system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1d2330}
        header{background:#1d2330;color:#fff;padding:10px 18px;display:flex;gap:18px;align-items:baseline}
        header h1{font-size:18px;margin:0} main{display:grid;grid-template-columns:1fr 1fr;gap:14px;padding:14px}
        section{background:#fff;border-radius:6px;padding:10px 14px;box-shadow:0 1px 2px #0002}
        section.wide{grid-column:1 / span 2} h2{font-size:15px;margin:4px 0 8px}
        table{border-collapse:collapse;width:100%} td,th{text-align:left;padding:4px 6px;border-bottom:1px solid #eee}
        .alarm{background:#fde2e1;color:#8b1512;font-weight:600} .warning{background:#fff4d6}
        .online{color:#11703a} .offline,.connecting,.tampered,.faulted{color:#a33} .degraded{color:#a60} .muted{color:#778}
        </style></head><body>
        <header><h1>NII Hub</h1><span>site {{site}}</span><span id="updated" class="muted"></span></header>
        <main>
        <section><h2>Lanes</h2><table id="lanes"><thead><tr><th>Lane</th><th>Occupancies</th><th>Alarms</th><th>Last passage</th></tr></thead><tbody></tbody></table></section>
        <section><h2>Devices</h2><table id="devices"><thead><tr><th>Device</th><th>State</th><th>Events</th><th>Rejected</th><th>Unknown</th></tr></thead><tbody></tbody></table></section>
        <section class="wide"><h2>Latest events</h2><table id="events"><thead><tr><th>Observed</th><th>Kind</th><th>Device</th><th>Lane</th><th>Details</th></tr></thead><tbody></tbody></table></section>
        </main>
        <script>
        const esc = s => String(s ?? "").replace(/[&<>"]/g, c => ({"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;"}[c]));
        const sum = o => Object.values(o || {}).reduce((a, b) => a + b, 0);
        function details(e) {
          const d = e.data || {};
          if (e.kind === "radiation.occupancy")
            return `#${d.occupancyNumber ?? "?"} gamma ${d.gammaAlarm ? "ALARM" : "ok"}, neutron ${d.neutronAlarm ? "ALARM" : "ok"}, max ${d.maxGammaCps ?? "–"} cps` + (d.speedKmh != null ? `, ${d.speedKmh} km/h` : "");
          if (e.kind === "radiation.alarm") return `${d.radiation} alarm, ${d.gammaCps ?? d.neutronCps} cps`;
          if (e.kind === "radiation.background") return `gamma ${d.gammaCps} cps, neutron ${d.neutronCps} cps`;
          return Object.entries(d).slice(0, 4).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(" ");
        }
        async function refresh() {
          try {
            const [ev, dv, ln] = await Promise.all(["/api/v1/events?order=desc&limit=40", "/api/v1/devices", "/api/v1/lanes"]
              .map(u => fetch(u).then(r => r.json())));
            document.querySelector("#events tbody").innerHTML = ev.events.map(e =>
              `<tr class="${e.severity}"><td>${esc(e.observedAt)}</td><td>${esc(e.kind)}</td><td>${esc(e.device.id)}</td><td>${esc(e.lane)}</td><td>${esc(details(e))}</td></tr>`).join("");
            document.querySelector("#devices tbody").innerHTML = dv.devices.map(d =>
              `<tr><td>${esc(d.id)}<div class="muted">${esc(d.profile)} · ${esc(d.port)}</div></td><td class="${d.state}" title="${esc(d.reason)}">${esc(d.state)}${d.connections ? ` (${d.connections} connected)` : ""}</td><td>${d.events}</td><td>${sum(d.counters.rejected)}</td><td>${sum(d.counters.unknownCodes)}</td></tr>`).join("");
            document.querySelector("#lanes tbody").innerHTML = ln.lanes.map(l =>
              `<tr class="${l.lastOccupancy && l.lastOccupancy.severity === "alarm" ? "alarm" : ""}"><td>${esc(l.site)} / ${esc(l.lane)}</td><td>${l.occupancies}</td><td>${l.alarms}</td><td>${l.lastOccupancy ? esc(details(l.lastOccupancy)) : "–"}</td></tr>`).join("");
            document.getElementById("updated").textContent = "updated " + new Date().toLocaleTimeString();
          } catch (err) { document.getElementById("updated").textContent = "hub unreachable: " + err; }
        }
        refresh(); setInterval(refresh, 2000);
        </script></body></html>
        """#
}
