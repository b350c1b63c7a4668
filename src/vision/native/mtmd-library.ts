/**
 * @module libmtmd loaded once per process: llama.cpp first (libmtmd links against the libraries it
 * loaded), then the built or cached libmtmd.so, its log routing and the layout self-check.
 */
import { loadLlama } from "../../llama/index.js";
import { VisionError } from "../errors.js";
import { type EnsureMtmdOptions, ensureMtmdLibrary } from "./build-mtmd.js";
import { bindMtmd, type MtmdApi } from "./ffi.js";
import { installMtmdLog, type MtmdLog } from "./log.js";
import { type ContextParams, checkMtmdLayouts } from "./structs.js";

/** The loaded libmtmd. */
export interface MtmdLibrary {
  api: MtmdApi;
  /** Path of the libmtmd.so in use. */
  path: string;
  /** mtmd_default_marker(): the text that stands for one image in a prompt given to mtmd_tokenize. */
  marker: string;
  log: MtmdLog;
  /** A fresh copy of mtmd_context_params_default(). */
  defaults(): ContextParams;
}

let loading: Promise<MtmdLibrary> | undefined;

/**
 * Loads libmtmd (building it on first use, see ensureMtmdLibrary) and checks its struct layout; later
 * calls return the same library. A failed load may be retried.
 */
export function loadMtmd(opts: EnsureMtmdOptions = {}): Promise<MtmdLibrary> {
  loading ??= load(opts);
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}

async function load(opts: EnsureMtmdOptions): Promise<MtmdLibrary> {
  loadLlama();
  const path = await ensureMtmdLibrary(opts);
  let api: MtmdApi;
  try {
    api = bindMtmd(path);
  } catch (e) {
    throw new VisionError(
      `cannot load ${path} (libmtmd built for the loaded llama.cpp): ${(e as Error).message}; ` +
        "deleting that folder makes the next run rebuild it",
      "library-load-failed",
      path,
    );
  }
  const log = installMtmdLog(api);
  const defaults = () => api.mtmd_context_params_default() as ContextParams;
  const marker = api.mtmd_default_marker() as string;
  checkMtmdLayouts(marker, defaults());
  return { api, path, marker, log, defaults };
}
