/**
 * The agent's id for the backend: a random (version 4) UUID per cold start, from the kernel's random source.
 * Not `crypto.randomUUID()`: loading node:crypto loads 20 modules and initializes OpenSSL's tables, 1.3 MB of
 * a warm Node 24 function's resident memory for one call (node:https loads them too, but only when the
 * backend is reached over HTTPS).
 */
import { fs } from '../builtins.mjs';

/** `bytes` (16) as a version-4, variant-1 UUID: `xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx`. */
export function uuidFromBytes(bytes) {
  const b = Buffer.from(bytes);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** 16 bytes from /dev/urandom, or from Math.random where it cannot be read (the id names, it guards nothing). */
function randomBytes() {
  const bytes = Buffer.alloc(16);
  try {
    const fd = fs.openSync('/dev/urandom', 'r');
    try {
      if (fs.readSync(fd, bytes, 0, 16, null) === 16) return bytes;
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // below
  }
  for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  return bytes;
}

export function newAgentId() {
  return uuidFromBytes(randomBytes());
}
