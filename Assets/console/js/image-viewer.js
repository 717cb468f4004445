// The scan image viewer: the hub's 16-bit tile pyramid (GET /api/v1/images/{sha256} and its tiles)
// drawn on a canvas with window/level, invert, edge enhancement, a pseudo-colour ramp and, for a
// dual-energy pair, material colours; zoom and pan; the scanner's threat regions; regions the
// analyst draws; a ruler in metres from the pixel spacing. Only the tiles in view are fetched, at
// the level that matches the zoom, so a 10,000 × 2,000 scan opens as fast as a small one.
import { api } from "./api.js";
import { lut, sharpen, materialPixels } from "./image-lut.js";
import { number } from "./format.js";

const MAX_TILES = 400; // tiles kept in memory (about 50 MB of 16-bit samples)

/** Fetches one image's description; throws with the hub's reason when it refused the file. */
async function describe(sha) {
  const r = await api(`/api/v1/images/${sha}`);
  if (!r.ok) {
    let reason = `${r.status}`;
    try { reason = (await r.json()).error || reason; } catch { /* not JSON */ }
    throw new Error(reason);
  }
  return r.json();
}

export class ImageViewer {
  /**
   * @param host element the canvas goes into
   * @param options.onRegions called with the analyst's regions whenever they change
   * @param options.onMeasure called with a ruler's length in metres (or pixels when the spacing is unknown)
   */
  constructor(host, {onRegions = () => {}, onMeasure = () => {}} = {}) {
    this.canvas = document.createElement("canvas");
    this.canvas.className = "viewer-canvas";
    this.canvas.tabIndex = 0;
    host.append(this.canvas);
    this.ctx = this.canvas.getContext("2d");
    this.onRegions = onRegions;
    this.onMeasure = onMeasure;
    this.settings = {center: 32768, width: 65536, invert: false, ramp: "grey", edge: false, material: false};
    this.tool = "pan";
    this.regions = [];
    this.atd = [];
    this.tiles = new Map();
    this.rendered = new Map();
    this.generation = 0;
    this.wire();
    new ResizeObserver(() => this.resize()).observe(host);
  }

  /** Shows `image` ({sha256, name}); `low` is the low-energy partner's SHA-256 for a dual-energy pair. */
  async show(image, {atdRegions = [], regions = [], reviewed = [], low = null} = {}) {
    this.image = image;
    this.info = await describe(image.sha256);
    this.lowInfo = low ? await describe(low).catch(() => null) : null;
    this.low = this.lowInfo ? low : null;
    this.atd = atdRegions;
    this.reviewed = reviewed;
    this.regions = regions;
    this.tiles.clear();
    this.rendered.clear();
    this.settings.center = this.info.window.center;
    this.settings.width = this.info.window.width;
    this.settings.material = false;
    this.resize();
    this.fit();
    return this.info;
  }

  /** Whether a material view can be shown (a dual-energy pair of the same size). */
  get dualEnergy() { return !!(this.lowInfo && this.lowInfo.width === this.info.width && this.lowInfo.height === this.info.height); }

  /** Changes window, level, inversion, ramp, edges or material colouring, and redraws. */
  set(changes) {
    Object.assign(this.settings, changes);
    this.table = null;
    this.rendered.clear();
    this.draw();
  }

  /** The metres one level-0 pixel spans across and down, or null when the file gave no spacing. */
  get spacing() {
    const s = this.info && this.info.pixelSpacing;
    return s ? {x: s.columnMm / 1000, y: s.rowMm / 1000} : null;
  }

  resize() {
    const r = this.canvas.parentElement.getBoundingClientRect();
    const w = Math.max(200, Math.floor(r.width)), h = Math.max(200, Math.floor(r.height));
    if (this.canvas.width === w && this.canvas.height === h) return;
    this.canvas.width = w;
    this.canvas.height = h;
    if (this.info) this.draw();
  }

