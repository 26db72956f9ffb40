// The module name that selects a supervise.conf section and names the service
// in logs and alarms (SPEC section 1): `status/redis` -> `redis`.

export function moduleNameOf(statusDir: string): string {
  const trimmed = statusDir.replace(/\/+$/, '');
  const marker = trimmed.lastIndexOf('status/');
  if (marker !== -1 && (marker === 0 || trimmed[marker - 1] === '/')) {
    const rest = trimmed.slice(marker + 'status/'.length);
    if (rest !== '') return rest;
  }
  const slash = trimmed.lastIndexOf('/');
  return slash === -1 ? trimmed : trimmed.slice(slash + 1);
}
