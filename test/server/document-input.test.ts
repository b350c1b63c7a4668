import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { docx, encryptedPdf, imagePdf, SAMPLE_LINES, textPdf, textPng } from "../documents/make-files.js";
import { startTinyServer, type TinyServer } from "./tiny-server.js";

const dataUrl = (mime: string, bytes: Uint8Array) =>
  `data:${mime};base64,${Buffer.from(bytes).toString("base64")}`;
const fileMessage = (file: Record<string, string>, text = "Summarise.") => ({
  messages: [
    {
      role: "user",
      content: [
        { type: "text", text },
        { type: "file", file },
      ],
    },
  ],
  max_tokens: 1,
});

describe("file parts", () => {
  let t: TinyServer;
  const roots = mkdtempSync(join(tmpdir(), "rio-doc-root-"));
  before(async () => {
    t = await startTinyServer({ ctx: 2048 });
  });
  after(() => t.close());

  test("a PDF, a DOCX and a scanned PDF enter the prompt with page markers", async () => {
    const pdf = await textPdf([["Alpha page text."], ["Beta page text."]]);
    const r = await t.post(
      "/v1/chat/completions",
      fileMessage({ file_data: dataUrl("application/pdf", pdf), filename: "report.pdf" }),
    );
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const plain = await t.post("/v1/chat/completions", {
      messages: [{ role: "user", content: "Summarise." }],
      max_tokens: 1,
    });
    const tokens = (body: unknown) => (body as { usage: { prompt_tokens: number } }).usage.prompt_tokens;
    const expected = t.model.tokenizer.encode(
      "\n[document report.pdf, page 1]\nAlpha page text.\n\n[document report.pdf, page 2]\nBeta page text.\n[end of document report.pdf]\n",
    ).length;
    // the document's text is in the prompt, give or take tokens merging at its edges
    assert.ok(
      Math.abs(tokens(r.body) - tokens(plain.body) - expected) <= 2,
      `${tokens(r.body)} vs ${tokens(plain.body)} + ${expected}`,
    );
    const word = await t.post(
      "/v1/chat/completions",
      fileMessage({
        file_data: Buffer.from(await docx(["Hello"])).toString("base64"),
        filename: "memo.docx",
      }),
    );
    assert.equal(word.status, 200, JSON.stringify(word.body));
    const scan = await t.post(
      "/v1/chat/completions",
      fileMessage({
        file_data: dataUrl("application/pdf", await imagePdf([textPng()])),
        filename: "scan.pdf",
      }),
    );
    assert.equal(scan.status, 200, JSON.stringify(scan.body));
  });

  test("an image sent to a model without a vision encoder is read by OCR", async () => {
    const r = await t.post("/v1/chat/completions", {
      messages: [
        {
          role: "user",
          content: [
            {
              type: "image_url",
              image_url: { url: dataUrl("image/png", textPng(SAMPLE_LINES.slice(0, 1))) },
            },
          ],
        },
      ],
      max_tokens: 1,
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  });

  test("a Responses input_image sent to a model without a vision encoder is read by OCR, and stored as its text", async () => {
    const image = dataUrl("image/png", textPng(SAMPLE_LINES.slice(0, 1)));
    type Response = { id: string; usage: { input_tokens: number } };
    const ask = async (content: unknown[]) => {
      const r = await t.post("/v1/responses", { input: [{ role: "user", content }], max_output_tokens: 1 });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body as unknown as Response;
    };
    const plain = await ask([{ type: "input_text", text: "Read:" }]);
    const r = await ask([
      { type: "input_text", text: "Read:" },
      { type: "input_image", image_url: image, detail: "auto" },
    ]);
    // the image's OCR text (a line of words, its markers) is in the prompt
    assert.ok(r.usage.input_tokens > plain.usage.input_tokens + 5, JSON.stringify(r.usage));
    const next = await t.post("/v1/responses", {
      input: "And then?",
      previous_response_id: r.id,
      max_output_tokens: 1,
    });
    assert.equal(next.status, 200, JSON.stringify(next.body));
    assert.ok((next.body as unknown as Response).usage.input_tokens > r.usage.input_tokens);
  });

  test("Responses input_file parts", async () => {
    const r = await t.post("/v1/responses", {
      input: [
        {
          role: "user",
          content: [
            { type: "input_text", text: "Read:" },
            {
              type: "input_file",
              filename: "a.md",
              file_data: dataUrl("text/markdown", Buffer.from("# Hi")),
            },
          ],
        },
      ],
      max_output_tokens: 1,
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const bad = await t.post("/v1/responses", {
      input: [
        {
          role: "user",
          content: [
            {
              type: "input_file",
              filename: "x.pdf",
              file_data: dataUrl("application/pdf", Buffer.from("nope")),
            },
          ],
        },
      ],
      max_output_tokens: 1,
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.param, "input[0].content[0].file_data");
    assert.equal(bad.body.error.code, "invalid_file");
  });

  test("each refusal is its own 400 naming the part", async () => {
    const cases: [Record<string, string>, string, string, RegExp][] = [
      [
        {
          file_data: dataUrl("application/msword", Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 1, 2, 3])),
          filename: "old.doc",
        },
        "unsupported_file",
        "file_data",
        /"old\.doc" is a legacy Office/,
      ],
      [
        { file_data: dataUrl("application/pdf", Buffer.from("%PDF-1.4 broken")), filename: "bad.pdf" },
        "invalid_file",
        "file_data",
        /"bad\.pdf" is not a readable PDF/,
      ],
      [
        {
          file_data: dataUrl("application/pdf", encryptedPdf(await textPdf([["x"]]))),
          filename: "locked.pdf",
        },
        "file_encrypted",
        "file_data",
        /"locked\.pdf" is password-protected/,
      ],
      [
        { file_data: dataUrl("text/plain", Buffer.from("word ".repeat(3000))), filename: "long.txt" },
        "context_length_exceeded",
        "",
        /document "long\.txt" is \d+ tokens; the context holds 2048/,
      ],
      [{ file_id: "file-123" }, null as unknown as string, "file_id", /file ids are not supported/],
      [
        { file_url: "/etc/passwd" },
        null as unknown as string,
        "file_url",
        /this server reads no local paths/,
      ],
      [
        { file_data: "%%%not base64%%%", filename: "a.txt" },
        null as unknown as string,
        "file_data",
        /expected a data URL or base64/,
      ],
    ];
    for (const [file, code, field, message] of cases) {
      const r = await t.post("/v1/chat/completions", fileMessage(file));
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.equal(r.body.error.code, code);
      assert.equal(r.body.error.param, `messages[0].content[1]${field ? `.${field}` : ""}`);
      assert.match(r.body.error.message, message);
    }
  });

  test("a batch of corrupt files gets 400s and the server stays up", async () => {
    const corrupt = [
      Buffer.from("%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj trailer << /Root 1 0 R >>"),
      Buffer.concat([Buffer.from(await textPdf([["cut"]])).subarray(0, 200)]),
      Buffer.from("PK\x03\x04\x14\x00garbage zip"),
      Buffer.concat([textPng().subarray(0, 60), Buffer.alloc(500, 3)]),
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]),
      Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 1, 2, 3]),
    ];
    const names = ["a.pdf", "b.pdf", "c.docx", "d.png", "e.png", "f.jpg"];
    const replies = await Promise.all(
      Array.from({ length: 18 }, (_, i) =>
        t.post(
          "/v1/chat/completions",
          fileMessage({ file_data: corrupt[i % 6].toString("base64"), filename: names[i % 6] }),
        ),
      ),
    );
    for (const r of replies) {
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.match(r.body.error.code ?? "", /invalid_file|unsupported_file/);
    }
    const ok = await t.post("/v1/chat/completions", {
      messages: [{ role: "user", content: "still there?" }],
      max_tokens: 1,
    });
    assert.equal(ok.status, 200);
  });

  test("a path under the operator's folder", async () => {
    const local = await startTinyServer({ ctx: 2048, documents: { roots: [roots] } });
    try {
      writeFileSync(join(roots, "notes.txt"), "Local notes.");
      const r = await local.post("/v1/chat/completions", fileMessage({ file_url: join(roots, "notes.txt") }));
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const out = await local.post(
        "/v1/chat/completions",
        fileMessage({ file_url: join(roots, "..", "elsewhere.txt") }),
      );
      assert.equal(out.status, 400);
      assert.equal(out.body.error.code, "file_not_found");
      const noOcr = await local.post(
        "/v1/chat/completions",
        fileMessage({ file_data: dataUrl("image/png", textPng()), filename: "x.png" }),
      );
      assert.equal(noOcr.status, 400);
      assert.equal(noOcr.body.error.code, "ocr_unavailable");
    } finally {
      await local.close();
    }
  });
});
