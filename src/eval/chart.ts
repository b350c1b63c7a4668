/**
 * @module The chart `rio eval --out` writes: accuracy against mean generated tokens, one line per method,
 * one point per budget. Vega-Lite describes it, Vega renders the SVG, resvg (WebAssembly) rasterises the
 * PNG with DejaVu Sans from the dejavu-fonts-ttf package, so no system font or native build is needed.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { initWasm, Resvg } from "@resvg/resvg-wasm";
import * as vega from "vega";
import * as vegaLite from "vega-lite";
import type { EvalRow } from "./run-eval.js";

const require = createRequire(import.meta.url);
const FONT = "DejaVu Sans";

/** The two renderings of a chart. */
export interface AccuracyChart {
  svg: string;
  png: Uint8Array;
}

/** The Vega-Lite specification of the chart of `rows` (exported for tests and other renderers). */
export function accuracyChartSpec(rows: EvalRow[], title: string): vegaLite.TopLevelSpec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title,
    width: 520,
    height: 320,
    background: "white",
    config: { font: FONT },
    data: {
      values: rows.map((r) => ({
        method: r.method,
        budget: r.budget,
        accuracy: r.accuracy,
        tokens: r.mean_tokens,
      })),
    },
    mark: { type: "line", point: { size: 60 } },
    encoding: {
      x: { field: "tokens", type: "quantitative", title: "mean generated tokens", scale: { zero: false } },
      y: {
        field: "accuracy",
        type: "quantitative",
        title: "accuracy",
        scale: { domain: [0, 1] },
        axis: { format: "%" },
      },
      color: { field: "method", type: "nominal", title: "method" },
      order: { field: "budget", type: "quantitative" },
      tooltip: [
        { field: "method" },
        { field: "budget" },
        { field: "accuracy", format: ".3f" },
        { field: "tokens", format: ".1f" },
      ],
    },
  };
}

let wasmReady: Promise<void> | undefined;

/** Renders the chart of `rows` as SVG and PNG. */
export async function renderChart(rows: EvalRow[], title: string): Promise<AccuracyChart> {
  const { spec } = vegaLite.compile(accuracyChartSpec(rows, title));
  const view = new vega.View(vega.parse(spec), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  wasmReady ??= initWasm(readFileSync(require.resolve("@resvg/resvg-wasm/index_bg.wasm")));
  await wasmReady;
  const font = readFileSync(require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf"));
  const png = new Resvg(svg, {
    fitTo: { mode: "zoom", value: 2 },
    font: { fontBuffers: [font], defaultFontFamily: FONT, loadSystemFonts: false },
  })
    .render()
    .asPng();
  return { svg, png };
}
