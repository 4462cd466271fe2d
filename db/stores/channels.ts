/** The SQLite implementation of the channel store port (src/policies/channel-store.ts). Unix ms. */
import type { ChannelStore, StoredChannel } from '../../src/policies/channel-store.js';
import type { Direction } from '../../src/policies/types.js';
import { transaction, type Db } from '../open.js';
import { perDb } from './statement-cache.js';

interface ChannelRow {
  id: string;
  name: string;
  direction: Direction;
  contact_cost: number;
  limit_contacts: number | null;
  limit_per: string | null;
  created_at: number;
  updated_at: number;
}

const COLUMNS = 'id, name, direction, contact_cost, limit_contacts, limit_per, created_at, updated_at';

const stmts = perDb((db: Db) => ({
  list: db.sqlite.prepare<[], ChannelRow>(`SELECT ${COLUMNS} FROM channels ORDER BY created_at, id`),
  get: db.sqlite.prepare<[string], ChannelRow>(`SELECT ${COLUMNS} FROM channels WHERE id = ?`),
  insert: db.sqlite.prepare<[string, string, string, number, number | null, string | null, number, number]>(
    'INSERT INTO channels (id, name, direction, contact_cost, limit_contacts, limit_per, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  ),
  deleteAll: db.sqlite.prepare<[]>('DELETE FROM channels'),
  update: db.sqlite.prepare<[string, string, number, number | null, string | null, number, string]>(
    'UPDATE channels SET name = ?, direction = ?, contact_cost = ?, limit_contacts = ?, limit_per = ?, updated_at = ? WHERE id = ?',
  ),
}));

const toStored = (row: ChannelRow): StoredChannel => ({
  id: row.id,
  name: row.name,
  direction: row.direction,
  contactCost: row.contact_cost,
  limitContacts: row.limit_contacts,
  limitPer: row.limit_per,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export function createSqliteChannelStore(db: Db): ChannelStore {
  return {
    list: () => stmts(db).list.all().map(toStored),
    upsert(channel, nowMs) {
      return transaction(db, () => {
        const s = stmts(db);
        const existing = s.get.get(channel.id);
        if (existing) {
          s.update.run(channel.name, channel.direction, channel.contactCost, channel.limitContacts, channel.limitPer, nowMs, channel.id);
          return { record: { ...channel, createdAt: existing.created_at, updatedAt: nowMs }, created: false };
        }
        s.insert.run(channel.id, channel.name, channel.direction, channel.contactCost, channel.limitContacts, channel.limitPer, nowMs, nowMs);
        return { record: { ...channel, createdAt: nowMs, updatedAt: nowMs }, created: true };
      });
    },
    replaceAll(channels, nowMs) {
      transaction(db, () => {
        const s = stmts(db);
        s.deleteAll.run();
        for (const c of channels) s.insert.run(c.id, c.name, c.direction, c.contactCost, c.limitContacts, c.limitPer, c.createdAt, nowMs);
      });
    },
  };
}
