// Named ceilings for the pickle machine. Every count, length and index in a pickle is
// attacker-controlled (CWE-400 uncontrolled resource consumption, CWE-789 memory allocation with
// excessive size value, CWE-674 uncontrolled recursion). Callers may lower them (tests do); the
// defaults are sized for the largest real `.metadata` files we expect.

export interface PickleLimits {
  /** Whole pickle, in bytes. */
  readonly maxInputBytes: number;
  /** Items on the value stack at once. */
  readonly maxStackDepth: number;
  /** Open MARKs at once (each nests one container under construction). */
  readonly maxMarkDepth: number;
  /** Memo entries (MEMOIZE / BINPUT / LONG_BINPUT). */
  readonly maxMemoEntries: number;
  /** Containers, instances and call records created. */
  readonly maxObjects: number;
  /** One str/bytes operand, in bytes. */
  readonly maxStringBytes: number;
  /** One LONG1/LONG4 operand, in bytes. */
  readonly maxLongBytes: number;
  /** Container depth that value walkers (repr, metadata conversion) descend into. */
  readonly maxNesting: number;
}

/**
 * A `.metadata` for a very large job (thousands of tensors × a thousand ranks) runs to a few
 * hundred MiB; 1 GiB leaves headroom while refusing to buffer absurd files whole (CWE-789).
 */
export const MAX_PICKLE_INPUT_BYTES = 1024 * 1024 * 1024;

/**
 * CPython batches APPENDS/SETITEMS by 1000, so real pickles keep the stack shallow; 16 Mi slots
 * (128 MiB of references) caps a pickle that only ever pushes (CWE-400).
 */
export const MAX_PICKLE_STACK_DEPTH = 1 << 24;

/**
 * CPython's recursion limit (1000) bounds how deep a pickler can nest containers, so a deeper
 * MARK stack was not written by CPython (CWE-674).
 */
export const MAX_PICKLE_MARK_DEPTH = 1000;

/** 16 Mi memo slots: one per distinct memoized object of a huge `.metadata` (CWE-400). */
export const MAX_PICKLE_MEMO_ENTRIES = 1 << 24;

/**
 * 64 Mi created objects at ~100 bytes each is a few GiB of heap: above any real checkpoint's
 * metadata (about one object per 10–20 input bytes) and below what crashes a desktop app (CWE-400).
 */
export const MAX_PICKLE_OBJECTS = 1 << 26;

/** One string or bytes value: 256 MiB. DCP strings are names and paths (CWE-789). */
export const MAX_PICKLE_STRING_BYTES = 256 * 1024 * 1024;

/**
 * 2048 bytes ≈ 4932 decimal digits: just above CPython's own int→str limit of 4300 digits
 * (sys.int_info.default_max_str_digits), so any int Python itself can print is accepted, while
 * LONG4 cannot ask for megabyte-sized bigint conversions (CWE-400).
 */
export const MAX_PICKLE_LONG_BYTES = 2048;

/** Same reasoning as the mark depth: CPython cannot pickle deeper structures (CWE-674). */
export const MAX_PICKLE_NESTING = 1000;

/** A GLOBAL/STACK_GLOBAL module or name; real dotted paths are under 200 bytes (CWE-400). */
export const MAX_PICKLE_GLOBAL_NAME_BYTES = 1024;

export const DEFAULT_PICKLE_LIMITS: PickleLimits = {
  maxInputBytes: MAX_PICKLE_INPUT_BYTES,
  maxStackDepth: MAX_PICKLE_STACK_DEPTH,
  maxMarkDepth: MAX_PICKLE_MARK_DEPTH,
  maxMemoEntries: MAX_PICKLE_MEMO_ENTRIES,
  maxObjects: MAX_PICKLE_OBJECTS,
  maxStringBytes: MAX_PICKLE_STRING_BYTES,
  maxLongBytes: MAX_PICKLE_LONG_BYTES,
  maxNesting: MAX_PICKLE_NESTING,
};
