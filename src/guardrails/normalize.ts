/**
 * @module Text folding against simple obfuscation: NFKC (full-width digits and letters, ligatures), zero-width
 * and soft-hyphen characters dropped, and common Cyrillic/Greek look-alikes mapped to Latin. Detectors search the
 * folded text and map spans back to the original through `origin`.
 */

/** Characters that render as nothing; written between letters they split words without showing. */
export const INVISIBLE = /[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/;

// Cyrillic and Greek letters drawn like Latin ones (the Unicode confusables most used in spoofing)
const HOMOGLYPHS: Record<string, string> = {
  а: "a",
  е: "e",
  о: "o",
  р: "p",
  с: "c",
  у: "y",
  х: "x",
  і: "i",
  ј: "j",
  ѕ: "s",
  һ: "h",
  ԁ: "d",
  ԛ: "q",
  ԝ: "w",
  А: "A",
  В: "B",
  Е: "E",
  К: "K",
  М: "M",
  Н: "H",
  О: "O",
  Р: "P",
  С: "C",
  Т: "T",
  Х: "X",
  І: "I",
  Ј: "J",
  Ѕ: "S",
  α: "a",
  ο: "o",
  ν: "v",
  ρ: "p",
  τ: "t",
  ι: "i",
  κ: "k",
  Α: "A",
  Β: "B",
  Ε: "E",
  Ζ: "Z",
  Η: "H",
  Ι: "I",
  Κ: "K",
  Μ: "M",
  Ν: "N",
  Ο: "O",
  Ρ: "P",
  Τ: "T",
  Υ: "Y",
  Χ: "X",
};

const LOOK_ALIKE = new RegExp(`[${Object.keys(HOMOGLYPHS).join("")}]`);

/** A folded text and, per folded code unit, the original range it came from (empty when nothing changed). */
export interface Folded {
  text: string;
  /** `start[i]`/`end[i]`: the original code units folded code unit i came from. */
  start: number[];
  end: number[];
  /** True when anything changed (an invisible character, a look-alike, a full-width form). */
  changed: boolean;
}

/**
 * Folds `text`; `homoglyphs` maps look-alike letters too (off for PII, where Greek and Cyrillic text is real text).
 * @example
 * fold("１２３\u200b4").text; // "1234"
 */
export function fold(text: string, homoglyphs = true): Folded {
  // most text has nothing to fold: checked natively, it keeps its own positions
  if (!INVISIBLE.test(text) && !(homoglyphs && LOOK_ALIKE.test(text)) && text.normalize("NFKC") === text)
    return { text, start: [], end: [], changed: false };
  const out: string[] = [];
  const start: number[] = [];
  const end: number[] = [];
  let changed = false;
  let i = 0;
  for (const char of text) {
    const next = i + char.length;
    let folded = INVISIBLE.test(char) ? "" : char.normalize("NFKC");
    if (homoglyphs) folded = HOMOGLYPHS[folded] ?? folded;
    if (folded !== char) changed = true;
    for (let k = 0; k < folded.length; k++) {
      start.push(i);
      end.push(next);
    }
    out.push(folded);
    i = next;
  }
  return { text: out.join(""), start, end, changed };
}

/** Maps a folded range back to the original text's range. */
export function originRange(f: Folded, start: number, end: number): { start: number; end: number } {
  if (!f.changed) return { start, end };
  if (start >= end) return { start: f.start[start] ?? f.end.at(-1) ?? 0, end: f.start[start] ?? 0 };
  return { start: f.start[start], end: f.end[end - 1] };
}
