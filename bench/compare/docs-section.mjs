// Puts a generated block into one "## " section of a markdown file (docs/benchmarks.md), between the section's
// generated-block markers, keeping every other section and any notes written below the end marker. Used by the
// reports of bench/compare.sh.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export const BEGIN = '<!-- bench/compare.sh: generated from here to the end marker; notes below it are kept -->';
export const END = '<!-- bench/compare.sh: end -->';

/** Writes BLOCK (which starts with BEGIN and ends with END) into FILE's SECTION heading, creating either if missing. */
export function writeSection(file, section, block) {
  let doc = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const at = doc.indexOf(`\n${section}\n`) >= 0 ? doc.indexOf(`\n${section}\n`) + 1 : (doc.startsWith(`${section}\n`) ? 0 : -1);
  if (at < 0) {
    doc = `${doc.trimEnd()}\n\n${section}\n\n${block}\n`;
  } else {
    const bodyStart = at + section.length + 1;
    const nextSection = doc.indexOf('\n## ', bodyStart);
    const sectionEnd = nextSection < 0 ? doc.length : nextSection + 1;
    const body = doc.slice(bodyStart, sectionEnd);
    const b = body.indexOf(BEGIN); const e = body.indexOf(END);
    const replaced = b >= 0 && e > b
      ? body.slice(0, b) + block + body.slice(e + END.length)
      : `\n${block}\n${body}`;
    doc = doc.slice(0, bodyStart) + replaced + doc.slice(sectionEnd);
  }
  writeFileSync(file, doc);
  console.error(`wrote ${file}`);
}
