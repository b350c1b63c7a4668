/**
 * @module Durations between two clock times h:mm, midnight crossings included: up to the next full hour,
 * whole hours, then the minutes past the last hour.
 */
import { phrase } from "../phrase.js";
import type { Draft, Family, Language, Rng } from "../problem.js";

// Templates come in fours; the split holds out every fourth (see splits.ts). The start time always comes
// first, both as h:mm.
const QUESTIONS: Record<Language, string[]> = {
  en: [
    "How long is it from $t1 {to|until} $t2?",
    "A train leaves at $t1 and arrives at $t2. How long is the trip?",
    "How much time passes between $t1 and $t2{?|}",
    "The movie starts at $t1 and ends at $t2. How long is the movie?",
    "{I|We} started working at $t1 and stopped at $t2. How long was that?",
    "What is the duration from $t1 {until|to} $t2?",
    "A shift runs from $t1 to $t2. How long is the shift?",
    "How many hours and minutes are there between $t1 and $t2?",
    "The store opens at $t1 and closes at $t2. How long is it open?",
    "If a flight departs at $t1 and lands at $t2, how long is the flight?",
    "Time elapsed from $t1 to $t2?",
    "The party went from $t1 to $t2. How long did it last?",
    "{Quick one|Quick question|Real quick}: how long is it {from $t1 to $t2|between $t1 and $t2}?",
    "{how long|How long} {from $t1 to $t2|between $t1 and $t2|is it from $t1 to $t2}{?|}",
    "{Starting|Beginning} at $t1 and ending at $t2, how long is that?",
    "I left home at $t1 and got back at $t2. How long was I away?",
    "{Work out|Calculate|Compute|Find} the time from $t1 to $t2{.|}",
    "{Can|Could} you tell me how {long|much time} it is from $t1 to $t2?",
    "{I|We} slept from $t1 {until|till|to} $t2. How long was that?",
    "The meeting started at $t1 and ended at $t2. How long did it last?",
    "{From $t1 to $t2|$t1 to $t2|$t1 until $t2}{:|,} how {long|much time} is that{?|}",
    "{I need to know|Tell me|Please tell me} how long it is from $t1 to $t2{.|}",
    "{What's|What is|what's} the {time|gap} between $t1 and $t2?",
    "A bus leaves at $t1 and gets in at $t2. What's the travel time?",
  ],
  pt: [
    "Quanto tempo vai de $t1 até $t2?",
    "Um ônibus sai às $t1 e chega às $t2. Quanto dura a viagem?",
    "Quanto tempo passa entre $t1 e $t2{?|}",
    "O filme começa às $t1 e termina às $t2. Quanto dura o filme?",
    "{Comecei a trabalhar às $t1 e parei|Começamos a trabalhar às $t1 e paramos} às $t2. Quanto tempo foi?",
    "Qual é a duração de $t1 até $t2?",
    "Um plantão vai das $t1 às $t2. Quanto tempo dura?",
    "Quantas horas e minutos há entre $t1 e $t2?",
    "A loja abre às $t1 e fecha às $t2. Quanto tempo fica aberta?",
    "Se um voo parte às $t1 e pousa às $t2, quanto dura o voo?",
    "Tempo decorrido de $t1 a $t2?",
    "A festa foi das $t1 às $t2. Quanto tempo durou?",
    "{Rapidinho|Pergunta rápida|Me ajuda}: quanto tempo {vai das $t1 às $t2|passa entre $t1 e $t2}?",
    "{quanto tempo|Quanto tempo} {das $t1 às $t2|entre $t1 e $t2|de $t1 até $t2}{?|}",
    "{Começando|Iniciando} às $t1 e terminando às $t2, quanto tempo dá?",
    "Saí de casa às $t1 e voltei às $t2. Quanto tempo fiquei fora?",
    "{Calcule|Calcula|Descubra} o tempo {das $t1 às $t2|de $t1 até $t2}{.|}",
    "{Você sabe|Sabe|Pode me dizer} quanto tempo {tem|passa} {das $t1 às $t2|entre $t1 e $t2}?",
    "{Dormi|Dormimos} das $t1 às $t2. Quanto tempo foi?",
    "A reunião começou às $t1 e acabou às $t2. Quanto tempo durou?",
    "{Das $t1 às $t2|De $t1 até $t2|das $t1 às $t2}{,|:} quanto tempo {é|dá}{?|}",
    "{Preciso saber|Me diz|Me fala} quanto tempo {vai|passa} {das $t1 às $t2|de $t1 até $t2}{.|}",
    "Quanto tempo {leva|demora} {de $t1 até $t2|das $t1 às $t2}?",
    "Um barco sai às $t1 e chega às $t2. Qual é o tempo de viagem?",
  ],
};

