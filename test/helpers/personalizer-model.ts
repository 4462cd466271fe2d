/**
 * Reading one action's evidence out of the Personalizer loop's exported model file (GET /model, Kairos's own JSON
 * format): how many observations its posterior holds and its mean.
 */
import { expect } from 'vitest';

export interface ActionEvidence {
  observations: number;
  mean: number[];
}

function findAction(node: unknown, id: string): Record<string, unknown> | undefined {
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = findAction(item, id);
      if (found) return found;
    }
    return undefined;
  }
  if (node === null || typeof node !== 'object') return undefined;
  const record = node as Record<string, unknown>;
  if (record.id === id) return record;
  for (const value of Object.values(record)) {
    const found = findAction(value, id);
    if (found) return found;
  }
  return undefined;
}

/** The action's evidence in an exported model; an action the model does not hold has none. */
export function actionEvidence(model: unknown, actionId: string): ActionEvidence {
  const action = findAction(model, actionId);
  if (!action) return { observations: 0, mean: [] };
  const posterior = (action.posterior ?? action) as Record<string, unknown>;
  return { observations: Number(posterior.observations ?? 0), mean: Array.isArray(posterior.mean) ? (posterior.mean as number[]) : [] };
}

/** Two posteriors built from the same prior and the same evidence have the same mean (to rounding). */
export function expectSameMean(a: ActionEvidence, b: ActionEvidence): void {
  expect(a.mean.length, 'an exported mean').toBeGreaterThan(0);
  expect(a.mean.length).toBe(b.mean.length);
  a.mean.forEach((v, i) => expect(Math.abs(v - b.mean[i]!), `mean[${i}]: ${v} vs ${b.mean[i]}`).toBeLessThan(1e-9));
}
