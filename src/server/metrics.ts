/**
 * @module Server metrics in Prometheus' text format: request counts by endpoint and status, prompt,
 * generated and latent tokens, queue depth and busy sequences (read live), time to first token,
 * per-request decoding speed, prefix-cache hits and reused prompt tokens, built-in tool runs by tool and outcome with their durations, and guardrail findings per rail and judge costs. A
 * generated-token counter gives aggregate tokens/s through `rate()`.
 */

/** Live gauges the metrics read at scrape time. */
export interface LiveGauges {
  queueDepth(): number;
  activeSequences(): number;
  inFlightRequests(): number;
  /** The engine's prefix-cache counters (undefined when the cache is off). */
  prefixCache?(): { hits: number; tokensReused: number } | undefined;
  /** The guardrail judge's calls, cache hits and milliseconds (undefined without a judge). */
  judge?(): { calls: number; cacheHits: number; totalMs: number } | undefined;
}

class Histogram {
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(readonly bounds: number[]) {
    this.counts = bounds.map(() => 0);
  }

  observe(value: number): void {
    this.sum += value;
    this.count++;
    this.bounds.forEach((bound, i) => {
      if (value <= bound) this.counts[i]++;
    });
  }

  /** The series; `labels` (such as `tool="code"`) go on every one. */
  render(name: string, labels = ""): string[] {
    const series = (suffix: string, le?: string) => {
      const set = [labels, le && `le="${le}"`].filter(Boolean).join(",");
      return `${name}${suffix}${set ? `{${set}}` : ""}`;
    };
    return [
      ...this.bounds.map((bound, i) => `${series("_bucket", String(bound))} ${this.counts[i]}`),
      `${series("_bucket", "+Inf")} ${this.count}`,
      `${series("_sum")} ${this.sum}`,
      `${series("_count")} ${this.count}`,
    ];
  }
}

/**
 * Counters and histograms of one server.
 * @example
 * const m = new Metrics({ queueDepth: () => 0, activeSequences: () => 0, inFlightRequests: () => 0 });
 * m.countRequest("/v1/models", 200);
 * m.render(); // "# HELP rio_requests_total ...\nrio_requests_total{endpoint=\"/v1/models\",status=\"200\"} 1\n..."
 */
export class Metrics {
  private readonly requests = new Map<string, number>();
  promptTokens = 0;
  generatedTokens = 0;
  latentSteps = 0;
  private readonly ttft = new Histogram([0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]);
  private readonly tokensPerSecond = new Histogram([1, 5, 10, 25, 50, 100, 250, 500, 1000]);
  private readonly toolRuns = new Map<string, number>();
  private readonly toolSeconds = new Map<string, Histogram>();
  private readonly railFindings = new Map<string, number>();
  private readonly railSpans = new Map<string, number>();

  constructor(private readonly live: LiveGauges) {}

  /** One finished HTTP request. */
  countRequest(endpoint: string, status: number): void {
    const key = `endpoint="${endpoint}",status="${status}"`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
  }

  /** Seconds from a request's arrival to its first generated token. */
  observeTimeToFirstToken(seconds: number): void {
    this.ttft.observe(seconds);
  }

  /** One finished generation (one choice). */
  observeGeneration(g: {
    promptTokens: number;
    tokens: number;
    latentSteps: number;
    decodeTokensPerSecond: number;
  }): void {
    this.promptTokens += g.promptTokens;
    this.generatedTokens += g.tokens;
    this.latentSteps += g.latentSteps;
    if (g.tokens > 1 && Number.isFinite(g.decodeTokensPerSecond))
      this.tokensPerSecond.observe(g.decodeTokensPerSecond);
  }

  /** One built-in tool run: which tool, how it ended ("ok", "error", "timeout", "cancelled"), how long it took. */
  observeToolRun(tool: string, outcome: string, seconds: number): void {
    const key = `tool="${tool}",outcome="${outcome}"`;
    this.toolRuns.set(key, (this.toolRuns.get(key) ?? 0) + 1);
    const histogram =
      this.toolSeconds.get(tool) ?? new Histogram([0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]);
    this.toolSeconds.set(tool, histogram);
    histogram.observe(seconds);
  }

