// The code tool's Python sandbox (Pyodide in a permission-restricted process): results, and the attacks it
// must stop safely and quickly — an endless loop, a memory bomb, reading the host's files, opening a socket,
// reaching the host's JavaScript objects, a 100 MB print — each followed by a run that still works.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type CodeTool, codeTool, DEFAULT_LIMITS, type ToolLimits } from "../../src/tools/index.js";
import { type LoopbackServer, startLoopbackServer } from "../fixtures/tools/loopback-server.js";

let code: CodeTool;
before(async () => {
  code = codeTool();
  await code.warmUp();
});
after(() => code.close());

const python = (source: string, limits: Partial<ToolLimits> = {}) =>
  code.run(
    { language: "python", code: source },
    { signal: new AbortController().signal, limits: { ...DEFAULT_LIMITS, ...limits } },
  );

async function stillWorks(): Promise<void> {
  const result = await python("print('ok'); 2 ** 10");
  assert.equal(result.isError, false, result.text);
  assert.equal(result.text, "stdout:\nok\n\nvalue:\n1024");
}

test("prints, gives the last expression's value, and reports an error as the program's traceback", async () => {
  const ok = await python("import math\nprint('hello')\nmath.factorial(20)");
  assert.equal(ok.isError, false);
  assert.equal(ok.text, "stdout:\nhello\n\nvalue:\n2432902008176640000");
  assert.equal(ok.data?.value, "2432902008176640000");

  const failed = await python("x = 1\ndef f():\n    return x / 0\nf()");
  assert.equal(failed.isError, true);
  assert.match(failed.text, /^error:\nTraceback \(most recent call last\):\n {2}File "<code>", line 4/);
  assert.match(failed.text, /ZeroDivisionError: division by zero/);
  assert.doesNotMatch(failed.text, /_pyodide|eval_code/, "Pyodide's own frames are not shown");
});

test("an endless loop is stopped at the time limit", async () => {
  const started = performance.now();
  const result = await python("while True:\n    pass", { timeMs: 1000 });
  const elapsed = performance.now() - started;
  assert.equal(result.isError, true);
  assert.equal(result.data?.timedOut, true);
  assert.match(result.text, /timed out after 1000 ms/);
  // the limit counts from the program's start; a process still starting adds its start time
  assert.ok(elapsed < 1000 + 5000, `${elapsed} ms`);
  await stillWorks();
});

test("a memory bomb stops at the memory limit with a MemoryError the program could catch", async () => {
  const limits = { memoryBytes: 96 * 2 ** 20 };
  const started = performance.now();
  const growing = await python("chunks = []\nwhile True:\n    chunks.append(bytearray(2 ** 20))", limits);
  assert.equal(growing.isError, true);
  assert.match(growing.text, /MemoryError/);
  assert.ok(performance.now() - started < 5000);

  const caught = await python(
    "try:\n    bytearray(2 ** 30)\nexcept MemoryError:\n    print('refused')",
    limits,
  );
  assert.equal(caught.text, "stdout:\nrefused\n");
  await stillWorks();
});

test("the file system is an empty in-memory scratch folder, not the host's", async () => {
  const result = await python(
    [
      "import os",
      "print(os.getcwd(), os.listdir('.'))",
      "print(sorted(os.listdir('/')))",
      "open('notes.txt', 'w').write('scratch')",
      "print(open('notes.txt').read())",
      "print(any(os.path.exists(p) for p in ['/work', '/root', '/usr/bin', '/etc/hostname']))",
      "open('/etc/passwd').read()",
    ].join("\n"),
  );
  assert.equal(result.isError, true);
  assert.match(
    result.data?.stdout ?? "",
    /^\/home\/pyodide \[\]\n\['dev', 'home', 'lib', 'proc', 'tmp'\]\nscratch\nFalse\n$/,
  );
  assert.match(result.text, /FileNotFoundError: .*'\/etc\/passwd'/);
  assert.doesNotMatch(result.text, /root:x:0/);
  await stillWorks();
});

test("opening a network socket fails and nothing reaches a server on loopback", async () => {
  let server: LoopbackServer | undefined;
  try {
    server = await startLoopbackServer((_req, res) => res.end("reached"));
    const result = await python(
      [
        "import socket, urllib.request",
        "for attempt in (",
        `    lambda: socket.create_connection(('127.0.0.1', ${server.port}), timeout=1),`,
        `    lambda: urllib.request.urlopen('${server.origin}/', timeout=1).read(),`,
        "):",
        "    try:",
        "        print('connected', attempt())",
        "    except OSError as error:",
        "        print('failed', type(error).__name__)",
      ].join("\n"),
      { timeMs: 8000 },
    );
    assert.equal(result.isError, false, result.text);
    assert.match(result.data?.stdout ?? "", /^failed \w+\nfailed \w+\n$/);
    assert.equal(server.connections(), 0);
  } finally {
    await server?.close();
  }
  await stillWorks();
});

test("Python cannot reach the host's JavaScript objects", async () => {
  const result = await python(
    [
      "attempts = {",
      "    'js.process': lambda: __import__('js').process,",
      "    'js.globalThis': lambda: __import__('js').globalThis,",
      "    'pyodide_js': lambda: __import__('pyodide_js').FS,",
      "    'run_js': lambda: __import__('pyodide.code', fromlist=['run_js']).run_js('process.pid'),",
      "    'Function': lambda: __import__('pyodide.ffi', fromlist=['to_js']).to_js({}).constructor.constructor('return process')(),",
      "}",
      "for name, attempt in attempts.items():",
      "    try:",
      "        print(name, 'REACHED', attempt())",
      "    except Exception as error:",
      "        print(name, 'blocked', type(error).__name__)",
    ].join("\n"),
  );
  const lines = (result.data?.stdout ?? "").trim().split("\n");
  assert.equal(lines.length, 5, result.text);
  for (const line of lines) assert.match(line, /^\S+ blocked \w+$/);
  await stillWorks();
});

test("a 100 MB print is cut to the output limit, with a note of its size", async () => {
  const result = await python("print('x' * 100_000_000)", { outputBytes: 4096 });
  assert.equal(result.isError, false);
  assert.equal(result.data?.stdout.length, 4096);
  assert.equal(result.data?.stdoutBytes, 100_000_001);
  assert.match(result.text, /\[truncated: 100000001 bytes in all, the first 4096 shown\]$/);
  await stillWorks();
});

test("arguments are checked before anything runs", async () => {
  const result = await code.run(
    { language: "ruby", code: "" },
    { signal: new AbortController().signal, limits: DEFAULT_LIMITS },
  );
  assert.equal(result.isError, true);
  assert.match(
    result.text,
    /^invalid arguments for code: language: expected one of "python"\|"javascript"; code: /,
  );
});
