/**
 * @module Exact evaluation of an arithmetic expression (+ - * / × ÷ and parentheses over non-negative
 * integers) in rationals, with the numbers it uses: how a Countdown answer is checked.
 */

/** A rational number n/d in lowest terms, d > 0 (bigints: products of four numbers stay exact). */
export interface Rational {
  n: bigint;
  d: bigint;
}

const gcd = (a: bigint, b: bigint): bigint => {
  let [x, y] = [a < 0n ? -a : a, b < 0n ? -b : b];
  while (y) [x, y] = [y, x % y];
  return x;
};

function rational(n: bigint, d: bigint): Rational {
  if (d === 0n) throw new ExpressionError("division by zero");
  const g = gcd(n, d) || 1n;
  const sign = d < 0n ? -1n : 1n;
  return { n: (sign * n) / g, d: (sign * d) / g };
}

/** A malformed expression or a division by zero. */
export class ExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ExpressionError";
  }
}

/** The value of an expression and the numbers it was built from, in order of appearance. */
export interface Evaluated {
  value: Rational;
  numbers: number[];
}

/**
 * Evaluates `text` exactly; throws ExpressionError when it is not a well-formed expression.
 *
 * @example
 * evaluate("(8 - 3) * 5 + 6"); // { value: { n: 31n, d: 1n }, numbers: [8, 3, 5, 6] }
 */
export function evaluate(text: string): Evaluated {
  const tokens = text.match(/\d+|[-+*/×÷()]|\S/g) ?? [];
  let i = 0;
  const numbers: number[] = [];
  const peek = () => tokens[i];
  const expectToken = (t: string) => {
    if (tokens[i] !== t) throw new ExpressionError(`expected "${t}" at token ${i} of "${text}"`);
    i++;
  };
  const primary = (): Rational => {
    const t = peek();
    if (t === "(") {
      i++;
      const v = sum();
      expectToken(")");
      return v;
    }
    if (t !== undefined && /^\d+$/.test(t)) {
      i++;
      numbers.push(Number(t));
      return rational(BigInt(t), 1n);
    }
    throw new ExpressionError(`expected a number or "(" at token ${i} of "${text}"`);
  };
  const product = (): Rational => {
    let v = primary();
    for (let t = peek(); t === "*" || t === "/" || t === "×" || t === "÷"; t = peek()) {
      i++;
      const r = primary();
      v = t === "*" || t === "×" ? rational(v.n * r.n, v.d * r.d) : rational(v.n * r.d, v.d * r.n);
    }
    return v;
  };
  const sum = (): Rational => {
    let v = product();
    for (let t = peek(); t === "+" || t === "-"; t = peek()) {
      i++;
      const r = product();
      v = t === "+" ? rational(v.n * r.d + r.n * v.d, v.d * r.d) : rational(v.n * r.d - r.n * v.d, v.d * r.d);
    }
    return v;
  };
  const value = sum();
  if (i !== tokens.length) throw new ExpressionError(`unexpected "${tokens[i]}" at token ${i} of "${text}"`);
  return { value, numbers };
}
