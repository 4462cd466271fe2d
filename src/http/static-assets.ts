/**
 * The cached file reader behind the docs viewer's and the dashboard's static assets: a fixed allow-list of names,
 * each read from disk on its first request and kept (the files never change while we run). A failed read is not
 * kept, so the next request tries again.
 */
import { readFile } from 'node:fs/promises';

/** Where one servable asset is read from (resolved on its first read) and its media type. */
export interface AssetSource {
  path: () => string;
  type: string;
}

/** A servable asset: its media type and its bytes (read once, then shared). */
export interface CachedAsset {
  type: string;
  content: Promise<Uint8Array<ArrayBuffer>>;
}

/**
 * The asset of that name, or undefined for a name outside `sources` (own keys only, so no name can reach a path of
 * its own choosing). The first call for a name starts the read; later calls share it.
 */
export function cachedAssets(sources: Readonly<Record<string, AssetSource>>): (name: string) => CachedAsset | undefined {
  const cache = new Map<string, Promise<Uint8Array<ArrayBuffer>>>();
  return (name) => {
    const source = Object.hasOwn(sources, name) ? sources[name] : undefined;
    if (!source) return undefined;
    let content = cache.get(name);
    if (!content) {
      content = readFile(source.path()).then((bytes) => new Uint8Array(bytes));
      content.catch(() => cache.delete(name));
      cache.set(name, content);
    }
    return { type: source.type, content };
  };
}
