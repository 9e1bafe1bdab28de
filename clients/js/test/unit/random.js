// A small seeded generator so that property tests can print and replay their seed.
export function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function testSeed() {
  const seed = Number(process.env.TEST_SEED ?? Date.now() % 1_000_000);
  console.log(`property test seed: ${seed} (replay with TEST_SEED=${seed})`);
  return seed;
}

const ALPHABET = ['a', 'b', ' ', '\n', 'é', '中', '😀', '𝄞', '\u{1F469}\u200D\u{1F4BB}', '🇫🇷'];

/** A random string of whole characters (never a lone surrogate), from a mix of ASCII, BMP, astral and ZWJ. */
export function randomText(random, maxPieces) {
  let text = '';
  const pieces = Math.floor(random() * (maxPieces + 1));
  for (let i = 0; i < pieces; i++) text += ALPHABET[Math.floor(random() * ALPHABET.length)];
  return text;
}

/** A random UTF-16 offset in `text` that is not inside a surrogate pair. */
export function randomBoundary(random, text) {
  const boundaries = [0];
  let at = 0;
  for (const ch of text) {
    at += ch.length;
    boundaries.push(at);
  }
  return boundaries[Math.floor(random() * boundaries.length)];
}
