// Tiny runtime checkers for the IPC contract. Each checker returns null when the value fits, or a
// short phrase saying what is wrong at which field ("args.path must be a string"). They exist so
// guards.ts can state each command's payload in one readable line, with no schema library: the
// renderer is untrusted, so main must check shapes that TypeScript only promised.

export type Checker = (value: unknown, at: string) => string | null;

/** Paths are passed to the OS; anything longer than this is no real path (Windows long paths ≤ 32,767). */
export const MAX_PATH_CHARS = 32_767;
/** Keys, ids and other short strings: a checkpoint key is a parameter name, never a document. */
export const MAX_SHORT_STRING_CHARS = 65_536;

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'string' ? `a string of ${v.length} characters` : `${typeof v}`;
}

export const str =
  (opts: { min?: number; max?: number; pattern?: RegExp } = {}): Checker =>
  (v, at) => {
    if (typeof v !== 'string') return `${at} must be a string, not ${describe(v)}`;
    const min = opts.min ?? 0;
    const max = opts.max ?? MAX_SHORT_STRING_CHARS;
    if (v.length < min) return min === 1 ? `${at} must not be empty` : `${at} must have at least ${min} characters`;
    if (v.length > max) return `${at} has ${v.length} characters; at most ${max} are allowed`;
    if (opts.pattern !== undefined && !opts.pattern.test(v)) return `${at} is not in the expected form`;
    return null;
  };

/** A path typed or chosen by the user: non-empty, bounded, no NUL (which truncates C strings). */
export const pathString: Checker = (v, at) => {
  const e = str({ min: 1, max: MAX_PATH_CHARS })(v, at);
  if (e !== null) return e;
  return (v as string).includes('\0') ? `${at} contains a NUL character` : null;
};

export const int =
  (opts: { min?: number; max?: number } = {}): Checker =>
  (v, at) => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) return `${at} must be a whole number, not ${describe(v)}`;
    if (opts.min !== undefined && v < opts.min) return `${at} must be at least ${opts.min}`;
    if (opts.max !== undefined && v > opts.max) return `${at} must be at most ${opts.max}`;
    return null;
  };

export const finite: Checker = (v, at) =>
  typeof v === 'number' && Number.isFinite(v) ? null : `${at} must be a finite number, not ${describe(v)}`;

export const bool: Checker = (v, at) => (typeof v === 'boolean' ? null : `${at} must be true or false, not ${describe(v)}`);

export const literal =
  <T extends string>(...allowed: readonly T[]): Checker =>
  (v, at) =>
    typeof v === 'string' && (allowed as readonly string[]).includes(v) ? null : `${at} must be one of ${allowed.join(', ')}`;

export const nullable =
  (inner: Checker): Checker =>
  (v, at) =>
    v === null ? null : inner(v, at);

export const arrayOf =
  (inner: Checker, maxItems: number): Checker =>
  (v, at) => {
    if (!Array.isArray(v)) return `${at} must be an array, not ${describe(v)}`;
    if (v.length > maxItems) return `${at} has ${v.length} items; at most ${maxItems} are allowed`;
    for (let i = 0; i < v.length; i++) {
      const e = inner(v[i], `${at}[${i}]`);
      if (e !== null) return e;
    }
    return null;
  };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * An object with exactly these fields: required ones must be present; `optional` ones may be
 * missing or undefined; any other field is refused (an unexpected field is a confused or hostile
 * caller, and refusing it keeps handlers from reading something nobody checked).
 */
export const object =
  (required: Readonly<Record<string, Checker>>, optional: Readonly<Record<string, Checker>> = {}): Checker =>
  (v, at) => {
    if (!isPlainObject(v)) return `${at} must be an object, not ${describe(v)}`;
    for (const [name, check] of Object.entries(required)) {
      if (!Object.prototype.hasOwnProperty.call(v, name)) return `${at}.${name} is missing`;
      const e = check(v[name], `${at}.${name}`);
      if (e !== null) return e;
    }
    for (const [name, check] of Object.entries(optional)) {
      if (!Object.prototype.hasOwnProperty.call(v, name) || v[name] === undefined) continue;
      const e = check(v[name], `${at}.${name}`);
      if (e !== null) return e;
    }
    for (const name of Object.keys(v)) {
      if (!(name in required) && !(name in optional)) return `${at}.${name} is not an expected field`;
    }
    return null;
  };

/** A value that is checked elsewhere (e.g. a service result sent main → renderer): only "is an object". */
export const anyObject: Checker = (v, at) => (isPlainObject(v) ? null : `${at} must be an object, not ${describe(v)}`);
