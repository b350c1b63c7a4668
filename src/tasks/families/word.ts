/**
 * @module Word problems of one to three steps on small integers: money and change, items gained and lost,
 * speeds, sharing equally, ages, "times as many", legs and wheels, savings, "how many more", prices from a
 * pack and empty seats (the kinds live in word-kinds.ts and word-kinds-more.ts). Each kind has eight
 * question frames per language, written in the same order of sentence shapes: a story asking last, the
 * question first, "Find / Work out…", second person, a longer story, "What is…", "If…, …?", and a terse
 * line as people type it. Template = kind × 8 + frame, so the split holds out frames 3 and 7 of every
 * kind; frame f of kind k is shape (f + k) mod 8, so each kind holds out a different pair of shapes and
 * every shape is both trained on and tested. The worked solution takes one line per step, naming its
 * numbers and stating one `x op y = z.`, with products a small model could not do in one go written out
 * by place value (word-parts.ts).
 */
import { phrase } from "../phrase.js";
import type { Draft, Family, Language, Rng } from "../problem.js";
import { FIRST_KINDS } from "./word-kinds.js";
import { MORE_KINDS } from "./word-kinds-more.js";
import { FRAMES, type Kind } from "./word-parts.js";

const KINDS: Kind[] = [...FIRST_KINDS, ...MORE_KINDS];

function generate(rng: Rng, language: Language, template: number): Draft {
  const k = Math.floor(template / FRAMES);
  const kind = KINDS[k];
  const { vars, steps, result, answer } = kind.make(rng, language);
  // frames carry the capitals they need (the terse ones are deliberately lower case, as people type)
  const question = phrase(rng, kind.frames[language][((template % FRAMES) + k) % FRAMES], vars);
  const so = language === "en" ? `So the answer is ${result}.` : `Então a resposta é ${result}.`;
  return {
    language,
    template,
    question,
    reasoning: [...steps, so].join("\n"),
    answer,
    expected: { kind: "number", value: result },
  };
}

export const word: Family = {
  name: "word",
  templateCount: { en: KINDS.length * FRAMES, pt: KINDS.length * FRAMES },
  generate,
};
