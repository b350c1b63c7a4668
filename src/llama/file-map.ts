/**
 * @module Read-only memory maps of file ranges through libc's mmap. A model's weights are already mapped
 * by llama.cpp, so a second mapping of the same bytes shares the page cache: rows can be read without
 * a system call per row and without a copy of the table in this process.
 */
import koffi, { type KoffiFunc } from "koffi";
import { LlamaError } from "./errors.js";

const PROT_READ = 1;
const MAP_SHARED = 1;

let libc:
  | {
      mmap: KoffiFunc<(...args: unknown[]) => unknown>;
      munmap: KoffiFunc<(...args: unknown[]) => unknown>;
      pageSize: number;
    }
  | undefined;

function bindLibc() {
  if (libc) return libc;
  const lib = koffi.load("libc.so.6");
  libc = {
    mmap: lib.func("void *mmap(void *addr, size_t length, int prot, int flags, int fd, int64_t offset)"),
    munmap: lib.func("int munmap(void *addr, size_t length)"),
    pageSize: lib.func("int getpagesize()")() as number,
  };
  return libc;
}

/** A mapped file range: `bytes` stays valid until `unmap()`. */
export interface FileMap {
  readonly bytes: Uint8Array;
  unmap(): void;
}

/**
 * Maps `length` bytes of the open file `fd` starting at `offset` (any alignment), read-only.
 *
 * @example
 * const map = mapFileRange(fd, tensorOffset, tensorBytes);
 * const firstByte = map.bytes[0];
 * map.unmap();
 */
export function mapFileRange(fd: number, offset: number, length: number): FileMap {
  const { mmap, munmap, pageSize } = bindLibc();
  const start = offset - (offset % pageSize);
  const mappedLength = offset - start + length;
  const address = mmap(null, mappedLength, PROT_READ, MAP_SHARED, fd, start);
  if (!address || koffi.address(address) === 0xffffffffffffffffn)
    throw new LlamaError(`mmap of ${mappedLength} bytes at file offset ${start} failed`, "invalid-argument");
  const bytes = new Uint8Array(koffi.view(address, mappedLength), offset - start, length);
  let mapped = true;
  return {
    bytes,
    unmap() {
      if (!mapped) return;
      mapped = false;
      munmap(address, mappedLength);
    },
  };
}
