// What reading one supervise.conf value gives: the value, or what was expected,
// which parse-config.ts puts in the WARNING that names the key and the value.
export type ParsedValue<T> = { value: T } | { expected: string };
