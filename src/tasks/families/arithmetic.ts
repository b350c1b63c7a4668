/** @module Addition and subtraction of integers up to 4 digits, column by column (carries, borrows). */
import { phrase } from "../phrase.js";
import type { Draft, Family, Language, Rng } from "../problem.js";
import { additionLines, subtractionLines } from "./columns.js";

// Templates come in fours per operation; the split holds out every fourth (see splits.ts). ADD and SUB have
// the same length per language (generate indexes SUB after ADD).
const ADD: Record<Language, string[]> = {
  en: [
    "What is $a{ + |+}$b?",
    "{Compute|Calculate|Work out} $a{ + |+}$b{.|}",
    "Add $a and $b.",
    "What do you get when you add $a to $b?",
    "$a plus $b equals what?",
    "{Find|Give me} the sum of $a and $b.",
    "How much is $a{ + |+}$b?",
    "If you put $a and $b together, how much is that?",
    "Please add $b to $a.",
    "What's $a plus $b?",
    "Sum up $a and $b{.| for me.}",
    "Total of $a and $b?",
    "{Quick one|Quick question|Real quick}: {what's|what is|how much is} $a{+| + | plus }$b?",
    "$a{+| + }$b{=?| = ?| =|?| equals?|}",
    "{Can|Could} you tell me what $a {+|plus} $b {is|comes to}?",
    "{hey|ok}, {whats|what's} $a{+| + }$b",
    "{add|Add} $a {and|to} $b{| please| for me}",
    "I need to know {what|how much} $a {plus|+} $b is{.|}",
    "{what is|what's|whats|how much is} $a {plus|+|and} $b",
    "If I have $a and get $b more, how many do I have?",
    "{I'm|We're} adding $a and $b. {What's|What is} the {result|total}?",
    "{How much|What} do $a and $b {make|add up to|come to}{?| together?}",
    "{Solve|Evaluate|Answer}: $a{+| + }$b{| =| = ?|=?}",
    "Here's a sum: $a + $b. What does it come to?",
  ],
  pt: [
    "Quanto é $a{ + |+}$b?",
    "{Calcule|Resolva} $a{ + |+}$b{.|}",
    "Some $a e $b.",
    "Qual é a soma de $a com $b?",
    "$a mais $b dá quanto?",
    "{Ache|Encontre} a soma de $a e $b.",
    "Quanto dá $a{ + |+}$b?",
    "Se juntarmos $a e $b, quanto dá?",
    "Por favor, some $b a $a.",
    "Quanto é $a mais $b?",
    "Faça a conta: $a + $b.",
    "Qual o total de $a e $b?",
    "{Rapidinho|Pergunta rápida|Me ajuda}: {quanto é|quanto dá|quanto que é} $a{+| + | mais }$b?",
    "$a{+| + }$b{=?| = ?| =|?| dá?|}",
    "{Você sabe|Sabe|Pode me dizer} quanto {é|dá} $a {+|mais} $b?",
    "{oi|ei}, quanto que dá $a{+| + }$b",
    "{some|Some|soma|Soma} $a {e|com} $b{| por favor| pra mim}",
    "Preciso saber quanto {é|dá} $a {mais|+} $b{.|}",
    "{quanto é|quanto que é|quanto dá} $a {mais|+} $b",
    "Se eu tenho $a e ganho mais $b, com quanto fico?",
    "{Estou|Tô} somando $a e $b. Qual é o {resultado|total}?",
    "{Quanto|Quanto que} {dá|fica} $a {somado com|junto com|mais} $b{?| no total?}",
    "{Resolva|Calcule|Responda}: $a{+| + }$b{| =| = ?|=?}",
    "Uma conta: $a + $b. Quanto dá isso?",
  ],
};

