import { defineConfig } from 'drizzle-kit';

/** `npm run db:generate` writes SQL migrations for db/schema into db/migrations (checked in; applied by openDb). */
export default defineConfig({
  dialect: 'sqlite',
  schema: './db/schema/index.ts',
  out: './db/migrations',
  strict: true,
  verbose: true,
});
