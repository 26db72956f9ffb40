// The module name that selects a supervise.conf section and names the service
// in logs and alarms (SPEC section 1): `status/redis` -> `redis`.

/**
 * The path as written, with `//`, `.` segments, `name/..` pairs and trailing
 * slashes collapsed: `./status//redis/.` -> `status/redis`. Lexical only, like
 * path.posix.normalize: the working directory is never consulted, so a
 * relative directory without `status/` keeps its own name.
 */
export function normalizeStatusPath(path: string): string {
  const absolute = path.startsWith('/');
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    const last = segments[segments.length - 1];
    if (segment === '..' && last !== undefined && last !== '..') segments.pop();
    else if (segment !== '..' || !absolute) segments.push(segment);
  }
  const joined = segments.join('/');
  if (absolute) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

export function moduleNameOf(statusDir: string): string {
  const normalized = normalizeStatusPath(statusDir);
  const marker = normalized.lastIndexOf('status/');
  if (marker !== -1 && (marker === 0 || normalized[marker - 1] === '/')) {
    return normalized.slice(marker + 'status/'.length);
  }
  const slash = normalized.lastIndexOf('/');
  return slash === -1 ? normalized : normalized.slice(slash + 1);
}
