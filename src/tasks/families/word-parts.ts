/**
 * @module What the word-problem kinds share: the shape of a kind, people and things to talk about (with
 * the gender Portuguese agreement needs), and how a product is written so that a small model can compute
 * every line of the reasoning on its own.
 */
import type { Vars } from "../phrase.js";
import type { Language, Rng } from "../problem.js";

/** One problem of a kind: the template variables, the reasoning lines, the result and the answer sentence. */
export interface Made {
  vars: Vars;
  /** One line per step, each naming its numbers and stating one `x op y = z.` */
  steps: string[];
  result: number;
  /** A sentence whose last number is the result. */
  answer: string;
}

/** A kind of word problem: its question frames per language and how one problem is drawn. */
export interface Kind {
  /** {@link FRAMES} frames per language, one per sentence shape, in the order word.ts describes. */
  frames: Record<Language, string[]>;
  make(rng: Rng, language: Language): Made;
}

/** Question frames per kind and language. */
export const FRAMES = 8;

/** English or Portuguese, chosen by the problem's language. */
export const say =
  (language: Language) =>
  (en: string, pt: string): string =>
    language === "en" ? en : pt;

interface Named {
  name: string;
  female: boolean;
}

const NAMES: Named[] = [
  ["Ana", true],
  ["Bruno", false],
  ["Carla", true],
  ["Daniel", false],
  ["Emma", true],
  ["Felipe", false],
  ["Gabi", true],
  ["Hugo", false],
  ["Isabel", true],
  ["João", false],
  ["Lucas", false],
  ["Maria", true],
  ["Pedro", false],
  ["Sofia", true],
  ["Tom", false],
  ["Lia", true],
  ["Rafael", false],
  ["Beatriz", true],
  ["Clara", true],
  ["Diego", false],
  ["Helena", true],
  ["Caio", false],
  ["Júlia", true],
  ["Mateus", false],
  ["Nina", true],
  ["Samuel", false],
].map(([name, female]) => ({ name: name as string, female: female as boolean }));

/**
 * A person and the words that refer to them: `$name`, and in English `$he $He $his $His $him $himself`,
 * in Portuguese `$ele $Ele $dele`.
 */
export function person(rng: Rng, language: Language, not?: string): { name: string; vars: Vars } {
  const who = rng.pick(NAMES.filter((n) => n.name !== not));
  const f = who.female;
  const vars: Vars =
    language === "en"
      ? {
          name: who.name,
          he: f ? "she" : "he",
          He: f ? "She" : "He",
          his: f ? "her" : "his",
          His: f ? "Her" : "His",
          him: f ? "her" : "him",
          himself: f ? "herself" : "himself",
        }
      : { name: who.name, ele: f ? "ela" : "ele", Ele: f ? "Ela" : "Ele", dele: f ? "dela" : "dele" };
  return { name: who.name, vars };
}

/**
 * A second person for comparisons: `$other`, and in Portuguese `$velho` ("velho"/"velha") and `$amigo`
 * / `$Amigo` ("seu amigo"/"sua amiga").
 */
export function otherPerson(rng: Rng, language: Language, not: string): { name: string; vars: Vars } {
  const who = rng.pick(NAMES.filter((n) => n.name !== not));
  const f = who.female;
  const vars: Vars =
    language === "en"
      ? { other: who.name }
      : {
          other: who.name,
          velho: f ? "velha" : "velho",
          amigo: f ? "sua amiga" : "seu amigo",
          Amigo: f ? "Sua amiga" : "Seu amigo",
        };
  return { name: who.name, vars };
}

/** A countable thing: English plural and singular, Portuguese plural and singular, Portuguese gender. */
type Thing = [string, string, string, string, boolean];

