// The allow-list mechanism: a caller maps exact `module name` pairs to pure handlers; every other
// global the pickle names becomes an inert OpaqueGlobal. Nothing here imports, evaluates or looks
// anything up by a pickle-supplied string beyond this map.
// Model: torch/_weights_only_unpickler.py (an allow-list unpickler) and pickleparser's injected
// resolvers (ewfian/pickleparser src/parser.ts).

import {
  AllowedGlobal,
  type GlobalHandler,
  OpaqueGlobal,
  PyDict,
  PyInstance,
  type PyValue,
  sequenceItems,
} from './values';

/** `'module name'` (one space, as pickle's GLOBAL names it) → handler. */
export type GlobalResolvers = ReadonlyMap<string, GlobalHandler>;

export function globalKey(module: string, name: string): string {
  return `${module} ${name}`;
}

const KEY_SHAPE = /^[A-Za-z_][\w.]* [A-Za-z_]\w*$/;

/**
 * Builds an allow-list. Refuses duplicate or malformed keys: a typo would silently turn an
 * allowed global into an opaque one (or two lists merged with a clash would pick one arbitrarily).
 */
export function defineAllowList(...parts: Array<Iterable<readonly [string, GlobalHandler]>>): GlobalResolvers {
  const out = new Map<string, GlobalHandler>();
  for (const part of parts) {
    for (const [key, handler] of part) {
      if (!KEY_SHAPE.test(key)) throw new Error(`allow-list key ${JSON.stringify(key)} is not "module name"`);
      if (out.has(key)) throw new Error(`allow-list key ${JSON.stringify(key)} is defined twice`);
      out.set(key, handler);
    }
  }
  return out;
}

/**
 * Python 2 module names that CPython writes for protocol < 3 (`fix_imports=True`, see
 * Lib/_compat_pickle.py) and maps back when loading; only the ones that can name a builtin.
 */
const PY2_MODULES: Readonly<Record<string, string>> = {
  __builtin__: 'builtins',
  copy_reg: 'copyreg',
  exceptions: 'builtins',
};

export function resolveGlobal(resolvers: GlobalResolvers, module: string, name: string, protocol: number): AllowedGlobal | OpaqueGlobal {
  const mod = protocol < 3 ? (PY2_MODULES[module] ?? module) : module;
  const handler = resolvers.get(globalKey(mod, name));
  return handler === undefined ? new OpaqueGlobal(mod, name) : new AllowedGlobal(mod, name, handler);
}

// ---- Reusable pure handlers -------------------------------------------------------------------

/** A global that is only ever used as a value (a dtype, a layout constant). */
export function valueGlobal(typeName?: string): GlobalHandler {
  return typeName === undefined ? {} : { typeName };
}

/** A dataclass-style class: NEWOBJ makes an instance; BUILD later sets its state. */
export const DATACLASS: GlobalHandler = {
  newobj: (self, args) => new PyInstance(self, args),
  typeName: 'type',
};

/** `collections.OrderedDict()` / `OrderedDict(pairs)`; items usually follow via SETITEMS. */
export const ORDERED_DICT: GlobalHandler = {
  reduce: (_self, args, ctx) => {
    const d = ctx.newDict('OrderedDict');
    if (args.length === 0) return d;
    const only = args.length === 1 ? args[0] : undefined;
    if (only instanceof PyDict) {
      for (const [k, v] of only.entries()) d.set(k, v);
      return d;
    }
    const pairs = sequenceItems(only);
    if (pairs === undefined) return undefined;
    for (const p of pairs) {
      const kv = sequenceItems(p);
      if (kv === undefined || kv.length !== 2) return undefined;
      d.set(kv[0] as PyValue, kv[1] as PyValue);
    }
    return d;
  },
  typeName: 'type',
};

function setHandler(frozen: boolean): GlobalHandler {
  return {
    reduce: (_self, args, ctx) => {
      const s = ctx.newSet(frozen);
      if (args.length === 0) return s;
      const items = args.length === 1 ? sequenceItems(args[0]) : undefined;
      if (items === undefined) return undefined;
      for (const v of items) s.add(v);
      return s;
    },
    typeName: 'type',
  };
}

/** `set(list)`: how protocols < 4 pickle a set. */
export const BUILTIN_SET = setHandler(false);
/** `frozenset(list)`: how protocols < 4 pickle a frozenset. */
export const BUILTIN_FROZENSET = setHandler(true);

/** `bytes()`: how protocols < 3 pickle an empty bytes object. */
export const BUILTIN_BYTES: GlobalHandler = {
  reduce: (_self, args) => (args.length === 0 ? new Uint8Array(0) : undefined),
  typeName: 'type',
};

const LATIN1_NAMES = new Set(['latin1', 'latin-1', 'latin_1', 'iso-8859-1', 'iso8859-1', 'iso_8859_1', 'l1']);

/**
 * `_codecs.encode(text, 'latin1')`: how protocols < 3 pickle non-empty bytes (each code point is
 * one byte). Any other encoding is declined and stays an inert call.
 */
export const CODECS_ENCODE_LATIN1: GlobalHandler = {
  reduce: (_self, args) => {
    const [text, enc] = args;
    if (args.length !== 2 || typeof text !== 'string' || typeof enc !== 'string' || !LATIN1_NAMES.has(enc.toLowerCase())) return undefined;
    const out = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c > 0xff) return undefined;
      out[i] = c;
    }
    return out;
  },
  typeName: 'builtin_function_or_method',
};
