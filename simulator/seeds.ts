import { SeededRandom } from '../oracles/scenarios/random';

/**
 * A 32-bit seed named by its parts, e.g. `seedOf(7, 'case', 12, 'profile', 'PAYS_AFTER_NOTICE')`:
 * each part of the portfolio draws from its own generator, so changing one part (a profile added,
 * more cases) leaves every other part's draws as they were. FNV-1a over the parts' UTF-16 code units, then murmur3's
 * finalizer, so neighbouring names give unrelated seeds.
 */
// Looked up once: under jest every lookup of the global `Math` costs about half a microsecond, and a
// portfolio computes a few seeds per case and profile.
const imul = Math.imul;

export function seedOf(...parts: ReadonlyArray<number | string>): number {
  const name = parts.join('/');
  let hash = 0x811c9dc5;
  for (let n = 0; n < name.length; n++) {
    hash ^= name.charCodeAt(n);
    hash = imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** The generator of the part named by `parts`. */
export const randomFor = (...parts: ReadonlyArray<number | string>) => new SeededRandom(seedOf(...parts));
