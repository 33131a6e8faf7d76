// Hand-built zstd frames (RFC 8878) for tests: raw blocks store data as is, RLE blocks repeat one
// byte, so tests can make valid frames (and bombs) without a compressor.

export interface FrameOptions {
  /** Frame_Content_Size to declare (8-byte field); omitted = no size, like torch's writer. */
  contentSize?: number;
  /** Window_Log (10..41); default 20 (1 MiB). */
  windowLog?: number;
  dictionaryId?: number;
}

function header(o: FrameOptions): number[] {
  const fcs = o.contentSize !== undefined;
  const dict = o.dictionaryId !== undefined;
  const out = [0x28, 0xb5, 0x2f, 0xfd, (fcs ? 0xc0 : 0) | (dict ? 0x03 : 0), ((o.windowLog ?? 20) - 10) << 3];
  if (dict) out.push(...[0, 8, 16, 24].map((s) => ((o.dictionaryId as number) >>> s) & 0xff));
  if (fcs) {
    let v = BigInt(o.contentSize as number);
    for (let i = 0; i < 8; i++) {
      out.push(Number(v & 0xffn));
      v >>= 8n;
    }
  }
  return out;
}

function blockHeader(last: boolean, type: number, size: number): number[] {
  const v = (last ? 1 : 0) | (type << 1) | (size << 3);
  return [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff];
}

/** One frame holding `data` in raw blocks of at most 128 KiB. */
export function zstdRawFrame(data: Uint8Array, o: FrameOptions = {}): Uint8Array {
  const out = header(o);
  const B = 128 * 1024;
  if (data.length === 0) out.push(...blockHeader(true, 0, 0));
  for (let p = 0; p < data.length; p += B) {
    const n = Math.min(B, data.length - p);
    out.push(...blockHeader(p + n >= data.length, 0, n));
    for (let i = p; i < p + n; i++) out.push(data[i] as number);
  }
  return Uint8Array.from(out);
}

/** One frame of `blocks` RLE blocks, each repeating `byte` `blockSize` times: tiny input, big output. */
export function zstdRleFrame(byte: number, blocks: number, blockSize = 128 * 1024, o: FrameOptions = {}): Uint8Array {
  const out = header(o);
  for (let i = 0; i < blocks; i++) out.push(...blockHeader(i === blocks - 1, 1, blockSize), byte);
  return Uint8Array.from(out);
}