  /** The whole image in view. */
  fit() {
    if (!this.info) return;
    this.scale = Math.min(this.canvas.width / this.info.width, this.canvas.height / this.info.height);
    this.ox = -(this.canvas.width / this.scale - this.info.width) / 2;
    this.oy = -(this.canvas.height / this.scale - this.info.height) / 2;
    this.draw();
  }

  /** Zooms by `factor` keeping the image point under canvas position (cx, cy) in place. */
  zoom(factor, cx = this.canvas.width / 2, cy = this.canvas.height / 2) {
    const min = Math.min(this.canvas.width / this.info.width, this.canvas.height / this.info.height) / 2;
    const next = Math.min(16, Math.max(min, this.scale * factor));
    const ix = this.ox + cx / this.scale, iy = this.oy + cy / this.scale;
    this.scale = next;
    this.ox = ix - cx / next;
    this.oy = iy - cy / next;
    this.draw();
  }

  /** The pyramid level whose pixels are no smaller than the screen's at this zoom. */
  level() {
    const n = this.info.levels.length - 1;
    return Math.max(0, Math.min(n, Math.floor(Math.log2(1 / this.scale))));
  }

  /** Canvas position of level-0 image point (x, y). */
  toScreen(x, y) { return [(x - this.ox) * this.scale, (y - this.oy) * this.scale]; }
  toImage(cx, cy) { return [this.ox + cx / this.scale, this.oy + cy / this.scale]; }

  async tile(sha, level, c, r) {
    const key = `${sha}/${level}/${c}/${r}`;
    let t = this.tiles.get(key);
    if (!t) {
      t = api(`/api/v1/images/${sha}/tiles/${level}/${c}/${r}`).then(async resp => {
        if (!resp.ok) throw new Error(`tile ${key}: ${resp.status}`);
        const w = +resp.headers.get("X-Tile-Width"), h = +resp.headers.get("X-Tile-Height");
        // Little-endian 16-bit samples: the byte order of every platform a browser runs on here.
        return {w, h, samples: new Uint16Array(await resp.arrayBuffer())};
      });
      this.tiles.set(key, t);
      if (this.tiles.size > MAX_TILES) this.tiles.delete(this.tiles.keys().next().value);
    }
    return t;
  }

  /** A tile drawn in the current settings, as a canvas (kept until the settings change). */
  async renderTile(level, c, r) {
    const key = `${level}/${c}/${r}`;
    if (this.rendered.has(key)) return this.rendered.get(key);
    const t = await this.tile(this.image.sha256, level, c, r);
    this.table = this.table || lut(this.settings);
    const pixels = new Uint32Array(t.w * t.h);
    const samples = this.settings.edge ? sharpen(t.samples, t.w, t.h) : t.samples;
    if (this.settings.material && this.dualEnergy) {
      const lowTile = await this.tile(this.low, level, c, r);
      materialPixels(samples, lowTile.samples, this.table, pixels);
    } else {
      const table = this.table;
      for (let i = 0; i < pixels.length; i++) pixels[i] = table[samples[i]];
    }
    const canvas = document.createElement("canvas");
    canvas.width = t.w;
    canvas.height = t.h;
    canvas.getContext("2d").putImageData(new ImageData(new Uint8ClampedArray(pixels.buffer), t.w, t.h), 0, 0);
    this.rendered.set(key, canvas);
    return canvas;
  }

  /** The tiles of `level` that cover the view. */
  visible(level) {
    const l = this.info.levels[level], size = this.info.tileSize * 2 ** level;
    const [x0, y0] = this.toImage(0, 0), [x1, y1] = this.toImage(this.canvas.width, this.canvas.height);
    const out = [];
    for (let r = Math.max(0, Math.floor(y0 / size)); r <= Math.min(l.rows - 1, Math.floor(y1 / size)); r++)
      for (let c = Math.max(0, Math.floor(x0 / size)); c <= Math.min(l.columns - 1, Math.floor(x1 / size)); c++) out.push([c, r]);
    return out;
  }

