/** Every table of the Kairos database (drizzle-kit reads this module to generate migrations). */
export { actions } from './actions.js';
export { featureSchemas } from './feature-schemas.js';
export { models } from './models.js';
export { decisions } from './decisions.js';
export { decisionActions } from './decision-actions.js';
export { feedback } from './feedback.js';
export { learnerState } from './learner-state.js';
export { apiKeys } from './api-keys.js';
export { actionCounts } from './action-counts.js';
export { customers } from './customers.js';
export { customerEvents } from './customer-events.js';
export { contacts } from './contacts.js';
export { channels } from './channels.js';
export { contactPolicy } from './contact-policy.js';
export { actionDayCounts } from './action-day-counts.js';
