/**
 * @module Prompt-injection and jailbreak signs in text the model will read from documents and tools:
 * instruction overrides, role-play escapes, prompt extraction, fake chat-role markers (English and Portuguese),
 * searched after folding look-alike letters and invisible characters; and hidden payloads: invisible characters
 * inside words, words mixing Latin with Cyrillic or Greek letters, and base64 that decodes to an injection.
 */
import { INVISIBLE } from "./normalize.js";
import { patternDetector } from "./pattern.js";
import type { Detector, Span } from "./types.js";

const PHRASES: ReadonlyArray<[string, string]> = [
  [
    "instruction_override",
    String.raw`\b(?:ignore|disregard|forget|override|bypass|skip)\s+(?:all\s+|any\s+|the\s+|your\s+|of\s+)*(?:previous|prior|above|earlier|preceding|former|original|system|safety)\s+(?:instructions?|prompts?|rules|directions|messages|guidelines|context)`,
  ],
  [
    "instruction_override",
    String.raw`\b(?:ignore|desconsidere|esque[cç]a|ignorar|ignora)\s+(?:todas\s+|todos\s+|as\s+|os\s+|suas\s+)*(?:instru[cç][oõ]es|regras|ordens|mensagens)\s+(?:anteriores|acima|do\s+sistema)`,
  ],
  [
    "instruction_override",
    String.raw`\b(?:new|updated|real)\s+instructions?\s*:|\bnovas\s+instru[cç][oõ]es\s*:`,
  ],
  [
    "role_play_escape",
    String.raw`\b(?:you\s+are\s+now|from\s+now\s+on\s+you\s+are|act\s+as|pretend\s+(?:to\s+be|you\s+are)|roleplay\s+as)\s+(?:an?\s+)?(?:dan\b|unrestricted|unfiltered|uncensored|evil|jailbroken|developer\s+mode)`,
  ],
  [
    "role_play_escape",
    String.raw`\b(?:do\s+anything\s+now|developer\s+mode\s+(?:enabled|on)|jailbreak(?:ed)?\s+mode|without\s+any\s+(?:restrictions|filters|limits|rules))`,
  ],
  [
    "role_play_escape",
    String.raw`\b(?:voc[eê]\s+agora\s+[eé]|finja\s+(?:ser|que)|aja\s+como)\s+(?:um\s+|uma\s+)?(?:ia\s+)?(?:sem\s+(?:restri[cç][oõ]es|filtros|regras)|dan\b|maligno)`,
  ],
  [
    "prompt_extraction",
    String.raw`\b(?:reveal|print|show|repeat|output|leak|tell\s+me)\s+(?:me\s+)?(?:your|the)\s+(?:system\s+prompt|hidden\s+(?:prompt|instructions)|initial\s+instructions|instructions\s+above)|\b(?:revele|mostre|repita)\s+(?:o\s+)?prompt\s+do\s+sistema`,
  ],
  [
    "role_marker",
    String.raw`<\|im_(?:start|end)\|>|<\/?(?:system|tool_response|tool_call|think)>|^\s*(?:\[|#{2,}\s*)(?:system|assistant)\b[\]:]?`,
  ],
  [
    "exfiltration",
    String.raw`\b(?:send|post|upload|forward|email)\s+(?:all\s+|the\s+)?(?:conversation|chat\s+history|api\s+keys?|credentials|passwords?|secrets)\s+to\b`,
  ],
];

/** Instruction overrides, role-play escapes, prompt extraction, fake role markers, exfiltration requests. */
export const injectionPhrases = patternDetector({
  name: "injection_phrases",
  categories: [...new Set(PHRASES.map(([c]) => c))],
  pattern: new RegExp(PHRASES.map(([c, p], i) => `(?<${c}${i}>${p})`).join("|"), "imu"),
  homoglyphs: true,
  maxLength: 160,
  chars: /[^\n]/,
  check: (m) => {
    const name = Object.entries(m.groups ?? {}).find(([, v]) => v !== undefined)?.[0] ?? "injection0";
    return { category: name.replace(/\d+$/, ""), score: 0.9 };
  },
});

const MIXED_SCRIPT =
  /\p{L}*(?:\p{Script=Latin}\p{L}*[\p{Script=Cyrillic}\p{Script=Greek}]|[\p{Script=Cyrillic}\p{Script=Greek}]\p{L}*\p{Script=Latin})\p{L}*/gu;
const INVISIBLE_IN_WORD = new RegExp(String.raw`\p{L}(?:${INVISIBLE.source}+\p{L})+`, "gu");
// base64 wrapped over lines (as in PDFs and e-mail) counts as one blob
const BASE64 = /(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{8,}(?:\r?\n[A-Za-z0-9+/]{8,})*={0,2}(?![A-Za-z0-9+/=])/g;

/** Hidden payloads: invisible characters inside words, mixed-script look-alike words, base64 that hides an injection. */
export const hiddenPayload: Detector = {
  name: "hidden_payload",
  categories: ["invisible_characters", "homoglyphs", "encoded_payload"],
  maxLength: 4096,
  chars: /[\p{L}\p{Cf}A-Za-z0-9+/=]/u,
  detect(text) {
    const spans: Span[] = [];
    const add = (m: RegExpMatchArray, category: string) =>
      spans.push({ start: m.index ?? 0, end: (m.index ?? 0) + m[0].length, category, score: 0.8 });
    for (const m of text.matchAll(INVISIBLE_IN_WORD)) add(m, "invisible_characters");
    for (const m of text.matchAll(MIXED_SCRIPT)) add(m, "homoglyphs");
    for (const m of text.matchAll(BASE64)) {
      if (m[0].length < 24) continue;
      const decoded = Buffer.from(m[0].replace(/\s/g, ""), "base64").toString("utf8");
      // mostly printable text that itself carries an injection; binary blobs and digests are left alone
      if (/^[\p{L}\p{N}\p{P}\p{S}\p{Zs}\n]*$/u.test(decoded) && injectionPhrases.detect(decoded).length > 0)
        add(m, "encoded_payload");
    }
    return spans;
  },
};
