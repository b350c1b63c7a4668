import assert from "node:assert/strict";
import { test } from "node:test";
import { Utf8StreamDecoder } from "../../src/tokenizer/index.js";
import { qwen3 } from "./qwen3-files.js";

const SAMPLE = "Emoji 👨‍👩‍👧‍👦🏳️‍🌈🧑🏿‍💻 and 中文字符 漢字 日本語のテキスト 𠜎𠜱 café";

test("every delta is whole characters and the deltas add up to decode()", () => {
  const tok = qwen3();
  const ids = tok.encode(SAMPLE);
  assert.ok(
    ids.some((id) => !tok.decode([id]).length || tok.decode([id]).includes("\uFFFD")),
    "sample splits a character",
  );
  const decoder = tok.createStreamDecoder();
  let text = "";
  for (const id of ids) {
    const delta = decoder.push(id);
    assert.ok(!delta.includes("\uFFFD"), `broken character after token ${id}`);
    assert.equal(Buffer.from(delta, "utf8").toString("utf8"), delta);
    text += delta;
  }
  text += decoder.finish();
  assert.equal(text, SAMPLE);
});

test("special tokens pass through or are skipped", () => {
  const tok = qwen3();
  const ids = [tok.specialIds.thinkStart, ...tok.encode("中"), tok.specialIds.imEnd];
  const keep = tok.createStreamDecoder();
  assert.equal(ids.map((id) => keep.push(id)).join("") + keep.finish(), "<think>中<|im_end|>");
  const skip = tok.createStreamDecoder({ skipSpecialTokens: true });
  assert.equal(ids.map((id) => skip.push(id)).join("") + skip.finish(), "<think>中");
});

test("an unfinished character at the end becomes U+FFFD", () => {
  const bytes = [new Uint8Array([0xf0, 0x9f]), new Uint8Array([0x98])];
  const decoder = new Utf8StreamDecoder((id) => bytes[id]);
  assert.equal(decoder.push(0) + decoder.push(1), "");
  assert.equal(decoder.finish(), "\uFFFD");
});
