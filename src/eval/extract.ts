/**
 * @module How an answer is read out of a generated text. The answer part is what follows the last
 * `</think>`; an output whose reasoning never closed has no answer (it ran out of budget). In the answer
 * part, in order of preference:
 * - a number: the last `\boxed{...}`, else what follows the last "final answer is" / "resposta final é",
 *   else the last number (thousands separators such as 1,234 allowed; "5, 140" is two numbers);
 * - a list of numbers: every number, in order;
 * - a duration: "3 hours 25 minutes", "1 hora e 5 minutos", "2 h 5 min", "45 minutes", or h:mm;
 * - a Countdown expression: the last run of numbers, operators and parentheses holding an operator,
 *   before an optional "= result".
 */

const NUMBER = /-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?/g;

/** The text after the last </think>, or undefined when the reasoning never closed. */
export function answerPart(output: string): string | undefined {
  const end = output.lastIndexOf("</think>");
  if (end >= 0) return output.slice(end + "</think>".length);
  return output.includes("<think>") ? undefined : output;
}

const parseNumber = (text: string) => Number(text.replace(/,/g, ""));

/** Every number in `text`, in order. */
export function extractNumbers(text: string): number[] {
  return (text.match(NUMBER) ?? []).map(parseNumber);
}

/** The final number of an answer (see the module comment), or undefined. */
export function extractFinalNumber(text: string): number | undefined {
  const boxed = [...text.matchAll(/\\boxed\{([^{}]*)\}/g)].pop();
  if (boxed) return extractNumbers(boxed[1]).pop();
  const stated = [...text.matchAll(/(?:final answer is|resposta final é)\s*:?\s*([^\n]*)/gi)].pop();
  if (stated) {
    const first = extractNumbers(stated[1])[0];
    if (first !== undefined) return first;
  }
  return extractNumbers(text).pop();
}

/** A duration in minutes, or undefined. */
export function extractDuration(text: string): number | undefined {
  const hours = [...text.matchAll(/(\d+)\s*(?:hours?|horas?|hrs?|h)\b/gi)].pop();
  const minutes = [...text.matchAll(/(\d+)\s*(?:minutes?|minutos?|mins?|m)\b/gi)].pop();
  if (hours || minutes) return Number(hours?.[1] ?? 0) * 60 + Number(minutes?.[1] ?? 0);
  const clock = [...text.matchAll(/\b(\d{1,2}):(\d{2})\b/g)].pop();
  return clock ? Number(clock[1]) * 60 + Number(clock[2]) : undefined;
}

/** The last arithmetic expression of `text` (without its "= result"), or undefined. */
export function extractExpression(text: string): string | undefined {
  const runs = text.match(/[\d\s()+\-*/×÷]+/g) ?? [];
  const candidates = runs.map((r) => r.trim()).filter((r) => /\d/.test(r) && /[-+*/×÷]/.test(r));
  return candidates.pop();
}
