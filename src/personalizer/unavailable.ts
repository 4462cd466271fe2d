/**
 * A stand-in for the Personalizer service on the pz-http branch only, so the HTTP layer compiles and answers before
 * the real service (src/personalizer/service.ts) is merged: every call answers 503. The merge replaces its one use
 * in src/engine.ts with the real service and deletes this file.
 */
import { PersonalizerError, type PersonalizerService } from './types.js';

export function unavailablePersonalizer(): PersonalizerService {
  const refuse = (): never => {
    throw new PersonalizerError('ServiceUnavailable', 'the Personalizer loop is not built into this server yet');
  };
  return {
    rank: refuse,
    multiSlotRank: refuse,
    reward: refuse,
    multiSlotReward: refuse,
    activate: refuse,
    multiSlotActivate: refuse,
    serviceConfiguration: refuse,
    updateServiceConfiguration: refuse,
    policy: refuse,
    updatePolicy: refuse,
    resetPolicy: refuse,
    exportModel: refuse,
    importModel: refuse,
    resetModel: refuse,
    modelProperties: refuse,
    deleteLogs: refuse,
    logProperties: refuse,
  };
}
