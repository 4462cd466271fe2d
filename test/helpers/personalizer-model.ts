/**
 * Reading one action's evidence out of the Personalizer loop's exported model file (GET /model, Kairos's own JSON
 * format, src/personalizer/model-file.ts: `actions[]` with `id`, `observations` and `mean` as base64 little-endian
 * float64): how many observations its posterior holds and its mean.
 */
import { expect } from 'vitest';

export interface ActionEvidence {
  observations: number;
  mean: number[];
}

interface ExportedAction {
  id: string;
  observations: number;
  mean: string;
}

function float64s(base64: string): number[] {
  const bytes = Buffer.from(base64, 'base64');
  const out = new Float64Array(bytes.byteLength / 8);
  new Uint8Array(out.buffer).set(bytes);
  return [...out];
}

/** The action's evidence in an exported model; an action the model does not hold has none. */
export function actionEvidence(model: unknown, actionId: string): ActionEvidence {
  const actions = (model as { actions?: ExportedAction[] }).actions;
  expect(Array.isArray(actions), 'the model file has an actions list').toBe(true);
  const action = actions!.find((a) => a.id === actionId);
  if (!action) return { observations: 0, mean: [] };
  return { observations: action.observations, mean: float64s(action.mean) };
}

/** Two posteriors built from the same prior and the same evidence have the same mean (to rounding). */
export function expectSameMean(a: ActionEvidence, b: ActionEvidence): void {
  expect(a.mean.length, 'an exported mean').toBeGreaterThan(0);
  expect(a.mean.length).toBe(b.mean.length);
  a.mean.forEach((v, i) => expect(Math.abs(v - b.mean[i]!), `mean[${i}]: ${v} vs ${b.mean[i]}`).toBeLessThan(1e-9));
}
