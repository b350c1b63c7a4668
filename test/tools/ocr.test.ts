import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { OcrEngine } from "../../src/documents/index.js";
import { type OcrData, ocrTool } from "../../src/tools/index.js";
import { SAMPLE_LINES, textPng, wordRecall } from "../documents/make-files.js";

const engine = new OcrEngine(["eng"]);
after(() => engine.close());
const root = mkdtempSync(join(tmpdir(), "rio-ocr-tool-"));
const tool = ocrTool({ engine, roots: [root] });
const ctx = () => ({ signal: new AbortController().signal, limits: tool.defaultLimits });

test("the ocr tool reads a data URL and an allowed path, with line boxes and confidences", async () => {
  const png = textPng(SAMPLE_LINES.slice(0, 2));
  const r = await tool.run({ source: `data:image/png;base64,${png.toString("base64")}` }, ctx());
  assert.equal(r.isError, false, r.text);
  assert.ok(wordRecall(SAMPLE_LINES.slice(0, 2).join(" "), r.text) >= 0.95, r.text);
  assert.match(r.text, /\[2 lines, mean confidence \d+(\.\d)?\]$/);
  const data = r.data as OcrData;
  assert.equal(data.lines?.length, 2);
  assert.ok((data.lines?.[0].confidence ?? 0) > 50);
  writeFileSync(join(root, "shot.png"), png);
  const byPath = await tool.run({ source: join(root, "shot.png") }, ctx());
  assert.equal(byPath.isError, false, byPath.text);
  writeFileSync(join(root, "note.md"), "# Plain");
  const doc = await tool.run({ source: join(root, "note.md") }, ctx());
  assert.equal(doc.text, "[document source]\n# Plain\n[end of document source]");
});

test("the ocr tool refuses paths outside its folders, bad data and non-images as error results", async () => {
  const outside = await tool.run({ source: "/etc/hostname" }, ctx());
  assert.equal(outside.isError, true);
  assert.match(outside.text, /no such file under the folders this tool may read/);
  const bad = await tool.run(
    { source: `data:image/png;base64,${Buffer.from("\x89PNG\r\n\x1a\nxx").toString("base64")}` },
    ctx(),
  );
  assert.equal(bad.isError, true);
  assert.match(bad.text, /^ocr: /);
  const relative = await tool.run({ source: "shot.png" }, ctx());
  assert.match(relative.text, /expected a base64 data URL or an http\(s\) URL, or an absolute path/);
});
