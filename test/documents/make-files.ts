/**
 * @module Files the document tests make themselves: text rendered to PNG (canvas with DejaVu Sans), a PDF
 * with a text layer and one that is only an image of text (pdf-lib), a DOCX (a ZIP written with JSZip), and
 * a password-protected PDF (Debian's qpdf).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCanvas, GlobalFonts } from "@napi-rs/canvas";
import JSZip from "jszip";
import { PDFDocument, StandardFonts } from "pdf-lib";

const require = createRequire(import.meta.url);
GlobalFonts.registerFromPath(require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf"), "DejaVu Sans");

export const SAMPLE_LINES = [
  "The quarterly report shows revenue growth in every region.",
  "Shipping costs fell while customer orders kept rising.",
  "Invoice number 4821 must be paid before Friday morning.",
  "Please send the signed contract to the legal department.",
  "Our engineers finished testing the new water pumps today.",
];

/** Black text on white, one line per entry, 32 px DejaVu Sans. */
export function textPng(lines: string[] = SAMPLE_LINES): Buffer {
  const canvas = createCanvas(1400, 80 + lines.length * 64);
  const g = canvas.getContext("2d");
  g.fillStyle = "white";
  g.fillRect(0, 0, canvas.width, canvas.height);
  g.fillStyle = "black";
  g.font = "32px 'DejaVu Sans'";
  for (const [i, line] of lines.entries()) g.fillText(line, 40, 70 + i * 64);
  return canvas.toBuffer("image/png");
}

/** A PDF with one page per entry of `pages`, each page's lines as real text (Helvetica). */
export async function textPdf(pages: string[][]): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (const lines of pages) {
    const page = pdf.addPage([612, 792]);
    for (const [i, line] of lines.entries()) page.drawText(line, { x: 50, y: 740 - i * 20, size: 12, font });
  }
  return pdf.save();
}

/** A PDF whose pages are images only: no text layer at all. */
export async function imagePdf(pngs: Buffer[]): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  for (const png of pngs) {
    const image = await pdf.embedPng(png);
    const scale = 560 / image.width;
    const page = pdf.addPage([612, 792]);
    page.drawImage(image, {
      x: 26,
      y: 792 - 40 - image.height * scale,
      width: 560,
      height: image.height * scale,
    });
  }
  return pdf.save();
}

/** A PDF with the first page's text and the second page scanned. */
export async function mixedPdf(textLines: string[], png: Buffer): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const [text] = await pdf.copyPages(await PDFDocument.load(await textPdf([textLines])), [0]);
  pdf.addPage(text);
  const [scan] = await pdf.copyPages(await PDFDocument.load(await imagePdf([png])), [0]);
  pdf.addPage(scan);
  return pdf.save();
}

/** A minimal DOCX: one paragraph per entry. */
export async function docx(paragraphs: string[]): Promise<Buffer> {
  const zip = new JSZip();
  const xmlText = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  zip.file(
    "[Content_Types].xml",
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
  );
  zip.file(
    "_rels/.rels",
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
  );
  const body = paragraphs
    .map((p) => `<w:p><w:r><w:t xml:space="preserve">${xmlText(p)}</w:t></w:r></w:p>`)
    .join("");
  zip.file(
    "word/document.xml",
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`,
  );
  return zip.generateAsync({ type: "nodebuffer" });
}

/** `pdf` encrypted by qpdf (AES-256) with a user password. */
export function encryptedPdf(pdf: Uint8Array): Buffer {
  const dir = mkdtempSync(join(tmpdir(), "rio-test-pdf-"));
  try {
    writeFileSync(join(dir, "in.pdf"), pdf);
    execFileSync("qpdf", [
      "--encrypt",
      "secret",
      "owner",
      "256",
      "--",
      join(dir, "in.pdf"),
      join(dir, "out.pdf"),
    ]);
    return readFileSync(join(dir, "out.pdf"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The share of `expected`'s words found, in order-insensitive multiset terms, in `actual` (case and punctuation ignored). */
export function wordRecall(expected: string, actual: string): number {
  const words = (s: string) => s.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  const pool = new Map<string, number>();
  for (const w of words(actual)) pool.set(w, (pool.get(w) ?? 0) + 1);
  const want = words(expected);
  let found = 0;
  for (const w of want) {
    const n = pool.get(w) ?? 0;
    if (n > 0) {
      found++;
      pool.set(w, n - 1);
    }
  }
  return found / want.length;
}
