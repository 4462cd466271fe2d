/** Every table's row count and a digest of its contents: "a refused request changes nothing", checked on the file. */
import { createHash } from 'node:crypto';
import type { Db } from '../../db/open.js';

export function tableDigests(db: Db): Record<string, { count: number; digest: string }> {
  const tables = db.sqlite
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all() as { name: string }[];
  const rows: Record<string, { count: number; digest: string }> = {};
  for (const { name } of tables) {
    const all = db.sqlite.prepare(`SELECT * FROM "${name}"`).raw().all();
    rows[name] = { count: all.length, digest: createHash('sha256').update(JSON.stringify(all)).digest('hex') };
  }
  return rows;
}
