/**
 * @module Fills a question template: `$name` takes a variable, `{a|b|c}` one of the alternatives (nested
 * alternatives allowed), drawn from the problem's random stream so a seed fixes the wording too.
 */
import type { Rng } from "./problem.js";

/** Variables a template may use. */
export type Vars = Record<string, string | number>;

/**
 * The text of `template` with alternatives chosen and variables filled.
 *
 * @example
 * phrase(rng, "{What is|Compute} $a + $b?", { a: 17, b: 25 }); // "Compute 17 + 25?"
 */
export function phrase(rng: Rng, template: string, vars: Vars): string {
  let out = "";
  let i = 0;
  const parseUntil = (stops: string): string => {
    let text = "";
    while (i < template.length && !stops.includes(template[i])) {
      const ch = template[i];
      if (ch === "{") {
        i++;
        const options: string[] = [];
        for (;;) {
          options.push(parseUntil("|}"));
          if (template[i] === "|") i++;
          else break;
        }
        if (template[i] !== "}") throw new Error(`template ${JSON.stringify(template)}: unclosed {`);
        i++;
        text += rng.pick(options);
      } else if (ch === "$") {
        const name = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(template.slice(i))?.[1];
        if (!name || !(name in vars))
          throw new Error(
            `template ${JSON.stringify(template)}: unknown variable at ${template.slice(i, i + 12)}`,
          );
        text += String(vars[name]);
        i += name.length + 1;
      } else {
        text += ch;
        i++;
      }
    }
    return text;
  };
  out = parseUntil("");
  return out.replace(/ {2,}/g, " ").trim();
}

/** Capitalises the first letter (templates that start with an alternative may begin in lower case). */
export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
