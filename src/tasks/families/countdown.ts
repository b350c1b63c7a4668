/**
 * @module Countdown: reach a target (at most 100) from 3 or 4 numbers between 1 and 25 with + - * /, each
 * number at most once. The worked solution is a search a reader can follow and a small model can copy:
 * each path starts with one first move (the move whose result is closest to the target first, the next
 * closest on the next path) and then keeps taking the move that lands closest to the target, until it
 * hits the target (found) or one number is left (a dead end: back up and take the next first move). Every
 * line is arithmetic on the numbers in view, so the answer is only claimed when the numbers reach it. Only
 * problems this search solves within MAX_PATHS paths are generated.
 */
import { phrase } from "../phrase.js";
import type { Draft, Family, Language, Rng } from "../problem.js";

const QUESTIONS: Record<Language, string[]> = {
  en: [
    "Use the numbers $nums to make $t. You may use + - * / and each number at most once.",
    "Reach $t with $nums using +, -, * and /, each number no more than once.",
    "Countdown: the numbers are $nums and the target is $t.",
    "Make $t from $nums with basic arithmetic, using each number at most once.",
    "With $nums and the four operations, get $t (each number once at most).",
    "How can you get $t from $nums? Use + - * / and each number once at most.",
    "Target $t. Numbers: $nums. Each number may be used once.",
    "Combine $nums with + - * / to reach exactly $t, using each number at most once.",
  ],
  pt: [
    "Use os números $nums para fazer $t. Pode usar + - * / e cada número no máximo uma vez.",
    "Chegue a $t com $nums usando +, -, * e /, cada número no máximo uma vez.",
    "Contagem: os números são $nums e o alvo é $t.",
    "Faça $t a partir de $nums com as quatro operações, usando cada número no máximo uma vez.",
    "Com $nums e as quatro operações, obtenha $t (cada número uma vez no máximo).",
    "Como chegar a $t com $nums? Use + - * / e cada número no máximo uma vez.",
    "Alvo $t. Números: $nums. Cada número pode ser usado uma vez.",
    "Combine $nums com + - * / para chegar exatamente a $t, usando cada número no máximo uma vez.",
  ],
};

/** The most paths a worked solution tries before it must have found the target. */
export const MAX_PATHS = 8;

type Op = "+" | "-" | "*" | "/";
const OPS: Op[] = ["+", "-", "*", "/"];

/** A value built so far, with the expression that makes it. */
interface Node {
  value: number;
  text: string;
  /** Precedence of the top operator: 3 for a bare number, 2 for * and /, 1 for + and -. */
  prec: number;
}

const prec = (op: Op) => (op === "+" || op === "-" ? 1 : 2);

/** a op b when it stays a positive integer (no negatives, no fractions, no useless * 1 or / 1). */
function apply(a: Node, b: Node, op: Op): Node | undefined {
  let value: number;
  if (op === "+") value = a.value + b.value;
  else if (op === "-") value = a.value - b.value;
  else if (op === "*") value = a.value * b.value;
  else value = b.value > 1 && a.value % b.value === 0 ? a.value / b.value : 0;
  if (value <= 0 || ((op === "*" || op === "/") && (a.value === 1 || b.value === 1))) return undefined;
  const p = prec(op);
  const left = a.prec < p ? `(${a.text})` : a.text;
  const right = b.prec < p || (b.prec === p && (op === "-" || op === "/")) ? `(${b.text})` : b.text;
  return { value, text: `${left} ${op} ${right}`, prec: p };
}

/** One move: two numbers of the pool combined, and the pool after it (the result first). */
interface Move {
  a: Node;
  b: Node;
  op: Op;
  result: Node;
  left: Node[];
}

/**
 * Every distinct move on the pool (the larger number first, so - and / can apply; a repeated number gives
 * its moves once), closest to the target first; ties keep the order of the pool and of + - * /.
 */
function movesByCloseness(pool: Node[], target: number): Move[] {
  const moves: Move[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < pool.length; i++)
    for (let j = i + 1; j < pool.length; j++) {
      const [a, b] = pool[i].value >= pool[j].value ? [pool[i], pool[j]] : [pool[j], pool[i]];
      for (const op of OPS) {
        const result = apply(a, b, op);
        const key = `${a.value} ${op} ${b.value}`;
        if (!result || seen.has(key)) continue;
        seen.add(key);
        moves.push({ a, b, op, result, left: [result, ...pool.filter((_, k) => k !== i && k !== j)] });
      }
    }
  // Array.prototype.sort is stable: equal distances keep the enumeration order
  return moves.sort((x, y) => Math.abs(x.result.value - target) - Math.abs(y.result.value - target));
}

