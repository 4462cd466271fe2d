/** Confidence intervals for observed rates. */

/**
 * Wilson score interval for a binomial proportion (Wilson 1927; Brown, Cai & DasGupta 2001, "Interval estimation
 * for a binomial proportion", eq. 4): centre (p̂ + z²/2n)/(1 + z²/n), half-width
 * z/(1 + z²/n)·√(p̂(1−p̂)/n + z²/4n²). Unlike the Wald interval it stays inside [0, 1] and is sensible at 0 or n
 * successes. `z` defaults to the two-sided 95 % normal quantile. Returns null when there are no trials.
 */
export function wilsonInterval(successes: number, trials: number, z = 1.959963984540054): [number, number] | null {
  if (!Number.isFinite(trials) || trials < 0) throw new RangeError(`trials must be a non-negative finite number, got ${trials}`);
  if (!(successes >= 0 && successes <= trials)) throw new RangeError(`successes must lie in [0, trials], got ${successes} of ${trials}`);
  if (!(z > 0) || !Number.isFinite(z)) throw new RangeError(`z must be positive and finite, got ${z}`);
  if (trials === 0) return null;
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}
