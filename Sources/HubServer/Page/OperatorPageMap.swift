/// The operator page's transit map: each watched transit's corridor (its tolerance as a band), the
/// seal's recent track with points outside the corridor in red, a marker where it left, and its
/// position labelled with declaration, seal and status. SVG drawn in the page, no tiles: an
/// equirectangular projection fitted to the bounding box of everything shown, and a scale bar.
enum OperatorPageMap {
    static let js = #"""
        const MAP_W = 900, MAP_H = 420, MAP_M = 28, M_PER_DEG = 111320;
        const statusWords = {"on-route": "on route", "deviated": "DEVIATED", "overdue": "OVERDUE", "signal-lost": "signal lost", "seal-alarm": "SEAL"};
        function statusText(t) { return t.status === "seal-alarm" ? "SEAL " + String(t.sealReport || "opened").toUpperCase() : statusWords[t.status] || t.status; }
        function niceMetres(m) {
          const steps = [50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000, 200000, 500000];
          return steps.filter(s => s <= m).pop() || steps[0];
        }
        function projection(list) {
          const lats = [], lons = [];
          list.forEach(t => { t.corridor.forEach(p => { lats.push(p[0]); lons.push(p[1]); });
            t.track.forEach(p => { lats.push(p.lat); lons.push(p.lon); }); });
          let [a, b, c, d] = [Math.min(...lats), Math.max(...lats), Math.min(...lons), Math.max(...lons)];
          if (b - a < 0.005) { a -= 0.0025; b += 0.0025; }
          if (d - c < 0.005) { c -= 0.0025; d += 0.0025; }
          const k = Math.cos((a + b) / 2 * Math.PI / 180);
          const s = Math.min((MAP_W - 2 * MAP_M) / ((d - c) * k), (MAP_H - 2 * MAP_M) / (b - a));
          const ox = (MAP_W - (d - c) * k * s) / 2, oy = (MAP_H - (b - a) * s) / 2;
          // s is pixels per degree of latitude; a metre is s / M_PER_DEG pixels.
          return {x: lon => (ox + (lon - c) * k * s).toFixed(1), y: lat => (MAP_H - oy - (lat - a) * s).toFixed(1), pxPerM: s / M_PER_DEG};
        }
        function transitSVG(t, p) {
          const line = t.corridor.map(q => p.x(q[1]) + "," + p.y(q[0])).join(" ");
          const track = t.track.map(q => p.x(q.lon) + "," + p.y(q.lat)).join(" ");
          const outside = t.track.filter(q => q.outside).map(q =>
            `<circle class="outside" cx="${p.x(q.lon)}" cy="${p.y(q.lat)}" r="3"><title>${q.distanceM} m off the corridor at ${esc(q.at)}</title></circle>`).join("");
          const first = t.corridor[0], last = t.corridor[t.corridor.length - 1];
          let svg = `<g class="transit ${esc(t.status)}" data-declaration="${esc(t.declaration)}">
            <polyline class="buffer" points="${line}" stroke-width="${Math.max(2, 2 * t.bufferM * p.pxPerM).toFixed(1)}"><title>corridor ± ${t.bufferM} m</title></polyline>
            <polyline class="corridor" points="${line}" data-declaration="${esc(t.declaration)}"/>
            <text class="place" x="${p.x(first[1])}" y="${p.y(first[0])}" dy="-8">${esc(t.origin)}</text>
            <text class="place" x="${p.x(last[1])}" y="${p.y(last[0])}" dy="-8">${esc(t.destination)}</text>`;
          if (t.track.length > 1) svg += `<polyline class="track" points="${track}"/>`;
          svg += outside;
          if (t.leftAt) {
            // Below the cross, on the side away from the label of the position.
            const x = p.x(t.leftAt.lon), y = p.y(t.leftAt.lat), right = x > MAP_W * 0.55;
            svg += `<g class="left-at"><path d="M${x},${y} m-6,-6 l12,12 m0,-12 l-12,12"/><text x="${x}" y="${y}" dy="24" text-anchor="${right ? "end" : "start"}">left corridor ${esc(t.leftAt.at.slice(11, 19))}</text></g>`;
          }
          if (t.position) {
            const q = t.position, right = p.x(q.lon) > MAP_W * 0.55;
            svg += `<circle class="position" cx="${p.x(q.lon)}" cy="${p.y(q.lat)}" r="7" data-declaration="${esc(t.declaration)}" data-lat="${q.lat}" data-lon="${q.lon}"><title>${esc(q.at)}</title></circle>
              <text class="label" x="${p.x(q.lon)}" y="${p.y(q.lat)}" dx="${right ? -12 : 12}" dy="-10" text-anchor="${right ? "end" : "start"}">${esc(t.declaration)} · seal ${esc(t.seal)} · ${esc(statusText(t))}</text>`;
          }
          return svg + "</g>";
        }
        function scaleBar(p) {
          const m = niceMetres(MAP_W / 5 / p.pxPerM), w = (m * p.pxPerM).toFixed(1), y = MAP_H - 12;
          return `<g class="scale"><path d="M12,${y - 5} v5 h${w} v-5"/><text x="${12 + w / 2}" y="${y - 8}">${m >= 1000 ? m / 1000 + " km" : m + " m"}</text></g>`;
        }
        function drawTransits(list) {
          const svg = $("#transit-map");
          $("#transits-empty").hidden = list.length > 0;
          // An SVG element has no `hidden` property: the attribute itself.
          svg.toggleAttribute("hidden", list.length === 0);
          $("#transit-list tbody").innerHTML = list.map(t =>
            `<tr class="${t.status === "on-route" ? "" : "alarm"}" data-declaration="${esc(t.declaration)}"><td>${esc(t.declaration)}</td><td>${esc(t.seal)}</td><td>${esc(t.origin)} → ${esc(t.destination)}</td><td class="status">${esc(statusText(t))}</td><td>${t.position ? t.position.lat.toFixed(5) + ", " + t.position.lon.toFixed(5) + " · " + t.position.distanceM + " m off" : "–"}</td><td>${t.deviations}</td><td>${esc(t.lastFinding)}</td></tr>`).join("");
          if (!list.length) { svg.innerHTML = ""; return; }
          const p = projection(list);
          svg.innerHTML = list.map(t => transitSVG(t, p)).join("") + scaleBar(p);
        }
        async function refreshTransits() {
          if (!me) return;
          const r = await api("/api/v1/transits").then(r => r.json());
          drawTransits(r.transits);
        }
        """#
}
