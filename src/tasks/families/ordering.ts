/**
 * @module Comparing and ordering up to 4 numbers: the larger or smaller of two (digit counts, then digits
 * from the left), the largest or smallest of a list, and a list sorted by picking the smallest (or largest)
 * of what is left, step by step.
 */
import { phrase } from "../phrase.js";
import type { Draft, Family, Language, Rng } from "../problem.js";

type Task = "larger" | "smaller" | "largest" | "smallest" | "ascending" | "descending";
/** Frames per task and language, a multiple of 4 (the split holds out the fourth of each four). */
const FRAMES_PER_TASK = 8;
/** Templates run task by task in this order: template t is frame t % FRAMES_PER_TASK of task t / FRAMES_PER_TASK. */
const TASKS: Task[] = ["larger", "smaller", "largest", "smallest", "ascending", "descending"];

const FRAMES: Record<Language, Record<Task, string[]>> = {
  en: {
    larger: [
      "{Which|which} is {larger|bigger}, $x or $y{?|}",
      "Which number is bigger: $x or $y?",
      "Is $x or $y the greater number?",
      "Between $x and $y, which is more?",
      "{Quick one|Quick question}: which is {bigger|larger}, $x or $y?",
      "{which is bigger|which is larger|which one is greater}{:|,} $x or $y",
      "$x {vs|vs.|or} $y{: which is larger?|, which one is bigger?|: which is more?}",
      "Tell me which number is greater: $x or $y.",
    ],
    smaller: [
      "{Which|which} is {smaller|less}, $x or $y{?|}",
      "Which number is less: $x or $y?",
      "Is $x or $y the smaller number?",
      "Between $x and $y, which is lower?",
      "{Quick one|Quick question}: which is {smaller|less}, $x or $y?",
      "{which is smaller|which is less|which one is lower}{:|,} $x or $y",
      "$x {vs|vs.|or} $y{: which is smaller?|, which one is less?|: which is lower?}",
      "Tell me which number is smaller: $x or $y.",
    ],
    largest: [
      "What is the largest of $list?",
      "Which is the biggest number among $list?",
      "{Find|find} the maximum of $list{.|}",
      "Of $list, which number is the greatest?",
      "{What's|what's|whats} the {largest|biggest|highest} {number |}{in|among} $list{?|}",
      "{Pick|Choose|Name} the {largest|biggest} {number |}{from|among} $list{.|}",
      "{Here are some numbers|Given the numbers|Numbers}: $list. Which {is|one is} the {largest|biggest}?",
      "I have $list. Which one is the highest?",
    ],
    smallest: [
      "What is the smallest of $list?",
      "Which is the least number among $list?",
      "{Find|find} the minimum of $list{.|}",
      "Of $list, which number is the lowest?",
      "{What's|what's|whats} the {smallest|lowest|least} {number |}{in|among} $list{?|}",
      "{Pick|Choose|Name} the {smallest|lowest} {number |}{from|among} $list{.|}",
      "{Here are some numbers|Given the numbers|Numbers}: $list. Which {is|one is} the {smallest|least}?",
      "I have $list. Which one is the lowest?",
    ],
    ascending: [
      "Order from smallest to largest: $list{.|}",
      "Sort $list in increasing order.",
      "Put these numbers in ascending order: $list.",
      "Arrange $list from least to greatest.",
      "{Sort|sort|Order|order} {the numbers |these: |}$list {from smallest to largest|from low to high|in ascending order}{.|}",
      "{Can|Could} you {sort|order|arrange} $list {from smallest to largest|in increasing order|from least to greatest}?",
      "{Here are some numbers|Numbers}: $list. {Sort|Order} them {from smallest to largest|in ascending order|in increasing order}{.|}",
      "Rank $list from lowest to highest.",
    ],
    descending: [
      "Order from largest to smallest: $list{.|}",
      "Sort $list in decreasing order.",
      "Put these numbers in descending order: $list.",
      "Arrange $list from greatest to least.",
      "{Sort|sort|Order|order} {the numbers |these: |}$list {from largest to smallest|from high to low|in descending order}{.|}",
      "{Can|Could} you {sort|order|arrange} $list {from largest to smallest|in decreasing order|from greatest to least}?",
      "{Here are some numbers|Numbers}: $list. {Sort|Order} them {from largest to smallest|in descending order|in decreasing order}{.|}",
      "Rank $list from highest to lowest.",
    ],
  },
  pt: {
    larger: [
      "{Qual|qual} é maior, $x ou $y{?|}",
      "Qual número é maior: $x ou $y?",
      "$x ou $y, qual é o maior?",
      "Entre $x e $y, qual vale mais?",
      "{Rapidinho|Pergunta rápida}: qual é maior, $x ou $y?",
      "{qual é maior|qual o maior|qual que é maior}{:|,} $x ou $y",
      "$x {ou|vs|vs.} $y{: qual é o maior?|, qual vale mais?|: qual é maior?}",
      "Me diz qual número é maior: $x ou $y.",
    ],
    smaller: [
      "{Qual|qual} é menor, $x ou $y{?|}",
      "Qual número é menor: $x ou $y?",
      "$x ou $y, qual é o menor?",
      "Entre $x e $y, qual vale menos?",
      "{Rapidinho|Pergunta rápida}: qual é menor, $x ou $y?",
      "{qual é menor|qual o menor|qual que é menor}{:|,} $x ou $y",
      "$x {ou|vs|vs.} $y{: qual é o menor?|, qual vale menos?|: qual é menor?}",
      "Me diz qual número é menor: $x ou $y.",
    ],
    largest: [
      "Qual é o maior de $list?",
      "Qual é o maior número entre $list?",
      "{Ache|ache|Encontre} o máximo de $list{.|}",
      "Dos números $list, qual é o maior?",
      "{qual é o|Qual o|qual o|Qual que é o} maior {número |}{entre|dentre} $list{?|}",
      "{Escolha|Aponte|Diga} o maior {número |}{entre|dentre} $list{.|}",
      "{Números|Considere os números|Veja os números}: $list. Qual {é|deles é} o maior?",
      "Tenho $list. Qual deles é o mais alto?",
    ],
    smallest: [
      "Qual é o menor de $list?",
      "Qual é o menor número entre $list?",
      "{Ache|ache|Encontre} o mínimo de $list{.|}",
      "Dos números $list, qual é o menor?",
      "{qual é o|Qual o|qual o|Qual que é o} menor {número |}{entre|dentre} $list{?|}",
      "{Escolha|Aponte|Diga} o menor {número |}{entre|dentre} $list{.|}",
      "{Números|Considere os números|Veja os números}: $list. Qual {é|deles é} o menor?",
      "Tenho $list. Qual deles é o mais baixo?",
    ],
    ascending: [
      "Ordene do menor para o maior: $list{.|}",
      "Coloque $list em ordem crescente.",
      "Ponha estes números em ordem crescente: $list.",
      "Organize $list do menor ao maior.",
      "{Ordene|ordene|Ordena|ordena} {os números |}$list {do menor para o maior|em ordem crescente|do menor ao maior}{.|}",
      "{Você pode|Pode|Dá pra} {ordenar|colocar em ordem} $list do menor para o maior?",
      "{Números|Considere os números|Lista}: $list. {Ordene|Coloque} {em ordem crescente|do menor para o maior}{.|}",
      "Classifique $list do mais baixo ao mais alto.",
    ],
    descending: [
      "Ordene do maior para o menor: $list{.|}",
      "Coloque $list em ordem decrescente.",
      "Ponha estes números em ordem decrescente: $list.",
      "Organize $list do maior ao menor.",
      "{Ordene|ordene|Ordena|ordena} {os números |}$list {do maior para o menor|em ordem decrescente|do maior ao menor}{.|}",
      "{Você pode|Pode|Dá pra} {ordenar|colocar em ordem} $list do maior para o menor?",
      "{Números|Considere os números|Lista}: $list. {Ordene|Coloque} {em ordem decrescente|do maior para o menor}{.|}",
      "Classifique $list do mais alto ao mais baixo.",
    ],
  },
};

