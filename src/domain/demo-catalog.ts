/**
 * The demo bank that `npm start` seeds into an empty database, so a newcomer can play the whole story at once: a
 * retail-bank feature schema whose `lifeEvents` are fed by events (TTL 90 days) and which learns contact fatigue
 * (contact-history slots over 30 days), 22 actions across the four categories with the engagement policies a bank
 * writes (no mortgage offer to someone who holds one, no credit to a customer in debt counselling, a mandatory
 * overdraft warning), the five channels with costs and per-customer limits, and a contact policy with suppression.
 * Values are illustrative margins in euros per response; service and risk actions carry small values, so they win
 * where the model believes the customer will respond to them and the sales offers will not land. Contact costs are
 * in the same euros: an e-mail costs 0.30, a call-centre call 6 — so a cold catalog still calls (Thompson draws
 * clear 6 for the valuable offers) and a proven-irrelevant one stays silent.
 */
import type { FeatureSpec } from '../core/encoding.js';
import type { ChannelInput, ContactPolicy, PolicyService } from '../policies/types.js';
import type { ActionInput, CatalogService } from './types.js';

export const DEMO_CHANNELS = ['app', 'web', 'branch', 'call_center', 'email'] as const;

export const DEMO_FEATURES: FeatureSpec[] = [
  { name: 'age', type: 'numeric', min: 18, max: 90 },
  { name: 'incomeBand', type: 'categorical', values: ['low', 'lower_middle', 'middle', 'upper_middle', 'high'] },
  {
    name: 'wellbeingSegment',
    type: 'categorical',
    values: ['strapped_spender', 'carefree_spender', 'security_seeker', 'cushioned_saver'],
  },
  {
    name: 'products',
    type: 'set',
    values: [
      'current_account', 'savings_account', 'credit_card', 'mortgage', 'personal_loan', 'car_loan',
      'investment_fund', 'pension', 'home_insurance', 'life_insurance', 'travel_insurance',
    ],
  },
  {
    name: 'lifeEvents',
    type: 'set',
    values: [
      'child_birth', 'marriage', 'house_purchase', 'car_purchase', 'job_change', 'job_loss',
      'graduation', 'retirement', 'inheritance', 'divorce', 'relocation',
    ],
    events: { ttl: '90d' },
  },
  { name: 'tenureYears', type: 'numeric', min: 0, max: 40 },
  { name: 'digitalActive', type: 'boolean' },
];

const ALL: string[] = [];
const REMOTE = ['app', 'web', 'email'];
const ADVISED = ['branch', 'call_center', 'web', 'app'];

export const DEMO_ACTIONS: Record<string, ActionInput> = {
  'mortgage-offer': { name: 'Mortgage offer', category: 'sales', value: 900, channels: ADVISED },
  'credit-card-upgrade': { name: 'Credit card upgrade', category: 'sales', value: 120, channels: ALL },
  'personal-loan-offer': { name: 'Personal loan offer', category: 'sales', value: 250, channels: ALL },
  'car-loan-offer': { name: 'Car loan offer', category: 'sales', value: 300, channels: ALL },
  'savings-account-offer': { name: 'Savings account offer', category: 'sales', value: 60, channels: ALL },
  'investment-fund-intro': { name: 'Investment fund introduction', category: 'sales', value: 400, channels: ['branch', 'call_center', 'web'] },
  'pension-top-up': { name: 'Pension top-up', category: 'sales', value: 350, channels: ['branch', 'call_center', 'email'] },
  'home-insurance-offer': { name: 'Home insurance offer', category: 'sales', value: 150, channels: ALL },
  'life-insurance-offer': { name: 'Life insurance offer', category: 'sales', value: 200, channels: ADVISED },
  'travel-insurance-offer': { name: 'Travel insurance offer', category: 'sales', value: 40, channels: REMOTE },
  'fee-waiver': { name: 'Account fee waiver', category: 'retention', value: 180, channels: ['call_center', 'branch', 'app'] },
  'loyalty-rate-boost': { name: 'Loyalty savings rate boost', category: 'retention', value: 220, channels: ALL },
  'relationship-manager-call': { name: 'Relationship manager call', category: 'retention', value: 300, channels: ['branch', 'call_center'] },
  'cashback-bonus': { name: 'Card cashback bonus', category: 'retention', value: 90, channels: REMOTE },
  'budgeting-tool-tip': { name: 'Budgeting tool tip', category: 'service', value: 15, channels: ['app', 'web'] },
  'paperless-statements': { name: 'Switch to paperless statements', category: 'service', value: 5, channels: REMOTE },
  'mobile-app-onboarding': { name: 'Mobile app onboarding', category: 'service', value: 20, channels: ['branch', 'email', 'web'] },
  'address-update-reminder': { name: 'Address update reminder', category: 'service', value: 8, channels: REMOTE },
  'overdraft-warning': { name: 'Overdraft warning', category: 'risk', value: 60, channels: ['app', 'email', 'call_center'] },
  'fraud-awareness': { name: 'Fraud awareness tips', category: 'risk', value: 30, channels: ALL },
  'debt-advice-referral': { name: 'Free debt advice referral', category: 'risk', value: 80, channels: ['call_center', 'branch', 'app'] },
  'payment-holiday-info': { name: 'Payment holiday information', category: 'risk', value: 50, channels: ALL },
};

