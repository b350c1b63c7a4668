/** @module Errors of the RPC layer. */

/** A bad or unreachable RPC server endpoint. */
export class RpcError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RpcError";
  }
}
