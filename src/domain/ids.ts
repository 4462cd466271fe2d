import { randomFillSync } from 'node:crypto';

/** Random bytes are drawn 4 KiB at a time: one syscall per ~400 ids instead of one per id. */
const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

/**
 * A UUIDv7 (RFC 9562 §5.7): 48-bit Unix milliseconds, version 7, 74 random bits. Time-ordered, so decision ids
 * sort by creation and index well in SQLite.
 */
export function uuidv7(nowMs: number): string {
  const hex = uuidv7Hex(nowMs);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The same UUIDv7 as 32 lowercase hex digits, no dashes (Personalizer's event id format). */
export function uuidv7Hex(nowMs: number): string {
  if (offset + 10 > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const bytes = Buffer.allocUnsafe(16);
  pool.copy(bytes, 6, offset, offset + 10);
  offset += 10;
  let ms = Math.floor(nowMs);
  for (let i = 5; i >= 0; i -= 1) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  return bytes.toString('hex');
}
