// Element types, named as torch names them (without the `torch.` prefix).
// safetensors codes follow the reference crate's `Dtype` enum (safetensors/src/tensor.rs);
// `writeOrder` is the crate's sort order for `prepare()` (larger alignment first).

export type DType =
  | 'float64' | 'float32' | 'float16' | 'bfloat16'
  | 'float8_e4m3fn' | 'float8_e5m2'
  | 'int8' | 'int16' | 'int32' | 'int64'
  | 'uint8' | 'uint16' | 'uint32' | 'uint64'
  | 'bool'
  | 'complex64';

export interface DTypeInfo {
  readonly itemsize: number;
  /** safetensors dtype code, or null when safetensors cannot hold it. */
  readonly safetensors: string;
  readonly floating: boolean;
  /** The crate's `Dtype` enum order used by `prepare()`: sort descending on this. */
  readonly writeRank: number;
}

export const DTYPES: Readonly<Record<DType, DTypeInfo>> = {
  bool: { itemsize: 1, safetensors: 'BOOL', floating: false, writeRank: 0 },
  uint8: { itemsize: 1, safetensors: 'U8', floating: false, writeRank: 1 },
  int8: { itemsize: 1, safetensors: 'I8', floating: false, writeRank: 2 },
  float8_e5m2: { itemsize: 1, safetensors: 'F8_E5M2', floating: true, writeRank: 3 },
  float8_e4m3fn: { itemsize: 1, safetensors: 'F8_E4M3', floating: true, writeRank: 4 },
  int16: { itemsize: 2, safetensors: 'I16', floating: false, writeRank: 5 },
  uint16: { itemsize: 2, safetensors: 'U16', floating: false, writeRank: 6 },
  float16: { itemsize: 2, safetensors: 'F16', floating: true, writeRank: 7 },
  bfloat16: { itemsize: 2, safetensors: 'BF16', floating: true, writeRank: 8 },
  int32: { itemsize: 4, safetensors: 'I32', floating: false, writeRank: 9 },
  uint32: { itemsize: 4, safetensors: 'U32', floating: false, writeRank: 10 },
  float32: { itemsize: 4, safetensors: 'F32', floating: true, writeRank: 11 },
  complex64: { itemsize: 8, safetensors: 'C64', floating: false, writeRank: 12 },
  float64: { itemsize: 8, safetensors: 'F64', floating: true, writeRank: 13 },
  int64: { itemsize: 8, safetensors: 'I64', floating: false, writeRank: 14 },
  uint64: { itemsize: 8, safetensors: 'U64', floating: false, writeRank: 15 },
};

export const ALL_DTYPES = Object.keys(DTYPES) as DType[];

export function isDType(name: string): name is DType {
  return Object.prototype.hasOwnProperty.call(DTYPES, name);
}

const BY_SAFETENSORS = new Map<string, DType>(ALL_DTYPES.map((d) => [DTYPES[d].safetensors, d]));

export function dtypeFromSafetensors(code: string): DType | undefined {
  return BY_SAFETENSORS.get(code);
}

export function itemsize(dtype: DType): number {
  return DTYPES[dtype].itemsize;
}