/** A path: its first move, then the closest move each time, until the target or one number is left. */
function followPath(first: Move, target: number): { moves: Move[]; found: boolean } {
  const moves = [first];
  let pool = first.left;
  while (first.result.value !== target && pool.length > 1) {
    const [next] = movesByCloseness(pool, target);
    moves.push(next);
    pool = next.left;
    if (next.result.value === target) break;
  }
  return { moves, found: moves[moves.length - 1].result.value === target };
}

const TEXT = {
  en: {
    start: "Target $t with $nums.",
    tryIt: "Try",
    next: "Then",
    left: "Left",
    not: "not",
    back: "Back up.",
    found: "Found it.",
  },
  pt: {
    start: "Alvo $t com $nums.",
    tryIt: "Tento",
    next: "Depois",
    left: "Sobram",
    not: "não é",
    back: "Volto atrás.",
    found: "Achei.",
  },
};

/** One path as a line: each move with what is left after it, then found or back up. */
function pathLine(path: { moves: Move[]; found: boolean }, target: number, language: Language): string {
  const t = TEXT[language];
  const parts = path.moves.map((m, k) => {
    const head = `${k === 0 ? t.tryIt : t.next} ${m.a.value} ${m.op} ${m.b.value} = ${m.result.value}`;
    const last = k === path.moves.length - 1;
    if (!last) return `${head}. ${t.left}: ${m.left.map((n) => n.value).join(", ")}.`;
    return path.found ? `${head}. ${t.found}` : `${head}, ${t.not} ${target}. ${t.back}`;
  });
  return parts.join(" ");
}

/**
 * Numbers and a target: half the time a target built from a random subset by random moves (so easy and
 * two-number targets are common), half the time any target from 10 to 100 (many need three or four numbers);
 * generate() keeps only those its search reaches.
 */
function drawProblem(rng: Rng): { nums: number[]; target: number } | undefined {
  const count = rng.pick([3, 4, 4]);
  const nums = Array.from({ length: count }, () => rng.int(1, 25));
  let target: number;
  if (rng.chance(0.5)) target = rng.int(10, 100);
  else {
    let pool = rng.shuffle(nums).slice(0, rng.chance(0.15) ? 2 : rng.int(3, count));
    while (pool.length > 1) {
      const [x, y] = pool;
      const node = (value: number) => ({ value, text: String(value), prec: 3 });
      const result = apply(
        node(Math.max(x, y)),
        node(Math.min(x, y)),
        rng.pick<Op>(["+", "-", "*", "/", "+", "*"]),
      );
      if (!result) return undefined;
      pool = rng.shuffle([result.value, ...pool.slice(2)]);
    }
    target = pool[0];
  }
  if (target < 10 || target > 100 || nums.includes(target)) return undefined;
  return { nums, target };
}

function generate(rng: Rng, language: Language, template: number): Draft {
  for (;;) {
    const drawn = drawProblem(rng);
    if (!drawn) continue;
    const { nums, target } = drawn;
    const initial: Node[] = nums.map((value) => ({ value, text: String(value), prec: 3 }));
    const paths = movesByCloseness(initial, target)
      .slice(0, MAX_PATHS)
      .map((first) => followPath(first, target));
    const solved = paths.findIndex((p) => p.found);
    if (solved < 0) continue; // the search would not find it: draw another problem
    const t = TEXT[language];
    const tried = paths.slice(0, solved + 1);
    const final = tried[solved].moves[tried[solved].moves.length - 1].result;
    const answer = `${final.text} = ${target}`;
    const lines = [
      phrase(rng, t.start, { t: target, nums: nums.join(", ") }),
      ...tried.map((p) => pathLine(p, target, language)),
      answer,
    ];
    return {
      language,
      template,
      question: phrase(rng, QUESTIONS[language][template], { t: target, nums: nums.join(", ") }),
      reasoning: lines.join("\n"),
      answer,
      expected: { kind: "countdown", numbers: nums, target },
    };
  }
}

export const countdown: Family = {
  name: "countdown",
  templateCount: { en: QUESTIONS.en.length, pt: QUESTIONS.pt.length },
  generate,
};
