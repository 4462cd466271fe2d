/**
 * API key material (DESIGN.md §10): roles, how a key is generated, hashed and shown. A key is `kairos_` followed by
 * the base64url of 32 random bytes (256 bits): guessing one is hopeless, so a plain SHA-256 is a sufficient hash to
 * store (a slow password hash only helps low-entropy secrets) and lets every request be checked with one Map get.
 */
import { hash, randomBytes } from 'node:crypto';

export const ROLES = ['app', 'analyst', 'ops'] as const;
export type Role = (typeof ROLES)[number];

export const KEY_PREFIX = 'kairos_';
/** Random bytes in a generated key: 256 bits. */
export const KEY_RANDOM_BYTES = 32;
/** A well-formed key: the prefix and at least 43 base64url characters (≥ 256 bits), at most 200. */
export const KEY_PATTERN = /^kairos_[A-Za-z0-9_-]{43,200}$/;
/** Longest header value worth hashing; anything longer cannot be a key and is rejected unhashed. */
export const MAX_KEY_LENGTH = KEY_PREFIX.length + 200;
/** Characters of a key kept in the clear (`prefix`) so listings can tell keys apart: `kairos_` and 5 more. */
export const DISPLAY_PREFIX_LENGTH = 12;

/** Key names (shown in listings): 1–64 letters, digits, space, `_ . : @ -`, starting with a letter or digit. */
export const KEY_NAME_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N} _.:@-]{0,63}$/u;
export const KEY_NAME_RULE = 'must be 1–64 characters: letters, digits, space, _ . : @ -, starting with a letter or digit';

/** A new random key, e.g. `kairos_3q2-…` (50 characters). */
export function generateKey(): string {
  return KEY_PREFIX + randomBytes(KEY_RANDOM_BYTES).toString('base64url');
}

/** The stored form of a key: SHA-256, lowercase hex (64 characters). One-shot `hash` allocates no Hash object. */
export function hashKey(key: string): string {
  return hash('sha256', key, 'hex');
}

/** The part of a key shown in listings. */
export function displayPrefix(key: string): string {
  return key.slice(0, DISPLAY_PREFIX_LENGTH);
}

/** A key id (`key_` + 16 base64url characters, 96 random bits): public, appears in URLs and logs. */
export function generateKeyId(): string {
  return 'key_' + randomBytes(12).toString('base64url');
}
