/**
 * The demo bank catalog that `npm start` seeds into an empty database, so a newcomer can ask for a decision at
 * once: a retail-bank feature schema (d = 43 with the channel block) and 22 actions across the four categories.
 * Values are illustrative margins in euros per response; service and risk actions carry small values, so they win
 * where the model believes the customer will respond to them and the sales offers will not land.
 */
import type { FeatureSpec } from '../core/encoding.js';
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
  'investment-fund-intro': { name: 'Investment fund introduction', category: 'sales', value: 400, channels: ADVISED },
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

/** Seeds the demo schema and actions when the catalog is empty; returns whether it did. */
export function seedDemoCatalog(catalog: CatalogService): boolean {
  if (catalog.listActions().length > 0 || catalog.getSchema().features.length > 0) return false;
  catalog.putSchema(DEMO_FEATURES, [...DEMO_CHANNELS]);
  for (const [actionId, input] of Object.entries(DEMO_ACTIONS)) catalog.putAction(actionId, input);
  return true;
}
