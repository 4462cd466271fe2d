/**
 * The Azure Personalizer compatible surface (DESIGN.md §11): the same routes under each of PERSONALIZER_BASES, so
 * either official client works with only its endpoint and key changed. Roles: src/http/access/route-roles.ts.
 */
import type { KairosApp, RouteDeps } from '../env.js';
import { registerConfiguration } from './configuration.js';
import { PERSONALIZER_BASES } from './errors.js';
import { registerEvents } from './events.js';
import { registerModel } from './model.js';
import { registerRank } from './rank.js';

/** One base's routes; `base` is e.g. `/personalizer/v1.0`. */
export function registerPersonalizerBase(app: KairosApp, deps: RouteDeps, base: string): void {
  registerRank(app, deps, base);
  registerEvents(app, deps, base);
  registerConfiguration(app, deps, base);
  registerModel(app, deps, base);
}

export function registerPersonalizer(app: KairosApp, deps: RouteDeps): void {
  for (const base of PERSONALIZER_BASES) registerPersonalizerBase(app, deps, base);
}