  /** Redraws: the coarsest level under everything (so nothing is blank while tiles arrive), then the level for this zoom. */
  async draw() {
    if (!this.info) return;
    const generation = ++this.generation;
    const level = this.level(), coarsest = this.info.levels.length - 1;
    const layers = level === coarsest ? [coarsest] : [coarsest, level];
    const jobs = layers.flatMap(l => this.visible(l).map(([c, r]) => this.renderTile(l, c, r).then(canvas => ({l, c, r, canvas}))));
    const drawn = await Promise.allSettled(jobs);
    if (generation !== this.generation) return; // a newer draw started while tiles arrived
    const ctx = this.ctx;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = "#111";
    ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.imageSmoothingEnabled = this.scale < 1;
    for (const d of drawn) {
      if (d.status !== "fulfilled") continue;
      const {l, c, r, canvas} = d.value, f = 2 ** l, size = this.info.tileSize * f;
      const [sx, sy] = this.toScreen(c * size, r * size);
      ctx.drawImage(canvas, sx, sy, canvas.width * f * this.scale, canvas.height * f * this.scale);
    }
    this.overlay();
    Object.assign(this.canvas.dataset, {
      level, scale: this.scale, ox: this.ox, oy: this.oy, center: this.settings.center, width: this.settings.width, drawn: generation,
    });
    this.canvas.dispatchEvent(new CustomEvent("drawn", {detail: {level}}));
  }

  overlay() {
    const ctx = this.ctx;
    const box = (reg, colour, dash, label) => {
      const [x, y] = this.toScreen(reg.x, reg.y);
      ctx.strokeStyle = colour;
      ctx.lineWidth = 2;
      ctx.setLineDash(dash);
      ctx.strokeRect(x, y, reg.width * this.scale, reg.height * this.scale);
      ctx.setLineDash([]);
      if (label) {
        ctx.font = "13px system-ui, sans-serif";
        const w = ctx.measureText(label).width + 8;
        ctx.fillStyle = colour;
        ctx.fillRect(x, y - 18, w, 18);
        ctx.fillStyle = "#000";
        ctx.fillText(label, x + 4, y - 5);
      }
    };
    const mine = reg => !reg.image || reg.image === this.image.name;
    this.atd.filter(mine).forEach(reg => box(reg, "#ff9f1a", [6, 4], reg.label));
    (this.reviewed || []).filter(mine).forEach(reg => box(reg, "#ff5fd2", [2, 3], reg.label));
    this.regions.filter(mine).forEach((reg, i) => box(reg, "#35d0ff", [], `${i + 1}${reg.label ? " · " + reg.label : ""}`));
    if (this.dragging && this.dragging.mark) box(this.dragging.mark, "#35d0ff", [3, 3]);
    if (this.ruler) {
      const [a, b] = [this.toScreen(this.ruler.x0, this.ruler.y0), this.toScreen(this.ruler.x1, this.ruler.y1)];
      ctx.strokeStyle = "#ffe14d";
      ctx.lineWidth = 2;
      ctx.beginPath(); ctx.moveTo(...a); ctx.lineTo(...b); ctx.stroke();
      ctx.font = "bold 14px system-ui, sans-serif";
      ctx.fillStyle = "#ffe14d";
      ctx.fillText(this.ruler.text || "", b[0] + 6, b[1] - 6);
    }
  }

  /** Length of the ruler: metres from the pixel spacing, else pixels. */
  measure(r) {
    const dx = r.x1 - r.x0, dy = r.y1 - r.y0, s = this.spacing;
    return s ? {metres: Math.hypot(dx * s.x, dy * s.y)} : {pixels: Math.hypot(dx, dy)};
  }

