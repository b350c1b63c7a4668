/**
 * @module Rails compiled from a policy: which apply to a request (its key's name and application, the policies
 * its key and the request add), input checks (block, redact, flag), and the moderation of one text with every
 * detector and the judge.
 */

import { DETECTOR_GROUPS, DETECTORS, detectAll, mergeSpans } from "./detectors.js";
import { CachedJudge } from "./judge.js";
import {
  INPUT_SOURCES,
  type InputSource,
  JUDGE,
  OUTPUT_SOURCES,
  type OutputSource,
  type Policy,
  type RailSpec,
} from "./policy.js";
import type { Detector, JudgeFn, Span } from "./types.js";
import { wordList } from "./words.js";

/** One rail ready to run. */
export interface Rail {
  spec: RailSpec;
  detectors: readonly Detector[];
  judged: boolean;
  sources: ReadonlySet<string>;
}

/** What a rail did to a text, for the audit log and metrics: never the text itself. */
export interface Finding {
  rail: string;
  stage: "input" | "output";
  source: InputSource | OutputSource;
  action: RailSpec["action"];
  categories: string[];
  /** Spans found (1 for a judge's verdict). */
  count: number;
  /** The judge's rationale, when it decided. */
  rationale?: string;
}

/** A text a rail refused. */
export interface Block {
  rail: string;
  message: string;
  categories: string[];
}

/** A checked text: redacted where rails redact, and the block if one refused it. */
export interface Checked {
  text: string;
  blocked?: Block;
  findings: Finding[];
}

/** Who is asking: the key's name and application, and the named policies the key and the request add. */
export interface RailScope {
  key?: string;
  application?: string;
  policies: readonly string[];
}

/** The replacement of a redacted span. */
const redaction = (category: string) => `[REDACTED:${category}]`;

/** `text` with `spans` (sorted, disjoint) replaced by their redactions; `offset` is where `text` starts. */
export function applySpans(text: string, spans: readonly Span[], offset = 0): string {
  let out = "";
  let at = 0;
  for (const span of spans) {
    out += text.slice(at, span.start - offset) + redaction(span.category);
    at = span.end - offset;
  }
  return out + text.slice(at);
}

export const blockMessage = (rail: Rail) => rail.spec.message ?? `refused by the ${rail.spec.name} guardrail`;

/** The distinct categories of some spans. */
export const categoriesOf = (spans: readonly Span[]) => [...new Set(spans.map((s) => s.category))];

/**
 * A policy compiled once per server; `select` picks the rails of one request.
 * @example
 * const guard = new Guardrails(loadPolicy("policy.yaml"), judgeFn);
 * const rails = guard.select({ key: "alice", policies: [] });
 * const checked = await rails.checkInput("mail me at a@b.io", "user"); // { text: "mail me at [REDACTED:email]", findings: [...] }
 */
export class Guardrails {
  readonly rails: readonly Rail[];
  readonly judge: CachedJudge | undefined;

  constructor(
    readonly policy: Policy,
    judge?: JudgeFn,
  ) {
    const lists = Object.fromEntries(
      Object.entries(policy.word_lists ?? {}).map(([name, categories]) => [name, wordList(name, categories)]),
    );
    this.rails = policy.rails.map((spec) => ({
      spec,
      detectors: spec.detectors.flatMap((name) =>
        name === JUDGE ? [] : (DETECTOR_GROUPS[name] ?? [DETECTORS[name] ?? lists[name]]),
      ),
      judged: spec.detectors.includes(JUDGE),
      sources: new Set(spec.sources ?? (spec.stage === "input" ? INPUT_SOURCES : OUTPUT_SOURCES)),
    }));
    this.judge =
      policy.judge && judge
        ? new CachedJudge(judge, { maxChars: policy.judge.max_chars, cacheSize: policy.judge.cache_size })
        : undefined;
    this.detectors = [...new Set([...Object.values(DETECTORS), ...Object.values(lists)])];
    this.inPolicy = new Set(Object.values(policy.policies).flat());
  }

