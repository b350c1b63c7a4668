import assert from "node:assert/strict";
import { test } from "node:test";
import { pyFloat, pyStrip } from "../../src/tokenizer/python-values.js";

test("pyStrip follows str.strip/lstrip/rstrip with and without chars", () => {
  assert.equal(pyStrip("\n  a \n\n", "\n", "strip"), "  a ");
  assert.equal(pyStrip("\n\n a", "\n", "lstrip"), " a");
  assert.equal(pyStrip("a \n", "\n", "rstrip"), "a ");
  assert.equal(pyStrip("\u3000\x1f a \ufeff", undefined, "strip"), "a \ufeff");
  assert.equal(pyStrip("😀a😀", "😀", "strip"), "a");
});

test("pyFloat spells floats as Python's repr", () => {
  const cases: [number, string][] = [
    [2.5, "2.5"],
    [1.5e-7, "1.5e-07"],
    [0.0001, "0.0001"],
    [0.00001, "1e-05"],
    [1e16, "1e+16"],
    [123456789012345.6, "123456789012345.6"],
    [-0.25, "-0.25"],
    [3, "3.0"],
    [Number.NaN, "nan"],
  ];
  for (const [x, expected] of cases) assert.equal(pyFloat(x), expected, String(x));
});
