import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import {
  DocumentError,
  documentPromptText,
  extractDocument,
  OcrEngine,
  shippedLanguages,
} from "../../src/documents/index.js";
import {
  docx,
  encryptedPdf,
  imagePdf,
  mixedPdf,
  SAMPLE_LINES,
  textPdf,
  textPng,
  wordRecall,
} from "./make-files.js";

const ocr = new OcrEngine(["eng"]);
after(() => ocr.close());

const refusal = (code: string, message: RegExp) => (error: unknown) => {
  assert.ok(error instanceof DocumentError, String(error));
  assert.equal(error.code, code);
  assert.match(error.message, message);
  return true;
};

describe("extractDocument", () => {
  test("a PDF's text layer, page by page", async () => {
    const pdf = await textPdf([SAMPLE_LINES.slice(0, 2), SAMPLE_LINES.slice(2)]);
    const doc = await extractDocument(pdf, { name: "report.pdf" });
    assert.equal(doc.kind, "pdf");
    assert.deepEqual(
      doc.pages.map((p) => [p.number, p.text.replace(/\s+/g, " "), p.ocr]),
      [
        [1, SAMPLE_LINES.slice(0, 2).join(" "), false],
        [2, SAMPLE_LINES.slice(2).join(" "), false],
      ],
    );
  });

  test("a PDF that is only an image of text is rasterised and OCR'd", async () => {
    const pdf = await imagePdf([textPng()]);
    const doc = await extractDocument(pdf, { name: "scan.pdf", ocr });
    assert.equal(doc.pages.length, 1);
    assert.equal(doc.pages[0].ocr, true);
    const rate = wordRecall(SAMPLE_LINES.join(" "), doc.text);
    console.log(`# OCR word recall, scanned PDF page: ${(rate * 100).toFixed(1)}%`);
    assert.ok(rate >= 0.95, `recall ${rate}: ${doc.text}`);
  });

  test("a PDF with a text page and a scanned page marks only the scan as OCR", async () => {
    const pdf = await mixedPdf(["Typed page about apples."], textPng(["Scanned page about pears."]));
    const doc = await extractDocument(pdf, { name: "mixed.pdf", ocr });
    assert.deepEqual(
      doc.pages.map((p) => p.ocr),
      [false, true],
    );
    const prompt = documentPromptText(doc, "mixed.pdf");
    assert.match(prompt, /^\[document mixed\.pdf, page 1\]\nTyped page about apples\./);
    assert.match(prompt, /\[document mixed\.pdf, page 2 \(OCR\)\]\nScanned page about pears/);
    assert.match(prompt, /\[end of document mixed\.pdf; page 2 read by OCR\]$/);
  });

  test("a PNG of rendered text: at least 95% of words, with line boxes and confidences", async () => {
    const result = await ocr.recognize(textPng());
    const rate = wordRecall(SAMPLE_LINES.join(" "), result.text);
    console.log(`# OCR word recall, PNG: ${(rate * 100).toFixed(1)}%`);
    assert.ok(rate >= 0.95, `recall ${rate}: ${result.text}`);
    assert.equal(result.lines.length, SAMPLE_LINES.length);
    for (const line of result.lines) {
      assert.ok(line.confidence > 50 && line.confidence <= 100);
      assert.ok(line.bbox.x1 > line.bbox.x0 && line.bbox.y1 > line.bbox.y0);
    }
    assert.ok(result.lines[1].bbox.y0 > result.lines[0].bbox.y1 - 5);
  });

  test("a DOCX, HTML, Markdown and text", async () => {
    const word = await extractDocument(await docx(SAMPLE_LINES.slice(0, 2)), { name: "memo.docx" });
    assert.equal(word.kind, "docx");
    assert.equal(word.text, SAMPLE_LINES.slice(0, 2).join("\n\n"));
    const html = await extractDocument(
      Buffer.from(
        "<html><head><style>p{}</style></head><body><h1>Title</h1><p>Some <b>bold</b> text.</p><script>x()</script></body></html>",
      ),
      { name: "page.html" },
    );
    assert.deepEqual([html.kind, html.text], ["html", "# Title\n\nSome **bold** text."]);
    const md = await extractDocument(Buffer.from("\uFEFF# Notes\n\n- one\n"), { name: "notes.md" });
    assert.deepEqual([md.kind, md.text], ["markdown", "# Notes\n\n- one"]);
    const text = await extractDocument(Buffer.from("plain words"), { mime: "text/plain" });
    assert.deepEqual([text.kind, text.text], ["text", "plain words"]);
  });

  test("refusals: unsupported, corrupt, password-protected, too large, too many pages, no OCR", async () => {
    await assert.rejects(
      extractDocument(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0, 0, 1, 2]), { name: "old.doc" }),
      refusal("unsupported", /"old\.doc" is a legacy Office \(OLE\) file .*Rio reads PDF, DOCX/),
    );
    await assert.rejects(
      extractDocument(Buffer.from([1, 2, 0, 3, 255, 254]), {}),
      refusal("unsupported", /the file is binary data/),
    );
    await assert.rejects(
      extractDocument(Buffer.from("%PDF-1.7\n garbage that is no PDF"), { name: "bad.pdf" }),
      refusal("corrupt", /"bad\.pdf" is not a readable PDF/),
    );
    await assert.rejects(
      extractDocument(Buffer.from("hello"), { name: "x.pdf" }),
      refusal("corrupt", /"x\.pdf": not a valid PDF \(no %PDF- header\)/),
    );
    await assert.rejects(
      extractDocument(Buffer.from("PK\x03\x04 not a zip at all"), { name: "bad.docx" }),
      refusal("corrupt", /"bad\.docx" is not a readable DOCX/),
    );
    await assert.rejects(
      extractDocument(encryptedPdf(await textPdf([["secret"]])), { name: "locked.pdf" }),
      refusal("encrypted", /"locked\.pdf" is password-protected/),
    );
    await assert.rejects(
      extractDocument(Buffer.alloc(2000, 65), { name: "big.txt", limits: { maxBytes: 1000 } }),
      refusal("too-large", /"big\.txt" is 2000 bytes; at most 1000 are read/),
    );
    await assert.rejects(
      extractDocument(await textPdf([["a"], ["b"], ["c"]]), { name: "long.pdf", limits: { maxPages: 2 } }),
      refusal("too-many-pages", /"long\.pdf" has 3 pages; at most 2 are read/),
    );
    await assert.rejects(
      extractDocument(await imagePdf([textPng(["x"]), textPng(["y"])]), { ocr, limits: { maxOcrPages: 1 } }),
      refusal("too-many-pages", /2 pages without a text layer; at most 1 are read by OCR/),
    );
    await assert.rejects(
      extractDocument(textPng(), { name: "shot.png" }),
      refusal("ocr-unavailable", /"shot\.png" needs OCR/),
    );
    await assert.rejects(
      extractDocument(textPng(), { name: "shot.png", ocr, limits: { maxImagePixels: 1000 } }),
      refusal("too-large", /"shot\.png" is 1400x400 pixels/),
    );
    await assert.rejects(
      extractDocument(Buffer.concat([textPng().subarray(0, 40), Buffer.alloc(100, 7)]), {
        name: "cut.png",
        ocr,
      }),
      refusal("corrupt", /OCR could not read the image/),
    );
    assert.throws(
      () => new OcrEngine(["xyz"]),
      refusal("ocr-unavailable", /no OCR traineddata for xyz \(installed: eng/),
    );
    assert.deepEqual(shippedLanguages(), ["eng"]);
  });
});
