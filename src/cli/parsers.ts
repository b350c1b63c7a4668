/** @module Commander argument parsers shared by the commands: each rejects bad values with the expectation. */
import { InvalidArgumentError } from "commander";

/** An integer >= min. */
export function integerParser(min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer >= ${min}`);
    return n;
  };
}

/** A number in [min, max]. */
export function numberParser(min: number, max = Number.POSITIVE_INFINITY) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || n < min || n > max)
      throw new InvalidArgumentError(
        `expected a number in [${min}, ${max === Number.POSITIVE_INFINITY ? "∞" : max}]`,
      );
    return n;
  };
}

/** One of the listed strings. */
export function oneOf<T extends string>(allowed: readonly T[]) {
  return (value: string): T => {
    if (!allowed.includes(value as T))
      throw new InvalidArgumentError(`expected one of ${allowed.join(", ")}`);
    return value as T;
  };
}

/** A comma-separated list, each item read by `one`. */
export function listOf<T>(one: (value: string) => T) {
  return (value: string): T[] => {
    const parts = value.split(",").map((s) => s.trim());
    if (parts.some((p) => p === "")) throw new InvalidArgumentError("expected a comma-separated list");
    return parts.map(one);
  };
}

/** A repeatable option's values, in order (`--image a.png --image b.png`). */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
