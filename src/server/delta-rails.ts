/**
 * @module Output rails over a choice's deltas (the splitter's `content` and `reasoning_content`), shared by the
 * chat and the Responses formats: each text goes through its source's rail as it streams, tool-call pieces pass
 * as they are, and what was released is kept for the whole response.
 */
import { type Block, type Finding, OutputRail, type RailSet } from "../guardrails/index.js";
import type { ChatDelta } from "./chat-output.js";

/**
 * @example
 * const rails = new DeltaRails(railSet);
 * rails.push({ content: "mail ana@example.com " }); // { content: "mail [REDACTED:email] " }
 */
export class DeltaRails {
  private readonly answer: OutputRail;
  private readonly reasoning: OutputRail;
  /** Everything released so far. */
  readonly released = { content: "", reasoning_content: "" };
  /** Steps seen, with those inside the reasoning: a stopped generation's token counts. */
  readonly steps = { tokens: 0, reasoning: 0 };
  /** Called when a rail blocks (the runner stops the generation). */
  onBlock: () => void = () => {};

  constructor(rails: RailSet) {
    this.answer = new OutputRail(rails.on("answer"), "answer", rails.judge);
    this.reasoning = new OutputRail(rails.on("reasoning"), "reasoning", rails.judge);
  }

  get blocked(): Block | undefined {
    return this.reasoning.blocked ?? this.answer.blocked;
  }

  get findings(): Finding[] {
    return [...this.reasoning.findings, ...this.answer.findings];
  }

  /** True when a judged rail holds the text until `settle`. */
  get judged(): boolean {
    return this.answer.judged || this.reasoning.judged;
  }

  /** Counts one decoding step. */
  step(): void {
    this.steps.tokens++;
    // until the answer starts, a step is the reasoning's (the count of a stopped generation; close enough)
    if (this.answer.text === "" && this.reasoning.text !== "") this.steps.reasoning++;
  }

  /** The delta with its texts railed (the released part only). */
  push(delta: ChatDelta): ChatDelta {
    const { content, reasoning_content, ...rest } = delta;
    const railed = this.add(
      content === undefined ? "" : this.answer.push(content),
      reasoning_content === undefined ? "" : this.reasoning.push(reasoning_content),
    );
    if (this.blocked) this.onBlock();
    return { ...rest, ...railed };
  }

  /** The rest, at once (nothing while a judged rail holds it). */
  flush(): ChatDelta {
    return this.add(this.answer.flush(), this.reasoning.flush());
  }

  /** The rest, after the judge when a rail asks for it. */
  async settle(): Promise<ChatDelta> {
    const reasoning = await this.reasoning.finish();
    return this.add(await this.answer.finish(), reasoning);
  }

  /** Rio's `guardrails` field: the block and what the rails found (without the judge's rationale). */
  report(): { blocked?: Block; findings: Omit<Finding, "rationale">[] } | undefined {
    const findings = this.findings.map(({ rationale: _, ...f }) => f);
    if (!this.blocked && findings.length === 0) return undefined;
    return { ...(this.blocked ? { blocked: this.blocked } : {}), findings };
  }

  /** The summary of a generation the rails stopped: what it had generated. */
  stoppedSummary(promptTokens: number) {
    return {
      promptTokens,
      tokens: this.steps.tokens,
      reasoningTokens: this.steps.reasoning,
      latentSteps: 0,
      switches: 0,
      stopReason: "stop" as const,
      timings: { queueMs: 0, prefillMs: 0, decodeMs: 0, decodeTokensPerSecond: 0 },
    };
  }

  private add(content: string, reasoning: string): ChatDelta {
    this.released.content += content;
    this.released.reasoning_content += reasoning;
    return { ...(content ? { content } : {}), ...(reasoning ? { reasoning_content: reasoning } : {}) };
  }
}
