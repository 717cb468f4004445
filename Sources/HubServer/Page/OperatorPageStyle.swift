/// The operator page's style sheet: readable at a glance from a gate booth, alarms impossible to miss.
enum OperatorPageStyle {
    static let css = """
        [hidden]{display:none !important} header .online{color:#7ee2a8} header .offline{color:#ffb4ab}
        body{font:14px system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1d2330}
        header{background:#1d2330;color:#fff;padding:10px 18px;display:flex;gap:18px;align-items:baseline}
        header h1{font-size:18px;margin:0} .grow{flex:1} main{display:grid;grid-template-columns:1fr 1fr;gap:14px;padding:14px}
        section{background:#fff;border-radius:6px;padding:10px 14px;box-shadow:0 1px 2px #0002}
        section.wide{grid-column:1 / span 2} h2{font-size:15px;margin:4px 0 8px}
        table{border-collapse:collapse;width:100%} td,th{text-align:left;padding:4px 6px;border-bottom:1px solid #eee;vertical-align:top}
        .alarm{background:#fde2e1;color:#8b1512;font-weight:600} .warning{background:#fff4d6}
        .online{color:#11703a} .offline,.connecting,.tampered,.faulted{color:#a33} .degraded{color:#a60} .muted{color:#889}
        .badge{background:#8b1512;color:#fff;border-radius:9px;padding:0 8px;font-size:13px}
        #login{max-width:320px;margin:60px auto;background:#fff;padding:18px 22px;border-radius:6px;box-shadow:0 1px 3px #0003;display:grid;gap:10px}
        .error{color:#a33} form.adjudicate{display:flex;flex-wrap:wrap;gap:4px;font-weight:normal}
        form.adjudicate input[name=note]{flex:1;min-width:120px}
        @keyframes flash{0%,100%{background:#fde2e1}50%{background:#ff3b30;color:#fff}}
        tr.acknowledged{opacity:.85}
        #transit-map{width:100%;height:auto;background:#eef3f0;border-radius:4px}
        #transit-map .buffer{fill:none;stroke:#2e7d5b;stroke-opacity:.18;stroke-linecap:round;stroke-linejoin:round}
        #transit-map .corridor{fill:none;stroke:#2e7d5b;stroke-width:2;stroke-dasharray:6 4}
        #transit-map .track{fill:none;stroke:#1d4ed8;stroke-width:2.5} #transit-map .outside{fill:#d0211b}
        #transit-map .position{fill:#1d4ed8;stroke:#fff;stroke-width:2} #transit-map .deviated .position,#transit-map .seal-alarm .position,#transit-map .overdue .position{fill:#d0211b}
        #transit-map .left-at path{stroke:#d0211b;stroke-width:3} #transit-map text{font-size:12px;fill:#1d2330}
        #transit-map .left-at text{fill:#a31510} #transit-map .label{font-weight:600;paint-order:stroke;stroke:#fff;stroke-width:3px}
        #transit-map .place{fill:#2e7d5b;text-anchor:middle} #transit-map .scale path{fill:none;stroke:#1d2330;stroke-width:2} #transit-map .scale text{text-anchor:middle}
        tr.new{animation:flash .5s ease-in-out 6} body.alerting header{background:#b3261e}
        """
}
