/** The rows of an evaluation as a Markdown table (npm run evaluate, npm run bench:evaluate). */
import type { ReplayOutcome } from '../../src/evaluation/types.js';

const fixed = (v: number | null, digits = 4): string => (v === null ? '–' : v.toFixed(digits));

export function formatEvaluation(outcome: ReplayOutcome): string {
  const lines = ['| policy | estimator | value | 95 % interval | effective sample size |', '| --- | --- | ---: | --- | ---: |'];
  for (const r of outcome.results) {
    const ci = r.ci95 ? `[${fixed(r.ci95[0])}, ${fixed(r.ci95[1])}]` : '–';
    lines.push(`| ${r.policy} | ${r.estimator.toUpperCase()} | ${fixed(r.value)} | ${ci} | ${fixed(r.effectiveSampleSize, 1)} |`);
  }
  const { pending, multiSlot, unsupported } = outcome.skipped;
  lines.push('', `${outcome.evaluated.toLocaleString('en-US')} decisions evaluated; skipped: ${pending} pending, ${multiSlot} multi-slot, ${unsupported} unsupported.`);
  return `${lines.join('\n')}\n`;
}
