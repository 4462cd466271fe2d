/**
 * Keeps src/core pure: no imports from outside src/core, and none of the ambient sources of I/O, time or
 * randomness. Comments are stripped first, so documentation may still name what the code must not use.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CORE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'core');

const FORBIDDEN: { pattern: RegExp; why: string }[] = [
  { pattern: /\bMath\.random\b/, why: 'randomness must come from an injected Rng' },
  { pattern: /\bDate\b/, why: 'the core has no clock' },
  { pattern: /\bperformance\b/, why: 'the core has no clock' },
  { pattern: /\bprocess\b/, why: 'the core reads no environment and no process state' },
  { pattern: /node:/, why: 'the core imports no Node built-ins' },
  { pattern: /\brequire\s*\(/, why: 'the core imports only relative ES modules' },
  { pattern: /\b(fetch|setTimeout|setInterval|setImmediate|queueMicrotask)\b/, why: 'the core does no I/O or scheduling' },
  { pattern: /\bconsole\b/, why: 'the core never logs' },
  { pattern: /\bglobalThis\b/, why: 'the core keeps no global state' },
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|cts|js|mjs)$/.test(entry.name) ? [path] : [];
  });
}

/** Removes block and line comments, leaving string literals intact (good enough for import checks). */
function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

function importSpecifiers(code: string): string[] {
  const specifiers: string[] = [];
  const patterns = [
    /\bimport\s+(?:type\s+)?[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bexport\s+(?:type\s+)?[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"`]([^'"`]+)['"`]\s*\)/g,
  ];
  for (const pattern of patterns) for (const match of code.matchAll(pattern)) specifiers.push(match[1]!);
  return specifiers;
}

describe('src/core purity', () => {
  const files = sourceFiles(CORE_DIR);

  it('finds the core sources', () => {
    expect(files.map((f) => relative(CORE_DIR, f))).toEqual(expect.arrayContaining(['types.ts', 'linalg.ts', 'thompson.ts']));
  });

  it.each(files.map((f) => [relative(CORE_DIR, f), f]))('%s imports only sibling core modules', (_name, file) => {
    const code = stripComments(readFileSync(file, 'utf8'));
    const outside = importSpecifiers(code).filter((s) => !s.startsWith('./') || s.includes('..'));
    expect(outside, `imports from outside src/core: ${outside.join(', ')}`).toEqual([]);
  });

  it.each(files.map((f) => [relative(CORE_DIR, f), f]))('%s uses no clock, randomness, I/O or process state', (_name, file) => {
    const code = stripComments(readFileSync(file, 'utf8'));
    const hits = FORBIDDEN.filter(({ pattern }) => pattern.test(code)).map(({ pattern, why }) => `${pattern} (${why})`);
    expect(hits, `forbidden in ${file}`).toEqual([]);
  });

  it('the checks catch what they are meant to catch', () => {
    const bad = stripComments(`import x from 'node:fs';\nimport { y } from '../db/open.js';\nconst t = Date.now(); // fine in a comment: Math.random\nconst r = Math.random();`);
    expect(importSpecifiers(bad)).toEqual(['node:fs', '../db/open.js']);
    expect(FORBIDDEN.filter(({ pattern }) => pattern.test(bad)).length).toBeGreaterThanOrEqual(3);
    expect(stripComments('const a = 1; // Math.random here is only a comment')).not.toMatch(/Math\.random/);
  });
});
