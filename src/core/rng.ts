/**
 * A seedable, cloneable pseudo-random generator for the numeric core.
 *
 * Uniform bits: xoshiro128** (Blackman & Vigna 2018, "Scrambled linear pseudorandom number generators"),
 * 128 bits of state in four uint32 words, seeded through splitmix32 so that nearby seeds give unrelated streams.
 * Normals: Marsaglia's polar method with the second variate cached. Gammas: Marsaglia & Tsang (2000),
 * "A simple method for generating gamma variables", with the shape < 1 boost Gamma(α) = Gamma(α+1)·U^(1/α).
 *
 * The whole state (four words plus the cached spare normal) is copied by `clone()`, so a clone replays exactly.
 */
import type { Rng } from './types.js';

const TWO_POW_32 = 4294967296;
/** 2⁻⁵³: turns a 53-bit integer into a float in [0, 1) with every representable step. */
const TWO_POW_MINUS_53 = 1 / 9007199254740992;

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** splitmix32 step (the 32-bit variant of Steele et al.'s SplitMix, murmur3 finaliser constants). */
function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

class Xoshiro128 implements Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private hasSpare = false;
  private spare = 0;

  constructor(s0: number, s1: number, s2: number, s3: number) {
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
  }

  /** One uint32 of xoshiro128**. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  nextFloat(): number {
    // 27 + 26 bits from two outputs: a float64 uniform on [0, 1) with full 53-bit resolution.
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) * TWO_POW_MINUS_53;
  }

  nextNormal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    // Marsaglia polar method: (u, v) uniform in the unit disc, two independent normals per accepted pair.
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.nextFloat() - 1;
      v = 2 * this.nextFloat() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const scale = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * scale;
    this.hasSpare = true;
    return u * scale;
  }

  nextGamma(shape: number): number {
    if (!(shape > 0) || !Number.isFinite(shape)) throw new RangeError(`gamma shape must be a positive finite number, got ${shape}`);
    if (shape < 1) {
      // Marsaglia & Tsang §6: Gamma(α) = Gamma(α+1) · U^(1/α); 1 − U lies in (0, 1] so the power is never 0^(…).
      const u = 1 - this.nextFloat();
      return this.nextGamma(shape + 1) * Math.pow(u, 1 / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.nextNormal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = 1 - this.nextFloat();
      const x2 = x * x;
      // Squeeze first (cheap, accepts ~98 %), then the exact log test.
      if (u < 1 - 0.0331 * x2 * x2) return d * v;
      if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  nextInt(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > TWO_POW_32) throw new RangeError(`nextInt bound must be an integer in [1, 2^32], got ${n}`);
    return Math.floor(this.nextFloat() * n);
  }

  clone(): Xoshiro128 {
    const copy = new Xoshiro128(this.s0, this.s1, this.s2, this.s3);
    copy.hasSpare = this.hasSpare;
    copy.spare = this.spare;
    return copy;
  }
}

/**
 * A generator seeded from any finite number (both 32-bit halves of an integer seed up to 2⁵³ are used;
 * a fractional part is ignored). The same seed always yields the same sequence.
 */
export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  const whole = Math.trunc(seed);
  const low = whole >>> 0;
  const high = Math.floor(whole / TWO_POW_32) >>> 0;
  const state = { s: low };
  // Fold the high word in after one splitmix step so that seeds 2^32·k + j differ from j.
  splitmix32(state);
  state.s = (state.s ^ Math.imul(high, 0x27d4eb2d)) | 0;
  const s0 = splitmix32(state);
  const s1 = splitmix32(state);
  const s2 = splitmix32(state);
  let s3 = splitmix32(state);
  // xoshiro's only forbidden state is all zeros.
  if ((s0 | s1 | s2 | s3) === 0) s3 = 1;
  return new Xoshiro128(s0 | 0, s1 | 0, s2 | 0, s3 | 0);
}

/** A uint32 drawn from `rng`, e.g. the seed of a decision's own generator (stored so the decision can be replayed). */
export function randomSeed(rng: Rng): number {
  return rng.nextInt(TWO_POW_32);
}
