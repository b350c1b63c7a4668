/**
 * @module The fit planner: given a model's footprint, GPUs, RAM, a context length and a KV type, the
 * memory each device would hold and a placement that fits (llama.cpp's flags for it), or the reason none
 * does. Placements are tried from fastest to slowest: every layer on the GPUs; MoE expert tensors of the
 * first N layers in RAM (--n-cpu-moe N, the fewest that fit); the last K layers on the GPUs
 * (--gpu-layers K, the most that fit); everything in RAM. As in llama.cpp, token_embd always stays in
 * RAM, a layer's KV cache and recurrent state live with the layer, and the output layer is offloaded
 * with the last layer.
 */
import type { KvType } from "../llama/index.js";
import { kvBytesPerPosition, type ModelFootprint, recurrentBytesPerSequence } from "./model-footprint.js";

/** What to plan for. */
export interface FitRequest {
  /** Bytes of each GPU (none: CPU only). */
  gpus: number[];
  /** Bytes of system RAM. */
  ram: number;
  /** Context positions (llama.cpp pads to a multiple of 256). */
  ctx: number;
  kvType: KvType;
  /** llama.cpp n_seq_max: sequences with their own recurrent state (rio serve: --max-sequences + prefix-cache slots). */
  sequences: number;
  /** Micro-batch size (llama.cpp n_ubatch, default 512). */
  ubatch?: number;
  /** Bytes of each GPU kept free for the driver and CUDA context (default 1 GiB, an assumption). */
  gpuReserve?: number;
}

/** One device's share. */
export interface DeviceLoad {
  device: string;
  capacity: number;
  weights: number;
  kvCache: number;
  recurrentState: number;
  /** Estimated compute buffer (activations and logits of one micro-batch). */
  compute: number;
  total: number;
  /** Layers whose weights (or part of them) live here. */
  layers: number[];
}

/** A placement that fits, or why none does. */
export interface FitPlan {
  fits: boolean;
  /** What the placement does, in words. */
  strategy: string;
  /** llama.cpp / rio flags for it. */
  flags: string[];
  devices: DeviceLoad[];
  /** Totals over the model, whatever the placement. */
  totals: {
    weights: number;
    kvPerPosition: number;
    kvCache: number;
    recurrentPerSequence: number;
    recurrentState: number;
  };
  /** Why nothing fits (when fits is false). */
  reason?: string;
}

const GIB = 2 ** 30;

interface Layer {
  weights: number;
  experts: number;
  kv: number;
  recurrent: number;
}

/** Plans the placement of `model` on the request's devices. */
export function planFit(model: ModelFootprint, req: FitRequest): FitPlan {
  const ctx = Math.ceil(req.ctx / 256) * 256;
  const kvPos = kvBytesPerPosition(model, req.kvType);
  const rsSeq = recurrentBytesPerSequence(model);
  const layers: Layer[] = Array.from({ length: model.nLayer }, (_, il) => ({
    weights: 0,
    experts: 0,
    kv: kvPos[il] * ctx,
    recurrent: rsSeq[il] * req.sequences,
  }));
  let input = 0;
  let output = 0;
  // tied embeddings: llama.cpp loads token_embd a second time as the output on the device that runs the
  // output layer, but reads the one copy when that is the CPU
  const tiedOutput = model.tensors.some((t) => t.name === "output.weight") ? 0 : tiedBytes(model);
  for (const t of model.tensors) {
    if (t.layer === undefined) {
      if (t.name.startsWith("token_embd")) input += t.bytes;
      else output += t.bytes;
    } else {
      layers[t.layer].weights += t.bytes;
      if (t.expert) layers[t.layer].experts += t.bytes;
    }
  }
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const totals = {
    weights: input + output + sum(layers.map((l) => l.weights)),
    kvPerPosition: sum(kvPos),
    kvCache: sum(layers.map((l) => l.kv)),
    recurrentPerSequence: sum(rsSeq),
    recurrentState: sum(layers.map((l) => l.recurrent)),
  };
  const ubatch = req.ubatch ?? 512;
  // logits of a full micro-batch (F32) dominate where the output layer is; elsewhere the activations
  const outputCompute = model.nVocab * ubatch * 4;
  const layerCompute = ubatch * (6 * model.nEmbd + 3 * model.nFfActive) * 4;
  const reserve = req.gpuReserve ?? GIB;
  const gpuRoom = req.gpus.map((g) => g - reserve - layerCompute);
  const attempt = (
    strategy: string,
    flags: string[],
    onCpu: (il: number) => { all: boolean; experts: boolean },
  ) =>
    place(
      layers,
      { input, output, tiedOutput, outputCompute, layerCompute },
      req,
      gpuRoom,
      onCpu,
      strategy,
      flags,
      totals,
    );

  const tries: FitPlan[] = [];
  if (req.gpus.length > 0) {
    tries.push(
      attempt("every layer on the GPUs", ["--gpu-layers", "-1"], () => ({ all: false, experts: false })),
    );
    if (layers.some((l) => l.experts > 0))
      for (let n = 1; n <= model.nLayer; n++)
        tries.push(
          attempt(
            `MoE experts of the first ${n} layers in RAM, the rest on the GPUs`,
            ["--gpu-layers", "-1", "--n-cpu-moe", String(n)],
            (il) => ({
              all: false,
              experts: il < n,
            }),
          ),
        );
    for (let k = model.nLayer - 1; k >= 1; k--)
      tries.push(
        attempt(
          `the last ${k} of ${model.nLayer} layers on the GPUs, the rest in RAM`,
          ["--gpu-layers", String(k)],
          (il) => ({
            all: il < model.nLayer - k,
            experts: false,
          }),
        ),
      );
  }
  tries.push(attempt("everything in RAM", ["--gpu-layers", "0"], () => ({ all: true, experts: false })));
  const fit = tries.find((p) => p.fits);
  if (fit) return fit;
  const best = tries[0];
  const capacity = sum(req.gpus) + req.ram;
  const need = totals.weights + totals.kvCache + totals.recurrentState;
  return {
    ...best,
    fits: false,
    reason:
      need > capacity
        ? `weights ${gib(totals.weights)} + KV cache ${gib(totals.kvCache)} + recurrent state ${gib(totals.recurrentState)} ` +
          `= ${gib(need)} exceed all memory (${gib(capacity)})`
        : `no split fits: ${best.devices
            .filter((d) => d.total > d.capacity)
            .map((d) => `${d.device} would need ${gib(d.total)} of ${gib(d.capacity)}`)
            .join("; ")} with every layer on the GPUs, and each fallback overflows RAM (${gib(req.ram)})`,
  };
}