const TEXT = {
  en: {
    digits: (x: number, n: number) => `${x} has ${n} digit${n === 1 ? "" : "s"}`,
    same: (n: number) => `both have ${n} digits`,
    place: (i: number, a: string, b: string) => `digit ${i}: ${a} and ${b}${a === b ? ", equal" : ""}`,
    larger: (x: number) => `So ${x} is larger.`,
    smaller: (x: number) => `So ${x} is smaller.`,
    pick: (list: number[], x: number, largest: boolean) =>
      `Of ${list.join(", ")}, the ${largest ? "largest" : "smallest"} is ${x}.`,
    order: (xs: number[]) => `Order: ${xs.join(", ")}.`,
    answerLarger: (x: number) => `${x} is larger.`,
    answerSmaller: (x: number) => `${x} is smaller.`,
    answerLargest: (x: number) => `The largest is ${x}.`,
    answerSmallest: (x: number) => `The smallest is ${x}.`,
    and: "and",
  },
  pt: {
    digits: (x: number, n: number) => `${x} tem ${n} algarismo${n === 1 ? "" : "s"}`,
    same: (n: number) => `os dois têm ${n} algarismos`,
    place: (i: number, a: string, b: string) => `algarismo ${i}: ${a} e ${b}${a === b ? ", iguais" : ""}`,
    larger: (x: number) => `Então ${x} é maior.`,
    smaller: (x: number) => `Então ${x} é menor.`,
    pick: (list: number[], x: number, largest: boolean) =>
      `De ${list.join(", ")}, o ${largest ? "maior" : "menor"} é ${x}.`,
    order: (xs: number[]) => `Ordem: ${xs.join(", ")}.`,
    answerLarger: (x: number) => `${x} é maior.`,
    answerSmaller: (x: number) => `${x} é menor.`,
    answerLargest: (x: number) => `O maior é ${x}.`,
    answerSmallest: (x: number) => `O menor é ${x}.`,
    and: "e",
  },
};