  /** Every detector, for moderation. */
  private readonly detectors: readonly Detector[];
  /** Rails some named policy lists: they apply through it (or their scope), not to everyone. */
  private readonly inPolicy: ReadonlySet<string>;

  /** Names of the policies a key or a request may add. */
  get policyNames(): string[] {
    return Object.keys(this.policy.policies);
  }

  /**
   * The rails of one request: those of the named policies (its key's and its own), the scoped ones naming its
   * key or application, and every rail with neither a scope nor a policy listing it. A request can add a
   * policy, never remove a rail, so it can only be stricter.
   */
  select(scope: RailScope): RailSet {
    const named = new Set(scope.policies.flatMap((p) => this.policy.policies[p] ?? []));
    return new RailSet(
      this.rails.filter((rail) => {
        const s = rail.spec.scope;
        if (named.has(rail.spec.name)) return true;
        if (!s) return !this.inPolicy.has(rail.spec.name);
        return (
          (scope.key !== undefined && (s.keys ?? []).includes(scope.key)) ||
          (scope.application !== undefined && (s.applications ?? []).includes(scope.application))
        );
      }),
      this.judge,
    );
  }

  /**
   * OpenAI-style moderation of one text: a category per detector category (and judge category), flagged when
   * any fires.
   */
  async moderate(text: string): Promise<{
    flagged: boolean;
    categories: Record<string, boolean>;
    scores: Record<string, number>;
    rationale?: string;
  }> {
    const categories: Record<string, boolean> = {};
    const scores: Record<string, number> = {};
    const add = (category: string) => {
      categories[category] = false;
      scores[category] = 0;
    };
    for (const d of this.detectors) d.categories.forEach(add);
    for (const span of this.detectors.flatMap((d) => d.detect(text))) {
      categories[span.category] = true;
      scores[span.category] = Math.max(scores[span.category], span.score);
    }
    let rationale: string | undefined;
    if (this.judge && this.policy.judge) {
      for (const c of this.policy.judge.categories) add(c.name);
      const verdict = await this.judge.judge(text);
      if (!verdict.safe) {
        categories[verdict.category] = true;
        scores[verdict.category] = 1;
        rationale = verdict.rationale;
      }
    }
    return { flagged: Object.values(categories).some(Boolean), categories, scores, rationale };
  }
}

/** The rails of one request. */
export class RailSet {
  constructor(
    readonly rails: readonly Rail[],
    readonly judge: CachedJudge | undefined,
  ) {}

  /** The rails that look at a source. */
  on(source: InputSource | OutputSource): Rail[] {
    return this.rails.filter((rail) => rail.sources.has(source));
  }

  /**
   * Checks one input text: the first blocking rail that fires refuses it; redacting rails replace their spans;
   * flagging rails only report.
   */
  async checkInput(text: string, source: InputSource): Promise<Checked> {
    const rails = this.on(source);
    const findings: Finding[] = [];
    const redact: Span[] = [];
    for (const rail of rails) {
      const spans = detectAll(rail.detectors, text);
      const verdict = rail.judged && this.judge ? await this.judge.judge(text) : undefined;
      const hit = spans.length > 0 || (verdict !== undefined && !verdict.safe);
      if (!hit) continue;
      const categories = [...categoriesOf(spans), ...(verdict && !verdict.safe ? [verdict.category] : [])];
      const finding: Finding = {
        rail: rail.spec.name,
        stage: "input",
        source,
        action: rail.spec.action,
        categories,
        count: spans.length + (verdict && !verdict.safe ? 1 : 0),
        ...(verdict && !verdict.safe ? { rationale: verdict.rationale } : {}),
      };
      findings.push(finding);
      if (rail.spec.action === "block")
        return { text, findings, blocked: { rail: rail.spec.name, message: blockMessage(rail), categories } };
      if (rail.spec.action === "redact") redact.push(...spans);
    }
    return { text: applySpans(text, mergeSpans(redact)), findings };
  }
}