/** The contact-history window of the demo schema: fatigue is learned from the last 30 days of contacts. */
export const DEMO_CONTACT_HISTORY = { window: '30d' };

/** The five channels: inbound ones cost little and are limited generously; outbound ones cost and are rationed. */
export const DEMO_CHANNEL_DECLARATIONS: Record<(typeof DEMO_CHANNELS)[number], ChannelInput> = {
  app: { name: 'Mobile app', direction: 'inbound', contactCost: 0.05, limit: { contacts: 3, per: '1d' } },
  web: { name: 'Online banking', direction: 'inbound', contactCost: 0.05, limit: { contacts: 3, per: '1d' } },
  branch: { name: 'Branch desk', direction: 'inbound', contactCost: 1, limit: { contacts: 2, per: '1d' } },
  call_center: { name: 'Call centre', direction: 'outbound', contactCost: 6, limit: { contacts: 1, per: '30d' } },
  email: { name: 'E-mail', direction: 'outbound', contactCost: 0.3, limit: { contacts: 1, per: '7d' } },
};

/** Three ignores of an offer in 30 days rest it for 60; five ignored sales offers in 30 days rest sales for 30. */
export const DEMO_CONTACT_POLICY: ContactPolicy = {
  suppression: [
    { after: 3, outcome: 'ignore', within: '30d', scope: 'action', for: '60d' },
    { after: 5, outcome: 'ignore', within: '30d', scope: 'category', for: '30d', categories: ['sales'] },
  ],
  thresholds: { propensity: { default: 0.002 }, priority: { default: 0 } },
};

const notHeld = (product: string) => `!(has(customer.products) && '${product}' in customer.products)`;
const held = (product: string) => `(has(customer.products) && '${product}' in customer.products)`;
const NOT_IN_DEBT_COUNSELLING = '!(has(customer.debtCounselling) && customer.debtCounselling)';
const IN_DEBT_COUNSELLING = '(has(customer.debtCounselling) && customer.debtCounselling)';
const hadEvent = (...types: string[]) => `(has(customer.lifeEvents) && (${types.map((t) => `'${t}' in customer.lifeEvents`).join(' || ')}))`;
const ADULT = '(has(customer.age) && customer.age >= 18)';
const CREDIT = `${ADULT} && ${NOT_IN_DEBT_COUNSELLING}`;

/**
 * The engagement policies of the demo actions that need one (DESIGN.md §8.3). Each rule guards its keys with `has()`,
 * so a profile that lacks one makes the rule false rather than an evaluation error.
 */
export const DEMO_POLICIES: Record<string, Pick<ActionInput, 'eligibility' | 'mandatory'>> = {
  // A mortgage is offered at the moment it is needed: a house purchase or a move (events keep 90 days).
  'mortgage-offer': { eligibility: `${CREDIT} && ${notHeld('mortgage')} && ${hadEvent('house_purchase', 'relocation')}` },
  'credit-card-upgrade': { eligibility: CREDIT },
  'personal-loan-offer': { eligibility: `${CREDIT} && ${notHeld('personal_loan')}` },
  'car-loan-offer': { eligibility: `${CREDIT} && ${notHeld('car_loan')}` },
  'investment-fund-intro': { eligibility: `${NOT_IN_DEBT_COUNSELLING} && !(has(customer.incomeBand) && customer.incomeBand == 'low')` },
  'home-insurance-offer': { eligibility: `${notHeld('home_insurance')} && (${hadEvent('house_purchase', 'relocation')} || ${held('mortgage')})` },
  'life-insurance-offer': { eligibility: `${notHeld('life_insurance')} && ${hadEvent('child_birth', 'marriage', 'house_purchase')}` },
  'debt-advice-referral': { eligibility: `${hadEvent('job_loss', 'divorce')} || ${IN_DEBT_COUNSELLING} || (has(customer.wellbeingSegment) && customer.wellbeingSegment == 'strapped_spender')` },
  'payment-holiday-info': { eligibility: `${hadEvent('job_loss')} || ${IN_DEBT_COUNSELLING}` },
  'overdraft-warning': { eligibility: 'has(customer.overdrawn) && customer.overdrawn', mandatory: true },
};

/**
 * Seeds the demo bank when the catalog is empty: channels and the contact policy first (actions name channels),
 * then the schema and the actions with their policies. Returns whether it did.
 */
export function seedDemoCatalog(catalog: CatalogService, policies: PolicyService): boolean {
  if (catalog.listActions().length > 0 || catalog.getSchema().features.length > 0) return false;
  for (const [channelId, input] of Object.entries(DEMO_CHANNEL_DECLARATIONS)) policies.putChannel(channelId, input);
  policies.putContactPolicy(DEMO_CONTACT_POLICY);
  catalog.putSchema(DEMO_FEATURES, [...DEMO_CHANNELS], DEMO_CONTACT_HISTORY);
  for (const [actionId, input] of Object.entries(DEMO_ACTIONS)) catalog.putAction(actionId, { ...input, ...DEMO_POLICIES[actionId] });
  return true;
}
