/**
 * Full-text search over requests, built the same way on both sides so they always agree: the Server
 * writes each request's words as a `tsvector` literal (no text parsing in PostgreSQL on the hot insert
 * path) and the Worker turns what a user types into a `tsquery` literal of word prefixes. A word is a
 * run of letters and digits, lower-cased; at most {@linkcode MAX_WORD} characters of it are kept.
 *
 * @example
 * ```ts
 * import { searchDocument, searchQuery } from "@sonde/shared/telemetry/search";
 * searchDocument(["GET /api/Item", "user-42"]); // "'get' 'api' 'item' 'user' '42'"
 * searchQuery("api ite"); // "'api':* & 'ite':*"
 * ```
 * @module
 */

/** Characters kept of one word (PostgreSQL refuses lexemes over 2047 bytes). */
export const MAX_WORD = 200;
/** Words taken from what a user types. */
const MAX_QUERY_WORDS = 16;

const SPLIT = /[^\p{L}\p{N}]+/u;

function word(w: string): string {
  return w.length <= MAX_WORD ? w : [...w].slice(0, MAX_WORD).join("");
}

/** Words of short texts seen recently (request names, event texts, tiers repeat a lot). */
const cache = new Map<string, string[]>();
const CACHE_MAX = 20_000;
const CACHED_TEXT_MAX = 200;

function wordsOf(t: string): string[] {
  const known = t.length <= CACHED_TEXT_MAX ? cache.get(t) : undefined;
  if (known) return known;
  const out: string[] = [];
  for (const w of t.toLowerCase().split(SPLIT)) if (w !== "") out.push(word(w));
  if (t.length <= CACHED_TEXT_MAX) {
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(t, out);
  }
  return out;
}

/** The distinct words of `texts`, in order of first appearance. */
export function searchWords(texts: Iterable<string>): string[] {
  const seen = new Set<string>();
  for (const t of texts) for (const w of wordsOf(t)) seen.add(w);
  return [...seen];
}

/** A `tsvector` literal of the words of `texts` (cast it with `::tsvector`). */
export function searchDocument(texts: Iterable<string>): string {
  return searchWords(texts).map((w) => `'${w}'`).join(" ");
}

/**
 * A `tsquery` literal matching requests that have a word starting with each word of `q` (all of them),
 * or undefined when `q` has no word.
 */
export function searchQuery(q: string): string | undefined {
  const words = searchWords([q]).slice(0, MAX_QUERY_WORDS);
  return words.length === 0 ? undefined : words.map((w) => `'${w}':*`).join(" & ");
}
