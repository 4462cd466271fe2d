/**
 * The bank vocabulary the HTTP benchmarks share (bench:http's v1 workload, and the NBA workload of bench:http and
 * bench:batch): channels, segments, products and the numeric features, so both paths are measured on the same bank.
 */
export const BENCH_CHANNELS = ['web', 'app', 'email', 'branch', 'call_centre', 'sms'] as const;
export const BENCH_SEGMENTS = ['student', 'young_pro', 'family', 'affluent', 'retired', 'smb', 'premium', 'mass'];
export const BENCH_PRODUCTS = ['current', 'savings', 'credit_card', 'mortgage', 'personal_loan', 'car_loan', 'insurance_home',
  'insurance_life', 'pension', 'investments', 'overdraft', 'travel_card'];
export const BENCH_NUMERIC_FEATURES = [
  { name: 'age', type: 'numeric', min: 18, max: 90 },
  { name: 'income', type: 'numeric', mean: 50_000, std: 25_000 },
  { name: 'tenure_months', type: 'numeric', min: 0, max: 480 },
  { name: 'balance', type: 'numeric', mean: 10_000, std: 20_000 },
  { name: 'engagement', type: 'numeric', min: 0, max: 1 },
  { name: 'days_since_contact', type: 'numeric', min: 0, max: 365 },
  { name: 'credit_score', type: 'numeric', min: 300, max: 850 },
  { name: 'products_count', type: 'numeric', min: 0, max: 12 },
] as const;
