/** static-assets.ts: the allow-listed, read-once asset reader behind /docs/assets and /dashboard/assets. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cachedAssets } from '../../src/http/static-assets.js';

const dir = mkdtempSync(join(tmpdir(), 'kairos-assets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cachedAssets', () => {
  it('serves only the listed names, reads each once and keeps it, and retries a failed read', async () => {
    writeFileSync(join(dir, 'a.css'), 'one');
    let resolved = 0;
    const asset = cachedAssets({
      'a.css': { path: () => (resolved++, join(dir, 'a.css')), type: 'text/css' },
      'late.js': { path: () => join(dir, 'late.js'), type: 'text/javascript' },
    });
    expect(asset('../a.css')).toBeUndefined();
    expect(asset('toString')).toBeUndefined();
    const first = asset('a.css')!;
    expect(first.type).toBe('text/css');
    expect(new TextDecoder().decode(await first.content)).toBe('one');
    writeFileSync(join(dir, 'a.css'), 'two');
    expect(new TextDecoder().decode(await asset('a.css')!.content)).toBe('one');
    expect(resolved).toBe(1);

    await expect(asset('late.js')!.content).rejects.toThrow();
    writeFileSync(join(dir, 'late.js'), 'now');
    expect(new TextDecoder().decode(await asset('late.js')!.content)).toBe('now');
  });
});
