// A zod schema built on its first use. zod 4 builds each schema's internals when it is declared;
// the ~40 schemas of the domain model, the store's files and GitHub's answers cost every CLI process
// about 12 ms at load (with V8's code cache), while a command uses a few of them. The proxy stands
// for the schema in parsing, composition in other schemas, `.options`, `instanceof` and JSON Schema;
// only its construction is deferred. It is not the schema's object, though: what zod keys by object
// identity (`z.globalRegistry`, so `.describe()` and `.meta()` metadata, and `reused: 'ref'` in JSON
// Schema) sees the proxy and the schema as two. None of those is used on a lazy schema; do not add one.

/** `build()`'s schema, built when something first reads it. */
export function lazySchema<T extends object>(build: () => T): T {
  let built: T | undefined;
  const real = (): T => (built ??= build());
  // The target is a stand-in: every trap answers from the real schema. Descriptors are reported
  // configurable (the stand-in has none of the real properties, and a proxy may not claim a
  // non-configurable property its target lacks).
  return new Proxy(Object.create(null) as T, {
    get: (_, key) => Reflect.get(real(), key),
    set: (_, key, value) => Reflect.set(real(), key, value),
    has: (_, key) => Reflect.has(real(), key),
    ownKeys: () => Reflect.ownKeys(real()),
    getOwnPropertyDescriptor: (_, key) => {
      const d = Reflect.getOwnPropertyDescriptor(real(), key);
      return d && { ...d, configurable: true };
    },
    defineProperty: (_, key, desc) => Reflect.defineProperty(real(), key, desc),
    deleteProperty: (_, key) => Reflect.deleteProperty(real(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
  });
}
