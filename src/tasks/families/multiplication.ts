/**
 * @module Multiplication up to 3 digits × 1 digit (digit by digit, with carries) and 2 × 2 digits (two
 * partial products, then their sum).
 */
import { phrase } from "../phrase.js";
import type { Draft, Family, Language, Rng } from "../problem.js";
import { additionLines, shortMultiplicationLines } from "./columns.js";

// Templates come in fours; the split holds out every fourth (see splits.ts).
const QUESTIONS: Record<Language, string[]> = {
  en: [
    "What is $a{ × |×}$b?",
    "{Compute|Calculate|Work out} $a{ * |*}$b{.|}",
    "Multiply $a by $b.",
    "What is $a times $b?",
    "How much is $a multiplied by $b?",
    "{Find|Give me} the product of $a and $b.",
    "$a{ × |×}$b{ = ?|=?}",
    "What do you get if you multiply $a and $b?",
    "Please multiply $a by $b.",
    "What's $a times $b?",
    "$b groups of $a make how many?",
    "Product of $a and $b?",
    "{Quick one|Quick question|Real quick}: {what's|what is|how much is} $a{×|*| × | * | x | times }$b?",
    "$a{×|*| × | * | x }$b{=?| = ?| =|?|}",
    "{Can|Could} you tell me what $a {times|×|x|multiplied by} $b {is|comes to}?",
    "{hey|ok}, how much is $a x $b",
    "{multiply|Multiply} $a {by|and} $b{| please| for me}",
    "I need to know {what|how much} $a {times|×|*} $b is{.|}",
    "{what is|what's|whats|how much is} $a {times|x|*|×} $b",
    "$a multiplied by $b gives what?",
    "{I'm|We're} multiplying $a by $b. {What's|What is} the result?",
    "{What|How much} {does|do} $a {times|×} $b {make|give|come to}?",
    "{Solve|Evaluate|Answer}: $a{×|*| × | * | x }$b{| =| = ?|=?}",
    "Here's a product: $a × $b. What does it come to?",
  ],
  pt: [
    "Quanto é $a{ × |×}$b?",
    "{Calcule|Resolva} $a{ * |*}$b{.|}",
    "Multiplique $a por $b.",
    "Quanto é $a vezes $b?",
    "Quanto dá $a multiplicado por $b?",
    "{Ache|Encontre} o produto de $a e $b.",
    "$a{ × |×}$b{ = ?|=?}",
    "Qual o resultado de multiplicar $a por $b?",
    "Por favor, multiplique $a por $b.",
    "Quanto dá $a vezes $b?",
    "$b grupos de $a dão quanto?",
    "Produto de $a e $b?",
    "{Rapidinho|Pergunta rápida|Me ajuda}: {quanto é|quanto dá|quanto que é} $a{×|*| × | * | x | vezes }$b?",
    "$a{×|*| × | * | x }$b{=?| = ?| =|?| dá?|}",
    "{Você sabe|Sabe|Pode me dizer} quanto {é|dá} $a {vezes|×|x} $b?",
    "{oi|ei}, quanto que dá $a x $b",
    "{multiplique|Multiplique|multiplica|Multiplica} $a por $b{| por favor| pra mim}",
    "Preciso saber quanto {é|dá} $a {vezes|×|*} $b{.|}",
    "{quanto é|quanto que é|quanto dá} $a {vezes|x|*|×} $b",
    "$a multiplicado por $b dá quanto?",
    "{Estou|Tô} multiplicando $a por $b. Qual é o resultado?",
    "{Quanto|Quanto que} {dá|fica} $a {vezes|×} $b{?| no total?}",
    "{Resolva|Calcule|Responda}: $a{×|*| × | * | x }$b{| =| = ?|=?}",
    "Uma conta: $a × $b. Quanto dá isso?",
  ],
};

const TEXT = {
  en: {
    short: (a: number, b: number) => `We multiply ${a} by ${b}, digit by digit from the right.`,
    split: (a: number, b: number, tens: number, ones: number) =>
      `We multiply ${a} by ${b}: ${a} × ${b} = ${a} × ${ones} + ${a} × ${tens * 10}.`,
    so: "So",
    times10: (a: number, t: number, p: number) => `So ${a} × ${t} = ${p}, and ${a} × ${t * 10} = ${p * 10}.`,
    add: (x: number, y: number) => `Add ${x} + ${y}:`,
  },
  pt: {
    short: (a: number, b: number) => `Multiplicamos ${a} por ${b}, algarismo por algarismo, da direita.`,
    split: (a: number, b: number, tens: number, ones: number) =>
      `Multiplicamos ${a} por ${b}: ${a} × ${b} = ${a} × ${ones} + ${a} × ${tens * 10}.`,
    so: "Então",
    times10: (a: number, t: number, p: number) => `Então ${a} × ${t} = ${p}, e ${a} × ${t * 10} = ${p * 10}.`,
    add: (x: number, y: number) => `Somamos ${x} + ${y}:`,
  },
};

/** a × d for one digit d, written out (a single product line when a is one digit too). */
function byDigit(a: number, d: number, language: Language): string[] {
  return a < 10 ? [`${a} × ${d} = ${a * d}.`] : shortMultiplicationLines(a, d, language);
}

function generate(rng: Rng, language: Language, template: number): Draft {
  const shape = rng.pick(["3x1", "3x1", "2x2", "2x2", "2x2", "2x1", "1x1"]);
  const [da, db] = shape.split("x").map(Number);
  const draw = (digits: number) => rng.int(digits === 1 ? 2 : 10 ** (digits - 1), 10 ** digits - 1);
  let a = draw(da);
  let b = draw(db);
  if (rng.chance(0.3) && db === 1) [a, b] = [b, a]; // "6 × 478" as often as "478 × 6"
  const question = phrase(rng, QUESTIONS[language][template], { a, b });
  const text = TEXT[language];
  const product = a * b;
  const [big, small] = b < 10 || (a >= 10 && b >= 10) ? [a, b] : [b, a];
  const lines: string[] = [];
  if (small < 10) {
    if (big < 10) lines.push(`${a} × ${b} = ${product}.`);
    else lines.push(text.short(big, small), ...byDigit(big, small, language));
  } else {
    const tens = Math.floor(small / 10);
    const ones = small % 10;
    const low = big * ones;
    const high = big * tens;
    lines.push(text.split(big, small, tens, ones));
    lines.push(`${big} × ${ones}:`, ...byDigit(big, ones, language), `${text.so} ${big} × ${ones} = ${low}.`);
    lines.push(`${big} × ${tens}:`, ...byDigit(big, tens, language), text.times10(big, tens, high));
    lines.push(text.add(low, high * 10), ...additionLines(low, high * 10, language));
    lines.push(`${text.so} ${low} + ${high * 10} = ${low + high * 10}.`);
  }
  lines.push(`${text.so} ${a} × ${b} = ${product}.`);
  return {
    language,
    template,
    question,
    reasoning: lines.join("\n"),
    answer: `${a} × ${b} = ${product}.`,
    expected: { kind: "number", value: product },
  };
}

export const multiplication: Family = {
  name: "multiplication",
  templateCount: { en: QUESTIONS.en.length, pt: QUESTIONS.pt.length },
  generate,
};
