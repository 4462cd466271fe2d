import { updateLinear } from '../../../src/core/linear.js';
import { createPrior } from '../../../src/core/prior.js';
import type { Posterior, Rng } from '../../../src/core/types.js';
import { PERSONALIZER_PRIOR } from '../../../src/personalizer/core/prior.js';

/**
 * The loop's cold prior after n rewards of 1 with probability `rate` (else 0), each on a random sparse context:
 * the bias, and every other slot on with probability `density`.
 */
export function linearEvidence(rng: Rng, d: number, n: number, rate: number, density: number): Posterior {
  const x = new Float64Array(n * d);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i * d] = 1;
    for (let j = 1; j < d; j++) x[i * d + j] = rng.nextFloat() < density ? 1 : 0;
    y[i] = rng.nextFloat() < rate ? 1 : 0;
  }
  return updateLinear(createPrior(PERSONALIZER_PRIOR, d), { n, d, x, y });
}