const SUB: Record<Language, string[]> = {
  en: [
    "What is $a{ - |-}$b?",
    "{Compute|Calculate|Work out} $a{ - |-}$b{.|}",
    "Subtract $b from $a.",
    "What do you get when you take $b away from $a?",
    "$a minus $b equals what?",
    "{Find|Give me} the difference $a - $b.",
    "How much is $a{ - |-}$b?",
    "If you have $a and remove $b, what is left?",
    "Please subtract $b from $a.",
    "What's $a minus $b?",
    "Take $b off $a.",
    "How much is left when $b is taken from $a?",
    "{Quick one|Quick question|Real quick}: {what's|what is|how much is} $a{-| - | minus }$b?",
    "$a{-| - }$b{=?| = ?| =|?| equals?|}",
    "{Can|Could} you tell me what $a {-|minus} $b {is|comes to}?",
    "{hey|ok}, {whats|what's} $a{-| - }$b",
    "{subtract|Subtract} $b from $a{| please| for me}",
    "I need to know {what|how much} $a {minus|-} $b is{.|}",
    "{what is|what's|whats|how much is} $a {minus|-} $b",
    "Start at $a and go down by $b. Where do you end up?",
    "{I'm|We're} subtracting $b from $a. {What's|What is} the result?",
    "What does $a {minus|take away|less} $b {give|come to|make}?",
    "{Solve|Evaluate|Answer}: $a{-| - }$b{| =| = ?|=?}",
    "Here's a subtraction: $a - $b. What does it come to?",
  ],
  pt: [
    "Quanto é $a{ - |-}$b?",
    "{Calcule|Resolva} $a{ - |-}$b{.|}",
    "Subtraia $b de $a.",
    "Quanto sobra se tirarmos $b de $a?",
    "$a menos $b dá quanto?",
    "{Ache|Encontre} a diferença $a - $b.",
    "Quanto dá $a{ - |-}$b?",
    "Se você tem $a e tira $b, quanto fica?",
    "Por favor, subtraia $b de $a.",
    "Quanto é $a menos $b?",
    "Tire $b de $a.",
    "Quanto resta quando tiramos $b de $a?",
    "{Rapidinho|Pergunta rápida|Me ajuda}: {quanto é|quanto dá|quanto que é} $a{-| - | menos }$b?",
    "$a{-| - }$b{=?| = ?| =|?| dá?|}",
    "{Você sabe|Sabe|Pode me dizer} quanto {é|dá} $a {-|menos} $b?",
    "{oi|ei}, quanto que dá $a{-| - }$b",
    "{subtraia|Subtraia|tira|Tira} $b de $a{| por favor| pra mim}",
    "Preciso saber quanto {é|dá} $a {menos|-} $b{.|}",
    "{quanto é|quanto que é|quanto dá} $a {menos|-} $b",
    "Começando em $a e descendo $b, onde você chega?",
    "{Estou|Tô} tirando $b de $a. Qual é o resultado?",
    "{Quanto|Quanto que} {dá|fica} $a {tirando|subtraindo|menos} $b?",
    "{Resolva|Calcule|Responda}: $a{-| - }$b{| =| = ?|=?}",
    "Uma conta: $a - $b. Quanto dá isso?",
  ],
};

const TEXT = {
  en: {
    add: (a: number, b: number) => `We add ${a} and ${b}, column by column from the right.`,
    sub: (a: number, b: number) => `We subtract ${b} from ${a}, column by column from the right.`,
    negative: (a: number, b: number) =>
      `${a} is smaller than ${b}, so the result is negative: we compute ${b} - ${a} and put a minus sign in front.`,
  },
  pt: {
    add: (a: number, b: number) => `Somamos ${a} e ${b}, coluna por coluna, da direita para a esquerda.`,
    sub: (a: number, b: number) => `Subtraímos ${b} de ${a}, coluna por coluna, da direita para a esquerda.`,
    negative: (a: number, b: number) =>
      `${a} é menor que ${b}, então o resultado é negativo: calculamos ${b} - ${a} e colocamos o sinal de menos.`,
  },
};

/** An operand of 1 to 4 digits, longer ones more often (they are the ones that need the method). */
function operand(rng: Rng): number {
  const digits = rng.pick([1, 2, 2, 3, 3, 3, 4, 4, 4, 4]);
  return rng.int(digits === 1 ? 0 : 10 ** (digits - 1), 10 ** digits - 1);
}

function generate(rng: Rng, language: Language, template: number): Draft {
  const subtract = template >= ADD[language].length;
  const a = operand(rng);
  const b = operand(rng);
  const text = TEXT[language];
  const question = phrase(
    rng,
    subtract ? SUB[language][template - ADD[language].length] : ADD[language][template],
    {
      a,
      b,
    },
  );
  const result = subtract ? a - b : a + b;
  const op = subtract ? "-" : "+";
  const lines: string[] = [];
  if (!subtract) {
    if (a < 10 && b < 10) lines.push(`${a} + ${b} = ${result}.`);
    else lines.push(text.add(a, b), ...additionLines(a, b, language));
  } else if (a >= b) {
    if (a < 10) lines.push(`${a} - ${b} = ${result}.`);
    else lines.push(text.sub(a, b), ...subtractionLines(a, b, language));
  } else {
    lines.push(text.negative(a, b));
    if (b < 10) lines.push(`${b} - ${a} = ${b - a}.`);
    else lines.push(...subtractionLines(b, a, language));
  }
  lines.push(`${language === "en" ? "So" : "Então"} ${a} ${op} ${b} = ${result}.`);
  return {
    language,
    template,
    question,
    reasoning: lines.join("\n"),
    answer: `${a} ${op} ${b} = ${result}.`,
    expected: { kind: "number", value: result },
  };
}

export const arithmetic: Family = {
  name: "arithmetic",
  templateCount: { en: ADD.en.length + SUB.en.length, pt: ADD.pt.length + SUB.pt.length },
  generate,
};
