// RFC 6238 TOTP (SHA-1, 6 digits, 30 s) computed in the test, as an authenticator app would.
import { createHmac } from "node:crypto";

function base32Decode(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const clean = text.replace(/[\s=-]/g, "").toUpperCase();
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of clean) {
    const idx = alphabet.indexOf(ch);
    if (idx < 0) throw new Error(`not base32: ${ch}`);
    value = (value << 5) | idx;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The code for the time step containing `unixSeconds`. */
export function totpAt(base32Secret, unixSeconds) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / 30)));
  const mac = createHmac("sha1", base32Decode(base32Secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 1_000_000).padStart(6, "0");
}

const used = new Map();

/**
 * A code for a time step not used before for this key (the server never accepts a step twice):
 * waits for the next step when the current one was already used.
 */
export async function freshTotp(base32Secret) {
  for (;;) {
    const now = Date.now() / 1000;
    const step = Math.floor(now / 30);
    if ((used.get(base32Secret) ?? -1) < step) {
      used.set(base32Secret, step);
      return totpAt(base32Secret, now);
    }
    await new Promise((r) => setTimeout(r, (30 - (now % 30)) * 1000 + 200));
  }
}