const clock = (minutes: number) =>
  `${Math.floor(minutes / 60) % 24}:${String(minutes % 60).padStart(2, "0")}`;

/** "3 hours 25 minutes", "1 hora e 5 minutos", "45 minutes", "2 horas". */
export function durationText(minutes: number, language: Language): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  const unit = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const hours = language === "en" ? unit(h, "hour", "hours") : unit(h, "hora", "horas");
  const mins = language === "en" ? unit(m, "minute", "minutes") : unit(m, "minuto", "minutos");
  if (h === 0) return mins;
  if (m === 0) return hours;
  return language === "en" ? `${hours} ${mins}` : `${hours} e ${mins}`;
}

const TEXT = {
  en: {
    from: (a: string, b: string) => `From ${a} to ${b}.`,
    span: (a: string, b: string, what: string) => `${a} to ${b} is ${what}.`,
    midnight: (a: number, b: number, n: number) =>
      `${a}:00 to ${b}:00 passes midnight: 24 - ${a} + ${b} = ${durationText(n * 60, "en")}.`,
    hours: (a: number, b: number, n: number) =>
      `${a}:00 to ${b}:00: ${b} - ${a} = ${durationText(n * 60, "en")}.`,
    minutes: (x: number, y: number) => `${x} + ${y} = ${x + y} minutes`,
    carry: (n: number) => `, that is 1 hour ${n} minutes`,
    total: "Total:",
    direct: (a: number, b: number) => `Same hour: ${b} - ${a} = ${b - a} minutes.`,
  },
  pt: {
    from: (a: string, b: string) => `De ${a} até ${b}.`,
    span: (a: string, b: string, what: string) => `De ${a} a ${b} são ${what}.`,
    midnight: (a: number, b: number, n: number) =>
      `De ${a}:00 a ${b}:00 passa da meia-noite: 24 - ${a} + ${b} = ${durationText(n * 60, "pt")}.`,
    hours: (a: number, b: number, n: number) =>
      `De ${a}:00 a ${b}:00: ${b} - ${a} = ${durationText(n * 60, "pt")}.`,
    minutes: (x: number, y: number) => `${x} + ${y} = ${x + y} minutos`,
    carry: (n: number) => `, ou seja, 1 hora e ${n} minutos`,
    total: "Total:",
    direct: (a: number, b: number) => `Mesma hora: ${b} - ${a} = ${b - a} minutos.`,
  },
};

/** The worked steps from `start` to `end` (minutes after midnight; end < start crosses midnight). */
function steps(start: number, end: number, language: Language): { lines: string[]; minutes: number } {
  const t = TEXT[language];
  const total = (end - start + 1440) % 1440;
  const [h1, m1, h2, m2] = [Math.floor(start / 60), start % 60, Math.floor(end / 60), end % 60];
  const lines = [t.from(clock(start), clock(end))];
  if (h1 === h2 && m2 >= m1) {
    lines.push(t.direct(m1, m2));
    return { lines, minutes: total };
  }
  const firstHour = m1 === 0 ? h1 : (h1 + 1) % 24;
  const head = m1 === 0 ? 0 : 60 - m1;
  if (head) lines.push(t.span(clock(start), `${firstHour}:00`, durationText(head, language)));
  const hours = (h2 - firstHour + 24) % 24;
  if (hours) lines.push(firstHour > h2 ? t.midnight(firstHour, h2, hours) : t.hours(firstHour, h2, hours));
  if (m2) lines.push(t.span(`${h2}:00`, clock(end), durationText(m2, language)));
  if (head && m2) {
    const sum = head + m2;
    lines.push(`${t.minutes(head, m2)}${sum >= 60 ? t.carry(sum - 60) : ""}.`);
  }
  return { lines, minutes: total };
}

function generate(rng: Rng, language: Language, template: number): Draft {
  const start =
    rng.int(0, 23) * 60 + rng.pick([0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, rng.int(0, 59)]);
  const crossMidnight = rng.chance(0.25);
  const length = crossMidnight
    ? 1440 - start + rng.int(1, 8 * 60)
    : rng.int(5, Math.max(5, Math.min(12 * 60, 1439 - start)));
  const end = (start + length) % 1440;
  const question = phrase(rng, QUESTIONS[language][template], { t1: clock(start), t2: clock(end) });
  const { lines, minutes } = steps(start, end, language);
  const answer = durationText(minutes, language);
  lines.push(`${TEXT[language].total} ${answer}.`);
  return {
    language,
    template,
    question,
    reasoning: lines.join("\n"),
    answer: `${answer}.`,
    expected: { kind: "duration", minutes },
  };
}

export const duration: Family = {
  name: "duration",
  templateCount: { en: QUESTIONS.en.length, pt: QUESTIONS.pt.length },
  generate,
};
