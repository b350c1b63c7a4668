/**
 * @module Output rails over a growing text (an answer or its reasoning as it streams). Each push rescans a
 * window (per detector, back to its longest match before what was released) and releases only the prefix no later text can change: every detector says how long a match can be
 * and which characters it is made of, so only the trailing run of such characters (at most that long) is held
 * back, plus any span that reaches into it. The released text is therefore the same, piece by piece, as the
 * whole text railed at once, whatever the chunking. A blocking rail ends the text; a judged rail holds
 * everything until the end, since the judge reads the whole text.
 */
import { mergeSpans } from "./detectors.js";
import type { CachedJudge } from "./judge.js";
import type { OutputSource } from "./policy.js";
import { applySpans, type Block, blockMessage, categoriesOf, type Finding, type Rail } from "./rails.js";
import type { Detector, Span } from "./types.js";

/**
 * One source's output rails.
 * @example
 * const rail = new OutputRail(rails.on("answer"), "answer", rails.judge);
 * rail.push("write to a@b"); // "write to "
 * rail.push(".io today");    // "[REDACTED:email] today" (less what could still grow)
 * await rail.finish();       // the rest
 */
export class OutputRail {
  /** Set once a blocking rail fires; nothing more is released. */
  blocked: Block | undefined;
  readonly findings: Finding[] = [];
  private full = "";
  private sent = 0;
  private readonly detectors: Detector[];
  private readonly holdAll: boolean;

  constructor(
    private readonly rails: readonly Rail[],
    private readonly source: OutputSource,
    private readonly judge: CachedJudge | undefined,
  ) {
    this.detectors = [...new Set(rails.flatMap((r) => r.detectors))];
    this.holdAll = judge !== undefined && rails.some((r) => r.judged);
  }

  /** All the text seen, before railing (the caller keeps it from the client). */
  get text(): string {
    return this.full;
  }

  /** Adds generated text; returns what may be released now. */
  push(text: string): string {
    if (this.blocked) return "";
    this.full += text;
    return this.holdAll ? "" : this.release(false);
  }

  /** True when a judged rail holds the whole text until `finish`. */
  get judged(): boolean {
    return this.holdAll;
  }

  /** Releases the rest at once, when no judged rail holds it (else ""): for callers that cannot wait. */
  flush(): string {
    return this.blocked || this.holdAll ? "" : this.release(true);
  }

  /** Releases the rest (after the judge, when a rail asks for it). */
  async finish(): Promise<string> {
    if (this.blocked) return "";
    const released = this.release(true);
    if (!this.holdAll || this.blocked) return released;
    for (const rail of this.rails.filter((r) => r.judged)) {
      const verdict = await (this.judge as CachedJudge).judge(this.full);
      if (verdict.safe) continue;
      const finding = this.finding(rail, [verdict.category], 1, verdict.rationale);
      if (rail.spec.action === "block") {
        this.blocked = { rail: rail.spec.name, message: blockMessage(rail), categories: finding.categories };
        return "";
      }
    }
    return released;
  }

  private finding(rail: Rail, categories: string[], count: number, rationale?: string): Finding {
    const finding: Finding = {
      rail: rail.spec.name,
      stage: "output",
      source: this.source,
      action: rail.spec.action,
      categories,
      count,
      ...(rationale !== undefined ? { rationale } : {}),
    };
    this.findings.push(finding);
    return finding;
  }

  private release(last: boolean): string {
    // each detector rescans from its own longest match before `sent`; one shared by rails runs once
    const spans = new Map(
      this.detectors.map((d) => {
        const from = Math.max(0, this.sent - d.maxLength);
        const found = d
          .detect(this.full.slice(from))
          .map((s) => ({ ...s, start: s.start + from, end: s.end + from }))
          // spans before `sent` were released already (or are artefacts of the window's cut start)
          .filter((s) => s.start >= this.sent);
        return [d, found];
      }),
    );
    const found = this.rails.map((rail) => mergeSpans(rail.detectors.flatMap((d) => spans.get(d) ?? [])));
    const blocking = this.rails.findIndex((rail, i) => rail.spec.action === "block" && found[i].length > 0);
    if (blocking >= 0) {
      const rail = this.rails[blocking];
      const finding = this.finding(rail, categoriesOf(found[blocking]), found[blocking].length);
      this.blocked = { rail: rail.spec.name, message: blockMessage(rail), categories: finding.categories };
      return "";
    }
    const end = last ? this.full.length : this.stableEnd(found.flat());
    const redacted: Span[] = [];
    this.rails.forEach((rail, i) => {
      const spans = found[i].filter((s) => s.end <= end);
      if (spans.length === 0) return;
      this.finding(rail, categoriesOf(spans), spans.length);
      if (rail.spec.action === "redact") redacted.push(...spans);
    });
    const out = applySpans(this.full.slice(this.sent, end), mergeSpans(redacted), this.sent);
    this.sent = end;
    return out;
  }

  /** The end of what no later text can change: before every detector's open tail and every span reaching it. */
  private stableEnd(spans: Span[]): number {
    const length = this.full.length;
    let end = length;
    for (const d of this.detectors) {
      const from = Math.max(0, length - d.maxLength);
      let tail = length;
      if (d.tail) {
        const open = d.tail.exec(this.full.slice(from));
        if (open) tail = from + open.index;
      } else while (tail > from && d.chars.test(this.full[tail - 1])) tail--;
      end = Math.min(end, tail);
    }
    let moved = true;
    while (moved) {
      moved = false;
      for (const s of spans)
        if (s.start < end && s.end >= end) {
          end = s.start;
          moved = true;
        }
    }
    return Math.max(end, this.sent);
  }
}
