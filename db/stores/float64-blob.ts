/**
 * Float64Array ⇄ BLOB. Writing shares the array's memory (no copy); reading copies into a fresh, 8-byte-aligned
 * Float64Array, because the driver's Buffer may sit at any offset of a pooled ArrayBuffer and a Float64Array view
 * requires alignment. Byte order is the machine's (little-endian on every platform Node supports).
 */

/** A Buffer over the same bytes as `arr` (valid as long as `arr` is). */
export function float64ToBlob(arr: Float64Array): Buffer {
  return Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength);
}

/** A new Float64Array holding the BLOB's values. Throws RangeError when the length is not a multiple of 8. */
export function blobToFloat64(blob: Uint8Array, expectedLength?: number): Float64Array {
  if (blob.byteLength % 8 !== 0) throw new RangeError(`a float64 BLOB of ${blob.byteLength} bytes is not a multiple of 8`);
  const out = new Float64Array(blob.byteLength / 8);
  if (expectedLength !== undefined && out.length !== expectedLength) {
    throw new RangeError(`a float64 BLOB holds ${out.length} values, expected ${expectedLength}`);
  }
  new Uint8Array(out.buffer).set(blob);
  return out;
}