  /** One guardrail finding: which rail, at which stage, what it did, and how many spans it found. */
  observeRail(rail: string, stage: string, action: string, spans: number): void {
    const key = `rail="${rail}",stage="${stage}",action="${action}"`;
    this.railFindings.set(key, (this.railFindings.get(key) ?? 0) + 1);
    this.railSpans.set(key, (this.railSpans.get(key) ?? 0) + spans);
  }

  /** The exposition text. */
  render(): string {
    const lines: string[] = [];
    const metric = (name: string, type: string, help: string, body: string[]) =>
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...body);
    metric(
      "rio_requests_total",
      "counter",
      "HTTP requests by endpoint and status.",
      [...this.requests].map(([labels, n]) => `rio_requests_total{${labels}} ${n}`),
    );
    metric("rio_prompt_tokens_total", "counter", "Prompt tokens fed.", [
      `rio_prompt_tokens_total ${this.promptTokens}`,
    ]);
    metric("rio_generated_tokens_total", "counter", "Tokens generated (latent steps included).", [
      `rio_generated_tokens_total ${this.generatedTokens}`,
    ]);
    metric("rio_latent_steps_total", "counter", "SwiReasoning latent steps (soft-embedding inputs).", [
      `rio_latent_steps_total ${this.latentSteps}`,
    ]);
    metric("rio_queue_depth", "gauge", "Requests waiting for a sequence.", [
      `rio_queue_depth ${this.live.queueDepth()}`,
    ]);
    metric("rio_active_sequences", "gauge", "Sequences in use.", [
      `rio_active_sequences ${this.live.activeSequences()}`,
    ]);
    metric("rio_in_flight_requests", "gauge", "Generations admitted and not yet finished.", [
      `rio_in_flight_requests ${this.live.inFlightRequests()}`,
    ]);
    const cache = this.live.prefixCache?.();
    metric("rio_prefix_cache_hits_total", "counter", "Prompts that resumed from a cached prefix.", [
      `rio_prefix_cache_hits_total ${cache?.hits ?? 0}`,
    ]);
    metric(
      "rio_prefix_cache_tokens_reused_total",
      "counter",
      "Prompt tokens taken from the prefix cache instead of prefilled.",
      [`rio_prefix_cache_tokens_reused_total ${cache?.tokensReused ?? 0}`],
    );
    metric(
      "rio_time_to_first_token_seconds",
      "histogram",
      "Seconds from request arrival to the first generated token.",
      this.ttft.render("rio_time_to_first_token_seconds"),
    );
    metric(
      "rio_decode_tokens_per_second",
      "histogram",
      "Decoding speed of each finished generation.",
      this.tokensPerSecond.render("rio_decode_tokens_per_second"),
    );
    metric(
      "rio_tool_runs_total",
      "counter",
      "Built-in tool runs by tool and outcome.",
      [...this.toolRuns].map(([labels, n]) => `rio_tool_runs_total{${labels}} ${n}`),
    );
    metric(
      "rio_tool_run_seconds",
      "histogram",
      "Seconds each built-in tool run took.",
      [...this.toolSeconds].flatMap(([tool, h]) => h.render("rio_tool_run_seconds", `tool="${tool}"`)),
    );
    metric(
      "rio_guardrail_findings_total",
      "counter",
      "Texts a guardrail acted on, by rail, stage and action (block, redact, flag).",
      [...this.railFindings].map(([labels, n]) => `rio_guardrail_findings_total{${labels}} ${n}`),
    );
    metric(
      "rio_guardrail_spans_total",
      "counter",
      "Spans guardrails found (a judge's verdict counts one), by rail, stage and action.",
      [...this.railSpans].map(([labels, n]) => `rio_guardrail_spans_total{${labels}} ${n}`),
    );
    const judge = this.live.judge?.();
    metric("rio_guardrail_judge_calls_total", "counter", "Model calls of the guardrail judge.", [
      `rio_guardrail_judge_calls_total ${judge?.calls ?? 0}`,
    ]);
    metric(
      "rio_guardrail_judge_cache_hits_total",
      "counter",
      "Judged texts answered from the verdict cache.",
      [`rio_guardrail_judge_cache_hits_total ${judge?.cacheHits ?? 0}`],
    );
    metric(
      "rio_guardrail_judge_seconds_total",
      "counter",
      "Seconds the guardrail judge's model calls took.",
      [`rio_guardrail_judge_seconds_total ${(judge?.totalMs ?? 0) / 1000}`],
    );
    return `${lines.join("\n")}\n`;
  }
}