  wire() {
    const c = this.canvas;
    const at = ev => { const b = c.getBoundingClientRect(); return [ev.clientX - b.left, ev.clientY - b.top]; };
    c.addEventListener("wheel", ev => { ev.preventDefault(); if (this.info) this.zoom(ev.deltaY < 0 ? 1.25 : 0.8, ...at(ev)); }, {passive: false});
    c.addEventListener("pointerdown", ev => {
      if (!this.info) return;
      c.setPointerCapture(ev.pointerId);
      const [cx, cy] = at(ev), [ix, iy] = this.toImage(cx, cy);
      this.dragging = {cx, cy, ix, iy, ox: this.ox, oy: this.oy};
      if (this.tool === "measure") this.ruler = {x0: ix, y0: iy, x1: ix, y1: iy};
    });
    c.addEventListener("pointermove", ev => {
      const d = this.dragging;
      if (!d) return;
      const [cx, cy] = at(ev), [ix, iy] = this.toImage(cx, cy);
      if (this.tool === "pan") {
        this.ox = d.ox - (cx - d.cx) / this.scale;
        this.oy = d.oy - (cy - d.cy) / this.scale;
      } else if (this.tool === "mark") {
        d.mark = this.clampBox(d.ix, d.iy, ix, iy);
      } else if (this.tool === "measure") {
        Object.assign(this.ruler, {x1: ix, y1: iy});
        this.ruler.text = this.rulerText(this.measure(this.ruler));
      }
      this.draw();
    });
    c.addEventListener("pointerup", () => {
      const d = this.dragging;
      this.dragging = null;
      if (!d) return;
      if (this.tool === "mark" && d.mark && d.mark.width >= 2 && d.mark.height >= 2) {
        this.regions = [...this.regions, {image: this.image.name, ...d.mark, label: ""}];
        this.onRegions(this.regions);
      }
      if (this.tool === "measure" && this.ruler) this.onMeasure(this.measure(this.ruler));
      this.draw();
    });
    c.addEventListener("keydown", ev => {
      if (ev.key === "+" || ev.key === "=") this.zoom(1.25);
      else if (ev.key === "-") this.zoom(0.8);
      else if (ev.key === "0") this.fit();
    });
  }

  rulerText(m) { return m.metres != null ? `${number(m.metres, 2)} m` : `${number(m.pixels)} px`; }

  /** A rectangle between two image points, in whole level-0 pixels, inside the image. */
  clampBox(x0, y0, x1, y1) {
    const cl = (v, max) => Math.max(0, Math.min(max, Math.round(v)));
    const ax = cl(Math.min(x0, x1), this.info.width), ay = cl(Math.min(y0, y1), this.info.height);
    const bx = cl(Math.max(x0, x1), this.info.width), by = cl(Math.max(y0, y1), this.info.height);
    return {x: ax, y: ay, width: bx - ax, height: by - ay};
  }

  /** Regions earlier analysts marked in their verdicts (labelled with who), drawn apart from one's own. */
  setReviewed(regions) { this.reviewed = regions; this.draw(); }

  /** Replaces the analyst's regions (a label typed, a region removed) and redraws. */
  setRegions(regions) { this.regions = regions; this.draw(); }
}

/** Draws an image's coarsest pyramid level, in its suggested window, into a small canvas (earlier scans side by side). */
export async function thumbnail(sha, canvas) {
  const info = await describe(sha);
  const top = info.levels.length - 1, l = info.levels[top];
  const resp = await api(`/api/v1/images/${sha}/tiles/${top}/0/0`);
  if (!resp.ok || l.columns !== 1 || l.rows !== 1) return;
  const samples = new Uint16Array(await resp.arrayBuffer());
  const table = lut(info.window), pixels = new Uint32Array(l.width * l.height);
  for (let i = 0; i < pixels.length; i++) pixels[i] = table[samples[i]];
  const tile = document.createElement("canvas");
  tile.width = l.width;
  tile.height = l.height;
  tile.getContext("2d").putImageData(new ImageData(new Uint8ClampedArray(pixels.buffer), l.width, l.height), 0, 0);
  const k = Math.min(canvas.width / l.width, canvas.height / l.height);
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#111";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(tile, (canvas.width - l.width * k) / 2, (canvas.height - l.height * k) / 2, l.width * k, l.height * k);
}