/** How a question writes a list (reasoning and answer always use "a, b, c"): "3, 17 and 9", "3; 17; 9", ... */
function listText(rng: Rng, xs: number[], language: Language): string {
  const init = xs.slice(0, -1).join(", ");
  const last = xs[xs.length - 1];
  const and = TEXT[language].and;
  const forms = [
    `${init} ${and} ${last}`,
    `${init} ${and} ${last}`,
    xs.join(", "),
    xs.join("; "),
    `[${xs.join(", ")}]`,
  ];
  if (language === "en") forms.push(`${init}, and ${last}`);
  return rng.pick(forms);
}

/** Why x and y compare as they do: digit counts, else the first differing digit from the left. */
function comparison(x: number, y: number, language: Language): string {
  const t = TEXT[language];
  const [sx, sy] = [String(x), String(y)];
  if (sx.length !== sy.length) return `${t.digits(x, sx.length)}, ${t.digits(y, sy.length)}.`;
  const parts = [t.same(sx.length)];
  for (let i = 0; i < sx.length; i++) {
    parts.push(t.place(i + 1, sx[i], sy[i]));
    if (sx[i] !== sy[i]) break;
  }
  return `${parts.join("; ")}.`;
}

/** Numbers that are often close (same length, shared leading digits), so comparing takes care. */
function numbers(rng: Rng, count: number): number[] {
  const out = new Set<number>();
  const digits = rng.int(1, 4);
  const base = rng.int(10 ** (digits - 1), 10 ** digits - 1);
  while (out.size < count) {
    if (rng.chance(0.5)) {
      const d = rng.int(1, 4);
      out.add(rng.int(d === 1 ? 0 : 10 ** (d - 1), 10 ** d - 1));
    } else {
      const scale = 10 ** rng.int(0, Math.max(0, digits - 1));
      out.add(Math.max(0, base + rng.int(-9, 9) * scale));
    }
  }
  return [...out];
}

function generate(rng: Rng, language: Language, template: number): Draft {
  const task = TASKS[Math.floor(template / FRAMES_PER_TASK)];
  const t = TEXT[language];
  const pair = task === "larger" || task === "smaller";
  const xs = numbers(rng, pair ? 2 : rng.int(3, 4));
  const question = phrase(rng, FRAMES[language][task][template % FRAMES_PER_TASK], {
    x: xs[0],
    y: xs[1] ?? 0,
    list: pair ? "" : listText(rng, xs, language),
  });
  const lines: string[] = [];
  let answer: string;
  let expected: Draft["expected"];
  if (pair) {
    const [x, y] = xs;
    lines.push(comparison(x, y, language));
    const big = Math.max(x, y);
    const small = Math.min(x, y);
    const value = task === "larger" ? big : small;
    lines.push(task === "larger" ? t.larger(big) : t.smaller(small));
    answer = task === "larger" ? t.answerLarger(big) : t.answerSmaller(small);
    expected = { kind: "number", value };
  } else if (task === "largest" || task === "smallest") {
    const largest = task === "largest";
    const value = largest ? Math.max(...xs) : Math.min(...xs);
    lines.push(`${xs.map((x) => t.digits(x, String(x).length)).join(", ")}.`);
    lines.push(t.pick(xs, value, largest));
    answer = largest ? t.answerLargest(value) : t.answerSmallest(value);
    expected = { kind: "number", value };
  } else {
    const descending = task === "descending";
    lines.push(`${xs.map((x) => t.digits(x, String(x).length)).join(", ")}.`);
    let left = [...xs];
    const order: number[] = [];
    while (left.length > 1) {
      const next = descending ? Math.max(...left) : Math.min(...left);
      lines.push(t.pick(left, next, descending));
      order.push(next);
      left = left.filter((x) => x !== next);
    }
    order.push(left[0]);
    lines.push(t.order(order));
    answer = `${order.join(", ")}.`;
    expected = { kind: "numbers", values: order };
  }
  return { language, template, question, reasoning: lines.join("\n"), answer, expected };
}

export const ordering: Family = {
  name: "ordering",
  templateCount: { en: TASKS.length * FRAMES_PER_TASK, pt: TASKS.length * FRAMES_PER_TASK },
  generate,
};
