// The built-in tool interface: JSON-schema parameters from zod, argument errors naming each field, thrown
// errors turned into error results, the registry's refusal of unknown names, and text limits.
import assert from "node:assert/strict";
import { test } from "node:test";
import { z } from "zod";
import { builtinTools, DEFAULT_LIMITS, defineTool, limitText } from "../../src/tools/index.js";

const ctx = { signal: new AbortController().signal, limits: DEFAULT_LIMITS };
const echo = defineTool({
  name: "echo",
  description: "Repeats the text",
  args: z
    .object({ text: z.string().describe("What to repeat"), times: z.number().int().min(1).optional() })
    .strict(),
  run: async ({ text, times = 1 }) => {
    if (text === "boom") throw new Error("it broke");
    return { text: text.repeat(times), isError: false };
  },
});

test("parameters are the zod schema as JSON schema", () => {
  assert.deepEqual(echo.parameters, {
    type: "object",
    properties: {
      text: { type: "string", description: "What to repeat" },
      times: { type: "integer", minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
    },
    required: ["text"],
    additionalProperties: false,
  });
  assert.deepEqual(echo.defaultLimits, DEFAULT_LIMITS);
});

test("bad arguments come back as one error result naming every bad field", async () => {
  assert.deepEqual(await echo.run({ text: "hi", times: 2 }, ctx), { text: "hihi", isError: false });
  const result = await echo.run({ text: 3, times: 0, extra: true }, ctx);
  assert.deepEqual(result, {
    isError: true,
    text:
      "invalid arguments for echo: text: expected string, received number; times: Too small: expected number to be >=1; " +
      'Unrecognized key: "extra"',
  });
  assert.equal(
    (await echo.run("not an object", ctx)).text,
    "invalid arguments for echo: expected object, received string",
  );
});

test("a run that throws, or is cancelled before it starts, is an error result", async () => {
  assert.deepEqual(await echo.run({ text: "boom" }, ctx), { text: "echo failed: it broke", isError: true });
  const controller = new AbortController();
  controller.abort();
  const cancelled = await echo.run({ text: "hi" }, { ...ctx, signal: controller.signal });
  assert.deepEqual(cancelled, { text: "echo was cancelled before it started", isError: true });
});

test("the registry makes the named tools once each and refuses unknown names with the known ones", async () => {
  const tools = builtinTools(["fetch", "code", "fetch", "search"], {
    env: { RIO_SEARXNG_URL: "http://127.0.0.1:1" },
  });
  assert.deepEqual(
    tools.map((t) => t.name),
    ["fetch", "code", "search"],
  );
  for (const tool of tools) assert.equal(tool.parameters.type, "object", tool.name);
  await Promise.all(tools.map((t) => t.close()));
  assert.throws(() => builtinTools(["code", "browser", "shell"]), {
    message: 'unknown built-in tool "browser", "shell" (known: code, fetch, search, detect_objects, ocr)',
  });
  assert.throws(() => builtinTools(["search"], { env: {} }), /no search provider is configured/);
});

test("text over the byte limit is cut on a character boundary, with a note", () => {
  assert.deepEqual(limitText("short", 10), { text: "short", truncated: false });
  assert.deepEqual(limitText("héllo wörld", 6), {
    text: "héllo\n[truncated: 13 bytes in all, the first 6 shown]",
    truncated: true,
  });
  assert.equal(limitText("ééé", 3).text.split("\n")[0], "é", "half a character is dropped");
});
