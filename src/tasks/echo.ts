/**
 * @module Echo conversations: the user gives a string of digits, numbers, clock times or words in random
 * order and the model repeats it, in its reasoning and in its answer. Every problem family starts by
 * restating the question's numbers and reads their digits back later; that needs attention heads that
 * find a token earlier in the context and copy what followed it (induction heads). rio-nano's first 1,000
 * training steps on the problems alone formed none (it copied digits from the question at chance), so the
 * training mix gained these conversations, where copying is the only way to lower the loss.
 */
import type { ChatMessage } from "../tokenizer/index.js";
import { phrase } from "./phrase.js";
import type { Language, Rng } from "./problem.js";

const ASK: Record<Language, string[]> = {
  en: [
    "Repeat after me: $x",
    "Copy this exactly: $x",
    "{Please say|Say} this back to me: $x",
    "Echo: $x",
    "Write this again, exactly as it is: $x",
  ],
  pt: [
    "Repita: $x",
    "Copie exatamente: $x",
    "Repete comigo: $x",
    "Eco: $x",
    "Escreva de novo, igualzinho: $x",
  ],
};

const REPLY: Record<Language, string> = { en: "I repeat it exactly:", pt: "Repito exatamente:" };

/** Words to echo (English and Portuguese, most of them in the problems' own wording). */
const WORDS = (
  "apple river seven table window green music paper stone cloud orange garden bread yellow horse summer " +
  "pencil market silver winter tiger number letter bridge candle forest island planet rocket shadow " +
  "train movie party store shift flight trip hour minute money change note bill price cost total " +
  "book pen card ball bag box cookie sticker marble balloon egg chair seat row week year friend sister " +
  "brother teacher student farm cow chicken bike car bus runner target left right first last next " +
  "larger smaller order sum product difference answer result start end open close buy sell pay give " +
  "casa rio livro mesa janela verde papel pedra nuvem laranja jardim cavalo lápis mercado prata inverno " +
  "ponte vela floresta ilha planeta foguete sombra praia sol lua trem filme festa loja voo viagem hora " +
  "minuto dinheiro troco nota preço custo caneta bola caixa ovo cadeira semana ano amigo irmã professor " +
  "aluno fazenda vaca galinha carro ônibus alvo maior menor ordem soma produto resposta"
).split(" ");

/**
 * What is echoed: a random string the model cannot have memorised. Two in three are words in random order, whose
 * copies an induction head learns first (each word has one occurrence to match); the rest are digits,
 * numbers and clock times, where a digit alone is ambiguous and the copy must follow its neighbours.
 */
function echoText(rng: Rng, words: readonly string[]): string {
  const n = (lo: number, hi: number) => rng.int(lo, hi);
  const digits = (k: number) => Array.from({ length: k }, () => rng.int(0, 9)).join("");
  switch (rng.pick([0, 1, 2, 3, 4, 4, 4, 4, 4, 4, 4, 4])) {
    case 0:
      return digits(n(3, 10));
    case 1:
      return Array.from({ length: n(2, 6) }, () => String(rng.int(0, 10 ** n(1, 4) - 1))).join(", ");
    case 2:
      return Array.from({ length: n(3, 10) }, () => rng.int(0, 9)).join(" ");
    case 3:
      return Array.from(
        { length: n(2, 4) },
        () => `${rng.int(0, 23)}:${String(rng.int(0, 59)).padStart(2, "0")}`,
      ).join(", ");
    default:
      return Array.from({ length: n(3, 10) }, () => rng.pick(words)).join(" ");
  }
}

/**
 * One echo conversation; `words` replaces the built-in word list (training passes the words its tokenizer
 * holds as single tokens, whose copies need no more than one match each).
 */
export function echoChat(rng: Rng, words: readonly string[] = WORDS): ChatMessage[] {
  const language: Language = rng.chance(0.5) ? "en" : "pt";
  const x = echoText(rng, words);
  return [
    { role: "user", content: phrase(rng, rng.pick(ASK[language]), { x }) },
    { role: "assistant", content: x, reasoning_content: `${REPLY[language]} ${x}` },
  ];
}