const ITEMS: Thing[] = [
  ["notebooks", "notebook", "cadernos", "caderno", false],
  ["pens", "pen", "canetas", "caneta", true],
  ["apples", "apple", "maçãs", "maçã", true],
  ["stickers", "sticker", "figurinhas", "figurinha", true],
  ["marbles", "marble", "bolinhas de gude", "bolinha de gude", true],
  ["cookies", "cookie", "biscoitos", "biscoito", false],
  ["books", "book", "livros", "livro", false],
  ["oranges", "orange", "laranjas", "laranja", true],
  ["cards", "card", "cartas", "carta", true],
  ["balloons", "balloon", "balões", "balão", false],
  ["pencils", "pencil", "lápis", "lápis", false],
  ["candies", "candy", "balas", "bala", true],
  ["eggs", "egg", "ovos", "ovo", false],
  ["comic books", "comic book", "gibis", "gibi", false],
  ["toy cars", "toy car", "carrinhos", "carrinho", false],
  ["shells", "shell", "conchas", "concha", true],
];

/**
 * A thing to count: `$item` (plural), `$item1` (singular), and in Portuguese the agreeing endings `$os`
 * ("os"/"as", as in `quant$os`, `d$os`) and `$um` ("um"/"uma"); `os` is also returned for the reasoning.
 */
export function thing(rng: Rng, language: Language): { plural: string; one: string; os: string; vars: Vars } {
  const [en, en1, pt, pt1, f] = rng.pick(ITEMS);
  const os = f ? "as" : "os";
  return language === "en"
    ? { plural: en, one: en1, os, vars: { item: en, item1: en1 } }
    : { plural: pt, one: pt1, os, vars: { item: pt, item1: pt1, os, um: f ? "uma" : "um" } };
}

/** Something bought on its own, with an indefinite and a definite article. */
const EXTRAS: [string, string, string, string][] = [
  ["a bag", "the bag", "uma bolsa", "a bolsa"],
  ["a drink", "the drink", "um suco", "o suco"],
  ["a ruler", "the ruler", "uma régua", "a régua"],
  ["a sandwich", "the sandwich", "um sanduíche", "o sanduíche"],
  ["an eraser", "the eraser", "uma borracha", "a borracha"],
  ["a cap", "the cap", "um boné", "o boné"],
];

/** Something bought on its own: `a`/`the` forms in the problem's language. */
export function extra(rng: Rng, language: Language): { a: string; the: string } {
  const [a, the, um, o] = rng.pick(EXTRAS);
  return language === "en" ? { a, the } : { a: um, the: o };
}

export const CURRENCY: Record<Language, string> = { en: "dollars", pt: "reais" };

/** Place-value parts of n, largest first, zeros left out: 307 → [300, 7]. */
function parts(n: number): number[] {
  const out: number[] = [];
  for (let place = 1; n > 0; place *= 10, n = Math.floor(n / 10))
    if (n % 10 > 0) out.unshift((n % 10) * place);
  return out;
}

/**
 * `a × b = p` (no final period), written out by place value when a single step would not be a times-table
 * fact: when both factors are 10 or more, or a two-digit factor times a digit passes 100.
 *
 * @example
 * times(7, 8); // "7 × 8 = 56"
 * times(37, 6); // "37 × 6 = 30 × 6 + 7 × 6 = 180 + 42 = 222"
 * times(12, 15); // "12 × 15 = 10 × 10 + 10 × 5 + 2 × 10 + 2 × 5 = 100 + 50 + 20 + 10 = 180"
 */
export function times(a: number, b: number): string {
  const p = a * b;
  const pairs = parts(a).flatMap((x) => parts(b).map((y) => [x, y]));
  if (((a < 10 || b < 10) && p <= 100) || pairs.length === 1) return `${a} × ${b} = ${p}`;
  const terms = pairs.map(([x, y]) => `${x} × ${y}`).join(" + ");
  const values = pairs.map(([x, y]) => x * y).join(" + ");
  return `${a} × ${b} = ${terms} = ${values} = ${p}`;
}
