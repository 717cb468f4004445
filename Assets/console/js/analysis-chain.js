// A raw record's place in the archive's hash chain, checked in this browser from
// GET /api/v1/raw/{sha256}/chain. Each stored row carries chain = SHA-256(previous chain ‖ canonical
// encoding of the row). The page does not take the hub's word (its `verified` flag is ignored): it
// rebuilds the canonical bytes from the record's fields, checks that they commit to the SHA-256 it
// computed from the downloaded bytes, recomputes the record's link from the previous value, and the
// next record's link from this one.
import { api } from "./api.js";
import * as evidence from "./evidence.js";

/** Big-endian 64-bit integer (seqs and counts stay far below 2^53). */
function int64(v) {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(v));
  return out;
}

/** UTF-8 text after its 64-bit length, as the hub's CanonicalEncoding writes it. */
function text(s) {
  const b = new TextEncoder().encode(String(s));
  return concat([int64(b.length), b]);
}

function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/** The canonical encoding of a raw record's link (tag niihub.raw/1), rebuilt from its fields. */
export function canonical(link) {
  return concat([text("niihub.raw/1"), int64(link.seq), text(link.sha256), text(link.format), text(link.device),
    text(link.firstReceivedAt), text(link.receivedAt), int64(link.frames)]);
}

function fromHex(hex) {
  const out = new Uint8Array((hex || "").length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(2 * i, 2), 16);
  return out;
}

function same(a, b) { return a.length === b.length && a.every((x, i) => x === b[i]); }

async function link(previousHex, bytes) { return (await evidence.sha256(concat([fromHex(previousHex), bytes]))).hex; }

/**
 * Checks the chain proof of the record whose downloaded bytes hash to `computed` (hex).
 * Returns {ok, seq, head, next: "verified" | "none" | "purged", why} where `why` names the first failed check.
 */
export async function check(sha, computed) {
  const r = await api(`/api/v1/raw/${encodeURIComponent(sha)}/chain`);
  const p = await r.json().catch(() => ({}));
  if (!r.ok) return {ok: false, why: "fetch", detail: p.error || String(r.status)};
  const out = {ok: false, seq: p.seq, head: p.head.seq, next: p.next ? "verified" : p.nextPurged ? "purged" : "none", previousPurged: p.previous.purged};
  const mine = canonical(p.link);
  if (p.link.sha256 !== computed || p.link.seq !== p.seq) return {...out, why: "hash"};
  if (!same(mine, evidence.fromBase64(p.canonical))) return {...out, why: "canonical"};
  if (!p.previous.chain) return {...out, why: "previous"};
  if (await link(p.previous.chain, mine) !== p.chain) return {...out, why: "link"};
  if (p.next) {
    const theirs = canonical(p.next.link);
    if (p.next.link.seq !== p.seq + 1 || !same(theirs, evidence.fromBase64(p.next.canonical))) return {...out, why: "next"};
    if (await link(p.chain, theirs) !== p.next.chain) return {...out, why: "next"};
  }
  if (p.seq === p.head.seq && p.chain !== p.head.chain) return {...out, why: "link"};
  return {...out, ok: true};
}
