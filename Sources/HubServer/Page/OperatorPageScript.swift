/// The operator page's script: session check and login, the live WebSocket with reconnect, the
/// alarm queue with its flash and beep, adjudication, and a two-second refresh of the rest.
enum OperatorPageScript {
    static let js = #"""
        const $ = s => document.querySelector(s);
        const esc = s => String(s ?? "").replace(/[&<>"]/g, c => ({"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;"}[c]));
        const sum = o => Object.values(o || {}).reduce((a, b) => a + b, 0);
        let me = null, socket = null, audio = null, timer = null;
        const open = new Map();
        async function api(path, options) {
          const r = await fetch(path, Object.assign({credentials: "same-origin"}, options || {}));
          if (r.status === 401) { showLogin(); throw new Error("logged out"); }
          return r;
        }
        function passage(p) {
          if (!p) return "–";
          const d = p.declarations.map(x => x.number + (x.channel ? " (" + x.channel + ")" : "")).join(", ");
          return esc([p.containers.join(" "), p.plates.join(" "), d ? "decl. " + d : "no declaration",
            "RPM " + (p.rpmResult || "–"), "scan " + (p.scanResult || "–")].filter(Boolean).join(" · "));
        }
        function details(e) {
          const d = e.data || {};
          if (e.kind === "radiation.occupancy")
            return `#${d.occupancyNumber ?? "?"} gamma ${d.gammaAlarm ? "ALARM" : "ok"}, neutron ${d.neutronAlarm ? "ALARM" : "ok"}, max ${d.maxGammaCps ?? "–"} cps` + (d.speedKmh != null ? `, ${d.speedKmh} km/h` : "");
          if (e.kind === "radiation.occupancy-start") return "vehicle entered the portal";
          if (e.kind === "radiation.alarm") return `${d.radiation} alarm` + (d.detectorsCps ? `, ${Math.max(...d.detectorsCps)} cps` : "");
          if (e.kind === "device.status") return `${d.previous ?? "?"} → ${d.state}` + (d.reason ? ` (${d.reason})` : "");
          return Object.entries(d).slice(0, 4).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(" ");
        }
        function beep() {
          // Counted so that a headless browser test can tell the cue was given.
          window.niihubBeeps = (window.niihubBeeps || 0) + 1;
          try {
            audio = audio || new AudioContext();
            const o = audio.createOscillator(), g = audio.createGain();
            o.type = "square"; o.frequency.value = 880; g.gain.value = 0.15;
            o.connect(g); g.connect(audio.destination);
            o.start(); o.stop(audio.currentTime + 0.35);
          } catch (err) { /* no audio device: the flash still shows */ }
        }
        function alarmRow(e, fresh) {
          const tr = document.createElement("tr");
          tr.className = "alarm" + (fresh ? " new" : "");
          tr.dataset.event = e.id;
          tr.innerHTML = `<td>${esc(e.observedAt)}</td><td>${esc(e.kind)}</td><td>${esc(e.device.id)}</td><td>${esc(e.lane)}</td><td>${esc(details(e))}</td>
            <td><form class="adjudicate"><select name="outcome"><option value="false-alarm">false alarm</option><option value="cleared">cleared</option><option value="referred">referred</option></select>
            <select name="secondaryInspection"><option value="none">no secondary</option><option value="requested">secondary requested</option><option value="completed">secondary completed</option></select>
            <input name="isotopes" placeholder="isotopes (Cs-137, …)"><input name="note" placeholder="note"><button type="submit">Adjudicate</button>
            <button type="button" class="ack">Acknowledge</button></form></td>`;
          tr.querySelector("form").addEventListener("submit", ev => { ev.preventDefault(); adjudicate(e.id, ev.target); });
          // Acknowledging stops the flash and marks the alarm seen on this screen; it stays queued until adjudicated.
          tr.querySelector("button.ack").addEventListener("click", ev => {
            tr.classList.remove("new"); tr.classList.add("acknowledged"); ev.target.disabled = true;
            document.body.classList.remove("alerting");
          });
          return tr;
        }
        function addAlarm(e, fresh) {
          if (open.has(e.id)) return;
          open.set(e.id, e);
          $("#alarms tbody").prepend(alarmRow(e, fresh));
          countAlarms();
          if (fresh) {
            beep();
            document.body.classList.add("alerting");
            setTimeout(() => document.body.classList.remove("alerting"), 3000);
          }
        }
        function removeAlarm(id) {
          open.delete(id);
          const tr = $(`#alarms tr[data-event="${id}"]`);
          if (tr) tr.remove();
          countAlarms();
        }
        function countAlarms() {
          $("#alarm-count").textContent = open.size;
          $("#alarms-empty").hidden = open.size > 0;
        }
        async function adjudicate(id, form) {
          const body = {outcome: form.outcome.value, note: form.note.value, secondaryInspection: form.secondaryInspection.value,
            isotopes: form.isotopes.value.split(",").map(s => s.trim()).filter(Boolean)};
          const r = await api(`/api/v1/alarms/${encodeURIComponent(id)}/adjudication`,
            {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)});
          if (r.ok) { removeAlarm(id); refresh(); } else { alert("Not recorded: " + (await r.json()).error); }
        }
        function connectLive() {
          if (socket) return;
          const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/api/v1/live";
          socket = new WebSocket(url);
          socket.onopen = () => { $("#live-status").textContent = "live"; $("#live-status").className = "online"; };
          socket.onclose = () => {
            socket = null; $("#live-status").textContent = "offline"; $("#live-status").className = "offline";
            if (me) setTimeout(connectLive, 2000);
          };
          socket.onmessage = m => {
            const f = JSON.parse(m.data);
            if (f.type === "event" && f.event.severity === "alarm") addAlarm(f.event, true);
            if (f.type === "event" && f.event.kind === "device.status") refresh();
            if (f.type === "event" && f.event.kind.startsWith("transit.")) refreshTransits().catch(() => {});
            if (f.type === "adjudication") { removeAlarm(f.adjudication.eventID); refresh(); }
          };
        }
        async function refresh() {
          if (!me) return;
          try {
            const urls = ["/api/v1/events?order=desc&limit=30", "/api/v1/devices", "/api/v1/lanes", "/api/v1/alarms?state=adjudicated"];
            const [ev, dv, ln, adj] = await Promise.all(urls.map(u => api(u).then(r => r.json())));
            await refreshTransits();
            $("#events tbody").innerHTML = ev.events.map(e =>
              `<tr class="${e.severity}"><td>${esc(e.observedAt)}</td><td>${esc(e.kind)}</td><td>${esc(e.device.id)}</td><td>${esc(e.lane)}</td><td>${esc(details(e))}</td></tr>`).join("");
            $("#devices tbody").innerHTML = dv.devices.map(d =>
              `<tr><td>${esc(d.id)}<div class="muted">${esc(d.profile)} · ${esc(d.port)}</div></td><td class="${d.state}">${esc(d.state)}${d.connections ? ` (${d.connections} connected)` : ""}</td><td>${esc(d.reason)}</td><td>${esc(d.lastFrameAt ?? "never")}</td><td>${sum(d.counters.rejected)}</td></tr>`).join("");
            $("#lanes tbody").innerHTML = ln.lanes.map(l =>
              `<tr class="${l.lastOccupancy && l.lastOccupancy.severity === "alarm" ? "alarm" : ""}"><td>${esc(l.site)} / ${esc(l.lane)}</td><td>${l.occupancies}</td><td>${l.alarms}</td><td>${l.lastOccupancy ? esc(details(l.lastOccupancy)) : "–"}</td><td class="passage">${passage(l.latestPassage)}</td></tr>`).join("");
            $("#adjudicated tbody").innerHTML = adj.alarms.slice(0, 20).map(a =>
              `<tr data-event="${esc(a.event.id)}"><td>${esc(a.event.kind)} · ${esc(a.event.device.id)} · ${esc(a.event.observedAt)}</td><td>${esc(a.adjudication.outcome)}</td><td>${esc(a.adjudication.secondaryInspection)}</td><td>${esc(a.adjudication.note)}</td><td>${esc(a.adjudication.by)}</td><td>${esc(a.adjudication.at)}</td></tr>`).join("");
            if (me.role === "admin") {
              const ad = await api("/api/v1/admission/pending").then(r => r.json());
              $("#admission-count").textContent = ad.pending.length;
              $("#admission tbody").innerHTML = ad.pending.map(p =>
                `<tr data-device="${esc(p.device)}" data-unit="${esc(p.unit)}"><td>${esc(p.device)}</td><td>${esc(p.unit)}</td><td>${esc(p.verdict)}</td><td>${esc(p.firstSeen)}</td><td>${esc(p.lastSeen)}</td><td>${esc(p.remoteAddress)}</td><td>${p.frames}</td><td><button class="approve">Approve</button> <button class="deny">Deny</button></td></tr>`).join("");
              const au = await api("/api/v1/audit?limit=30").then(r => r.json());
              $("#audit tbody").innerHTML = au.entries.map(a =>
                `<tr><td>${esc(a.at)}</td><td>${esc(a.actor)} (${esc(a.role)})</td><td>${esc(a.action)}</td><td>${esc(a.target)}</td></tr>`).join("");
            }
            $("#updated").textContent = "updated " + new Date().toLocaleTimeString();
          } catch (err) { $("#updated").textContent = "hub unreachable: " + err.message; }
        }
        function showLogin() {
          me = null; clearInterval(timer);
          $("#login-user").value = ""; $("#login-password").value = "";
          open.clear(); $("#alarms tbody").innerHTML = ""; $("#audit tbody").innerHTML = "";
          $("#login").hidden = false; $("#board").hidden = true; $("#logout").hidden = true; $("#who").textContent = "";
          if (socket) socket.close();
        }
        async function start() {
          $("#login").hidden = true; $("#board").hidden = false; $("#logout").hidden = false;
          $("#who").textContent = `${me.name} (${me.role})`;
          $("#audit-section").hidden = me.role !== "admin";
          $("#admission-section").hidden = me.role !== "admin";
          const pending = await api("/api/v1/alarms?state=open").then(r => r.json());
          pending.alarms.slice().reverse().forEach(a => addAlarm(a.event, false));
          countAlarms(); connectLive(); refresh();
          timer = setInterval(refresh, 2000);
        }
        $("#login").addEventListener("submit", async ev => {
          ev.preventDefault();
          // Created inside the click so that browsers allow it to sound later.
          try { audio = audio || new AudioContext(); } catch (err) {}
          const r = await fetch("/api/v1/login", {method: "POST", headers: {"Content-Type": "application/json"},
            body: JSON.stringify({user: $("#login-user").value, password: $("#login-password").value})});
          if (!r.ok) { $("#login-error").textContent = "Unknown user or wrong password."; return; }
          const s = await r.json();
          me = {name: s.user, role: s.role};
          $("#login-error").textContent = "";
          $("#login-password").value = "";
          start();
        });
        $("#admission").addEventListener("click", async ev => {
          const b = ev.target.closest("button"), tr = ev.target.closest("tr");
          if (!b || !tr) return;
          const verb = b.classList.contains("approve") ? "approve" : "deny";
          await api(`/api/v1/admission/${encodeURIComponent(tr.dataset.device)}/${encodeURIComponent(tr.dataset.unit)}/${verb}`, {method: "POST"});
          refresh();
        });
        $("#logout").addEventListener("click", async () => { await fetch("/api/v1/logout", {method: "POST"}); showLogin(); });
        fetch("/api/v1/whoami").then(r => r.ok ? r.json() : null).then(w => { if (w) { me = w; start(); } else showLogin(); });
        """#
}
