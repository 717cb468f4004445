// Turning 16-bit scanner samples into screen colours: window/level, invert, a pseudo-colour ramp,
// edge enhancement, and dual-energy material colouring. Pure functions on typed arrays, so the
// viewer can redraw at the speed of a slider and a test can compute what a pixel must be.

/** The ramps an analyst can pick; each maps 0…255 grey to RGB. */
export const RAMPS = ["grey", "hot", "spectrum"];

/** Grey level 0…255 of sample `v` for a window of `width` centred on `center` (the DICOM linear rule). */
export function windowed(v, center, width) {
  const w = Math.max(1, width);
  const low = center - w / 2;
  const g = Math.round(((v - low) / w) * 255);
  return g < 0 ? 0 : g > 255 ? 255 : g;
}

function rampColour(ramp, g) {
  if (ramp === "hot") {
    // Black → red → yellow → white: small differences in dense cargo stand out.
    return [Math.min(255, g * 3), Math.min(255, Math.max(0, g * 3 - 255)), Math.max(0, g * 3 - 510)];
  }
  if (ramp === "spectrum") {
    // Blue → cyan → green → yellow → red, by hue.
    const h = (1 - g / 255) * 240;
    const x = 1 - Math.abs(((h / 60) % 2) - 1);
    const [r, gg, b] = h < 60 ? [1, x, 0] : h < 120 ? [x, 1, 0] : h < 180 ? [0, 1, x] : h < 240 ? [0, x, 1] : [0, 0, 1];
    return [Math.round(r * 255), Math.round(gg * 255), Math.round(b * 255)];
  }
  return [g, g, g];
}

/**
 * A lookup table of 65,536 RGBA colours, one per 16-bit sample value, for the window, inversion
 * and ramp given. Building it costs one pass over 65,536 entries; drawing is then one lookup a pixel.
 */
export function lut({center, width, invert = false, ramp = "grey"}) {
  const table = new Uint32Array(65536);
  const colours = new Uint32Array(256);
  for (let g = 0; g < 256; g++) {
    const [r, gg, b] = rampColour(ramp, invert ? 255 - g : g);
    colours[g] = (255 << 24) | (b << 16) | (gg << 8) | r; // little-endian RGBA in one word
  }
  const w = Math.max(1, width);
  const low = center - w / 2;
  for (let v = 0; v < 65536; v++) {
    let g = Math.round(((v - low) / w) * 255);
    g = g < 0 ? 0 : g > 255 ? 255 : g;
    table[v] = colours[g];
  }
  return table;
}

/**
 * Edge enhancement (an unsharp mask): each sample plus `amount` times its difference from the mean
 * of its 3×3 neighbourhood, clamped to 16 bits. Edges inside a tile only; a tile's border keeps its values.
 */
export function sharpen(samples, w, h, amount = 1.5) {
  const out = new Uint16Array(samples);
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      let sum = 0;
      for (let dy = -w; dy <= w; dy += w) sum += samples[i + dy - 1] + samples[i + dy] + samples[i + dy + 1];
      const v = samples[i] + amount * (samples[i] - sum / 9);
      out[i] = v < 0 ? 0 : v > 65535 ? 65535 : v;
    }
  }
  return out;
}

/** Material classes from a dual-energy pair, in the colours analysts know: organic orange, inorganic green, metal blue. */
export const MATERIALS = {organic: [235, 140, 40], inorganic: [60, 170, 70], metal: [50, 90, 210]};

/**
 * The material of one pixel from its high- and low-energy transmissions (0…full): the ratio of
 * attenuations ln(full/low) / ln(full/high) grows with the atomic number, since the photoelectric
 * effect that dominates at low energy rises steeply with Z. Null where almost nothing attenuates.
 */
export function material(high, low, full = 65535) {
  const h = Math.max(1, high), l = Math.max(1, low);
  const muHigh = Math.log(full / h), muLow = Math.log(full / l);
  if (muHigh < 0.2) return null; // more than 82 % through: air, not a material
  const r = muLow / muHigh;
  return r < MATERIAL_RATIO.inorganic ? "organic" : r < MATERIAL_RATIO.metal ? "inorganic" : "metal";
}
/** Where the attenuation ratio passes from organic to inorganic, and from inorganic to metal. */
export const MATERIAL_RATIO = {inorganic: 1.25, metal: 1.6};

/**
 * Pixels of a dual-energy tile: the material's colour, darkened by the windowed high-energy grey so
 * shapes stay readable; pixels that attenuate nothing are drawn from the grey table alone.
 */
export function materialPixels(high, low, table, out) {
  for (let i = 0; i < high.length; i++) {
    const m = material(high[i], low[i]);
    const grey = table[high[i]];
    if (!m) { out[i] = grey; continue; }
    const k = (grey & 255) / 255 * 0.75 + 0.25;
    const [r, g, b] = MATERIALS[m];
    out[i] = (255 << 24) | (Math.round(b * k) << 16) | (Math.round(g * k) << 8) | Math.round(r * k);
  }
}