function tiedBytes(model: ModelFootprint): number {
  return model.tensors.find((t) => t.name === "token_embd.weight")?.bytes ?? 0;
}

/** Bytes as GiB with one decimal. */
export function gib(bytes: number): string {
  return Number.isFinite(bytes) ? `${(bytes / GIB).toFixed(1)} GiB` : "unlimited";
}

function place(
  layers: Layer[],
  fixed: { input: number; output: number; tiedOutput: number; outputCompute: number; layerCompute: number },
  req: FitRequest,
  gpuRoom: number[],
  onCpu: (il: number) => { all: boolean; experts: boolean },
  strategy: string,
  flags: string[],
  totals: FitPlan["totals"],
): FitPlan {
  const ram: DeviceLoad = load("RAM", req.ram);
  ram.weights += fixed.input;
  ram.compute = fixed.layerCompute;
  const gpus = req.gpus.map((g, i) => load(`GPU${i}`, g));
  const gpuLayers: number[] = [];
  layers.forEach((layer, il) => {
    const cpu = onCpu(il);
    if (cpu.all || gpus.length === 0) {
      add(ram, il, layer.weights, layer.kv, layer.recurrent);
      return;
    }
    if (cpu.experts) add(ram, il, layer.experts, 0, 0);
    gpuLayers.push(il);
  });
  const onGpu = (il: number) => layers[il].weights - (onCpu(il).experts ? layers[il].experts : 0);
  const sizeOf = (il: number) =>
    onGpu(il) +
    layers[il].kv +
    layers[il].recurrent +
    (il === layers.length - 1 ? fixed.output + fixed.tiedOutput : 0);
  // llama.cpp's default layer split: each GPU gets layers in order, in proportion to its memory
  const total = gpuLayers.reduce((a, il) => a + sizeOf(il), 0);
  const room = gpuRoom.reduce((a, b) => a + b, 0);
  let g = 0;
  let done = 0;
  let share = (gpuRoom[0] / room) * total;
  for (const il of gpuLayers) {
    const size = sizeOf(il);
    while (g < gpus.length - 1 && done + size / 2 > share) share += (gpuRoom[++g] / room) * total;
    const last = il === layers.length - 1;
    add(
      gpus[g],
      il,
      onGpu(il) + (last ? fixed.output + fixed.tiedOutput : 0),
      layers[il].kv,
      layers[il].recurrent,
    );
    if (last) gpus[g].compute += fixed.outputCompute;
    done += size;
  }
  if (gpuLayers.length === 0 || !gpuLayers.includes(layers.length - 1)) {
    ram.weights += fixed.output;
    ram.compute += fixed.outputCompute;
  }
  const devices = [...gpus.filter((d) => d.layers.length > 0 || gpuLayers.length === 0), ram];
  for (const d of devices) {
    if (d.device !== "RAM") d.compute += fixed.layerCompute;
    d.total =
      d.weights +
      d.kvCache +
      d.recurrentState +
      d.compute +
      (d.device === "RAM" ? 0 : (req.gpuReserve ?? GIB));
  }
  const split = gpus.length > 1 ? ["--tensor-split", gpus.map((d) => d.layers.length).join(",")] : [];
  return {
    fits: devices.every((d) => d.total <= d.capacity),
    strategy,
    flags: gpus.length > 0 ? [...flags, ...split] : flags,
    devices,
    totals,
  };
}

function load(device: string, capacity: number): DeviceLoad {
  return { device, capacity, weights: 0, kvCache: 0, recurrentState: 0, compute: 0, total: 0, layers: [] };
}

function add(d: DeviceLoad, il: number, weights: number, kv: number, recurrent: number): void {
  d.weights += weights;
  d.kvCache += kv;
  d.recurrentState += recurrent;
  if (!d.layers.includes(il)) d.layers.push(il);
}
