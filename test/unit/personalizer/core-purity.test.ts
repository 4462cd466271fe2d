/**
 * Keeps src/personalizer/core pure, as test/unit/core-purity.test.ts keeps src/core: no I/O, clock or ambient
 * randomness, and imports only from itself, src/core and the shared shapes (src/personalizer/types.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'src', 'personalizer', 'core');
const FORBIDDEN = [/\bMath\.random\b/, /\bDate\b/, /\bperformance\b/, /\bprocess\b/, /\bconsole\b/, /\bglobalThis\b/, /\brequire\s*\(/];

const strip = (source: string): string => source.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

describe('src/personalizer/core purity', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'));
  it('has the files the service calls', () => {
    expect(files).toEqual(expect.arrayContaining(['features.ts', 'prior.ts', 'ranker.ts', 'iso-duration.ts']));
  });
  it.each(files)('%s uses no clock, I/O or ambient randomness and imports only core modules', (file) => {
    const code = strip(readFileSync(join(DIR, file), 'utf8'));
    for (const pattern of FORBIDDEN) expect(code).not.toMatch(pattern);
    for (const match of code.matchAll(/\bfrom\s*['"]([^'"]+)['"]/g)) {
      expect(match[1]).toMatch(/^(\.\/[\w-]+\.js|\.\.\/types\.js|\.\.\/\.\.\/core\/[\w-]+\.js)$/);
    }
  });
});
