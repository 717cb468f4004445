// The raw evidence as the hub keeps it: a raw record's exact bytes (GET /api/v1/raw/{sha256}, given
// as base64) or a scan image (GET /api/v1/blobs/{sha256}), checked in this browser: its SHA-256 is
// computed from the bytes received and compared with the hash the event names, then the same bytes
// are saved as a file. crypto.subtle exists only in secure contexts (https, or loopback); elsewhere
// the hash is computed by the plain implementation below (FIPS 180-4).
import { api, json } from "./api.js";

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
  0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
  0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
  0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
  0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2]);

/** SHA-256 of `bytes` in plain JavaScript, as lower-case hex. */
export function sha256Plain(bytes) {
  const h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  const total = Math.ceil((bytes.length + 9) / 64) * 64;
  const m = new Uint8Array(total);
  m.set(bytes);
  m[bytes.length] = 0x80;
  const view = new DataView(m.buffer);
  view.setUint32(total - 8, Math.floor(bytes.length / 0x20000000));
  view.setUint32(total - 4, (bytes.length * 8) >>> 0);
  const w = new Uint32Array(64);
  const rotr = (x, n) => (x >>> n) | (x << (32 - n));
  for (let off = 0; off < total; off += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(off + 4 * i);
    for (let i = 16; i < 64; i++) {
      const s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
      const s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) >>> 0;
    }
    let [a, b, c, d, e, f, g, k] = h;
    for (let i = 0; i < 64; i++) {
      const t1 = (k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) >>> 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
      k = g; g = f; f = e; e = (d + t1) >>> 0; d = c; c = b; b = a; a = (t1 + t2) >>> 0;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += k;
  }
  return Array.from(h, x => x.toString(16).padStart(8, "0")).join("");
}

/** SHA-256 of `bytes` as lower-case hex, and how it was computed (`subtle` or `plain`). */
export async function sha256(bytes) {
  if (window.crypto && window.crypto.subtle) {
    const d = await window.crypto.subtle.digest("SHA-256", bytes);
    return {hex: Array.from(new Uint8Array(d), b => b.toString(16).padStart(2, "0")).join(""), how: "subtle"};
  }
  return {hex: sha256Plain(bytes), how: "plain"};
}

export function fromBase64(b64) {
  const s = atob(b64 || "");
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** A raw record's bytes, with its device, format and times. */
export async function rawRecord(sha) {
  const r = await json(`/api/v1/raw/${encodeURIComponent(sha)}`);
  return {bytes: fromBase64(r.base64), record: r};
}

/** A stored scan image's bytes. */
export async function blob(sha) {
  const r = await api(`/api/v1/blobs/${encodeURIComponent(sha)}`);
  if (!r.ok) throw new Error(`${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

/** A file name that says what the bytes are: device, first hash digits, and an extension by content. */
export function fileName(device, sha, bytes) {
  const head = String.fromCharCode(...bytes.slice(0, 5));
  const ext = head.startsWith("{") || head.startsWith("[") ? "json" : head.startsWith("<") ? "xml" : head.startsWith("P5") || head.startsWith("P2") ? "pgm"
    : head.startsWith("\x89PNG") ? "png" : bytes.every(b => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127)) ? "txt" : "bin";
  return `${String(device || "hub").replace(/[^A-Za-z0-9_-]/g, "_")}-${sha.slice(0, 12)}.${ext}`;
}

/** Offers `bytes` to the person as a file, exactly as received. */
export function save(bytes, name) {
  const url = URL.createObjectURL(new Blob([bytes], {type: "application/octet-stream"}));
  const a = document.createElement("a");
  a.href = url; a.download = name; a.hidden = true;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** A PGM image (P5 binary or P2 text, 8 or 16 bits), as a scanner writes its greyscale views: width, height, 0–255 values. */
export function pgm(bytes) {
  let pos = 0;
  const token = () => {
    for (;;) {
      while (pos < bytes.length && /\s/.test(String.fromCharCode(bytes[pos]))) pos++;
      if (bytes[pos] !== 35) break; // '#': a comment to the end of the line
      while (pos < bytes.length && bytes[pos] !== 10) pos++;
    }
    let s = "";
    while (pos < bytes.length && !/\s/.test(String.fromCharCode(bytes[pos]))) s += String.fromCharCode(bytes[pos++]);
    return s;
  };
  const magic = token();
  if (magic !== "P5" && magic !== "P2") return null;
  const width = Number(token()), height = Number(token()), max = Number(token());
  if (!(width > 0 && height > 0 && max > 0 && max < 65536) || width * height > 64e6) return null;
  const out = new Uint8ClampedArray(width * height);
  if (magic === "P5") {
    pos++;
    const two = max > 255;
    for (let i = 0; i < out.length; i++) {
      const v = two ? (bytes[pos + 2 * i] << 8) | bytes[pos + 2 * i + 1] : bytes[pos + i];
      out[i] = Math.round(((v || 0) * 255) / max);
    }
  } else {
    for (let i = 0; i < out.length; i++) out[i] = Math.round((Number(token()) * 255) / max);
  }
  return {width, height, values: out};
}

/** Draws a greyscale image onto `canvas` at its own size (CSS scales it). */
export function drawGrey(canvas, img) {
  canvas.width = img.width; canvas.height = img.height;
  const ctx = canvas.getContext("2d");
  const data = ctx.createImageData(img.width, img.height);
  for (let i = 0; i < img.values.length; i++) {
    const v = img.values[i];
    data.data[4 * i] = v; data.data[4 * i + 1] = v; data.data[4 * i + 2] = v; data.data[4 * i + 3] = 255;
  }
  ctx.putImageData(data, 0, 0);
}
