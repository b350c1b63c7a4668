/**
 * @module
 * "Math tokens": ids that SwiReasoning always feeds explicitly, even in latent mode, because a blurred
 * digit or operator corrupts a derivation. The strings are those of the authors' reference
 * (`get_math_symbols_ids` in sdc17/SwiReasoning generation_utils.py): 124 operators, brackets and LaTeX
 * commands, plus the ten digits and the 52 ASCII letters, 186 strings in all. Every id their
 * tokenisation produces joins the set (so the pieces of `\left\{`, such as a lone backslash, count too).
 */

const OPERATORS = ["+", "-", "*", "/", "^", "=", "<", ">", "_", "|"];
const RELATIONS = ["\\leq", "\\geq", "\\neq", "\\approx", "\\sim", "\\equiv", "\\to", "\\implies", "\\iff"];
const BRACKETS = [
  "(",
  ")",
  "[",
  "]",
  "{",
  "}",
  "\\left(",
  "\\right)",
  "\\left[",
  "\\right]",
  "\\left\\{",
  "\\right\\}",
  "\\begin{pmatrix}",
  "\\end{pmatrix}",
  "\\lceil",
  "\\rceil",
  "\\lfloor",
  "\\rfloor",
  "\\left",
  "\\right",
  "\\mid",
  "\\vert",
  "\\Vert",
];
const FRACTIONS_AND_ROOTS = ["\\frac", "\\dfrac", "\\sqrt", "\\sqrt[]", "\\binom", "\\choose"];
const SETS = [
  "\\in",
  "\\notin",
  "\\subset",
  "\\supset",
  "\\subseteq",
  "\\supseteq",
  "\\cup",
  "\\cap",
  "\\emptyset",
  "\\varnothing",
];
const GREEK = [
  "\\pi",
  "\\theta",
  "\\alpha",
  "\\beta",
  "\\gamma",
  "\\delta",
  "\\epsilon",
  "\\zeta",
  "\\lambda",
  "\\mu",
  "\\nu",
];
const FUNCTIONS = [
  "\\sin",
  "\\cos",
  "\\tan",
  "\\arcsin",
  "\\arccos",
  "\\arctan",
  "\\log",
  "\\ln",
  "\\exp",
  "\\cot",
  "\\cotg",
  "\\sec",
  "\\csc",
  "\\sum",
  "\\prod",
  "\\int",
  "\\lim",
  "\\min",
  "\\max",
  "\\arg",
  "\\deg",
  "\\gcd",
  "\\operatorname",
];
const DOTS = ["\\cdot", "\\dots", "\\ldots", "\\cdots", "\\vdots", "\\ddots"];
const TEXT_STYLES = [
  "\\mathbb",
  "\\mathbf",
  "\\mathrm",
  "\\text",
  "\\mbox",
  "\\boxed",
  "\\overline",
  "\\underline",
];
const SYMBOLS = [
  "\\infty",
  "\\circ",
  "\\prime",
  "\\ast",
  "\\star",
  "\\triangle",
  "\\triangleleft",
  "\\triangleright",
  "\\perp",
  "\\parallel",
  "\\angle",
];
const LOGIC = ["\\because", "\\therefore", "\\forall", "\\exists", "\\wedge", "\\vee", "\\neg"];

function charRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let c = from.charCodeAt(0); c <= to.charCodeAt(0); c++) out.push(String.fromCharCode(c));
  return out;
}

/** The 186 strings whose token ids are math tokens. */
export const MATH_TOKEN_STRINGS: readonly string[] = [
  ...OPERATORS,
  ...RELATIONS,
  ...BRACKETS,
  ...FRACTIONS_AND_ROOTS,
  ...SETS,
  ...GREEK,
  ...FUNCTIONS,
  ...DOTS,
  ...TEXT_STYLES,
  ...SYMBOLS,
  ...LOGIC,
  ...charRange("0", "9"),
  ...charRange("a", "z"),
  ...charRange("A", "Z"),
];

/**
 * The math-token id set: every id produced by encoding each of {@link MATH_TOKEN_STRINGS} on its own
 * (plain text, no special tokens added).
 *
 * @example
 * const mathIds = mathTokenIds((text) => tokenizer.encode(text));
 */
export function mathTokenIds(encode: (text: string) => number[]): Set<number> {
  const ids = new Set<number>();
  for (const text of MATH_TOKEN_STRINGS) for (const id of encode(text)) ids.add(id);
  return ids;
}
