// The page of `supervisectl serve` (SPEC section 14): polls /api/services and
// keeps one row per service current without reloading. Everything a service
// can influence (module, command, output) goes in with textContent, never as
// HTML. Served as its own file: the Content-Security-Policy forbids inline script.
'use strict';

const POLL_MS = 1000;
const TAIL_LINES = 5;
/** Kept for this tab only: closing it forgets the token. */
const TOKEN_KEY = 'supervise-token';

const writable = document.body.dataset.writable === 'true';
const rows = new Map();
let pollTimer = null;

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function formatDuration(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}

function secondsSince(iso) {
  const at = Date.parse(iso);
  return Number.isFinite(at) ? (Date.now() - at) / 1000 : null;
}

function describeState(service) {
  if (!service.supervised) return { key: 'unsupervised', text: 'supervise not running' };
  if (service.state === 'up' && service.paused) return { key: 'paused', text: 'paused' };
  if (service.state === 'up') return { key: 'up', text: service.ready === false ? 'up (not ready)' : 'up' };
  return { key: 'down', text: 'down' };
}

function describeLastExit(exit) {
  if (!exit) return '';
  const how = exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
  const parts = [how];
  if (exit.coreDumped) parts.push('core dumped');
  parts.push(exit.expected ? 'expected' : 'unexpected');
  const ago = secondsSince(exit.at);
  if (ago !== null) parts.push(`${formatDuration(ago)} ago`);
  return parts.join(', ');
}

function describeAlarms(service) {
  if (!service.alarms) return '';
  const window = service.alarmWindow;
  return window && window.exits > 0 ? `${service.alarms}, ${window.exits} exits in window` : service.alarms;
}

function describeWant(service) {
  const want = { up: 'want up', down: 'want down', once: 'once' }[service.want] ?? '';
  return service.paused ? `paused, ${want}` : want;
}

function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

function say(text) {
  document.getElementById('message').textContent = text;
}

async function post(module, verb) {
  const current = token();
  if (!current) {
    say('enter the token first');
    document.getElementById('token').focus();
    return;
  }
  try {
    const response = await fetch(`/api/services/${encodeURIComponent(module)}/${verb}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${current}` },
      cache: 'no-store',
    });
    const body = await response.json().catch(() => ({}));
    if (response.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      showTokenState();
    }
    say(response.ok ? '' : `${module} ${verb}: ${body.error ?? response.statusText}`);
  } catch (error) {
    say(`${module} ${verb}: ${error.message}`);
  }
  poll();
}

function makeRow(service) {
  const row = element('tr');
  const cells = {};
  for (const name of ['module', 'state', 'pid', 'uptime', 'restarts', 'lastExit', 'alarms', 'want', 'controls', 'output']) {
    cells[name] = element('td', name === 'lastExit' ? 'last-exit' : name);
    row.append(cells[name]);
  }
  const buttons = {};
  if (writable) {
    for (const [verb, label] of [['start', 'start'], ['stop', 'stop'], ['restart', 'restart'], ['alarm', 'alarms off']]) {
      const button = element('button', verb, label);
      button.type = 'button';
      button.addEventListener('click', () => {
        const module = row.dataset.module;
        const alarmVerb = button.dataset.alarms === 'on' ? 'alarm-off' : 'alarm-on';
        post(module, verb === 'alarm' ? alarmVerb : verb);
      });
      buttons[verb] = button;
      cells.controls.append(button);
    }
  }
  const stdout = element('pre', 'stdout');
  const stderr = element('pre', 'stderr');
  stdout.title = '__stdout';
  stderr.title = '__stderr';
  cells.output.append(stdout, stderr);
  return { row, cells, buttons, stdout, stderr };
}

function updateRow(entry, service) {
  const { row, cells, buttons } = entry;
  const state = describeState(service);
  row.className = state.key;
  row.dataset.module = service.module ?? '';
  row.dataset.statusDir = service.statusDir;
  cells.module.textContent = service.module ?? service.statusDir;
  cells.module.title = [service.statusDir, ...(service.command ? [service.command.join(' ')] : [])].join('\n');
  cells.state.textContent = state.text;
  cells.pid.textContent = service.pid ? String(service.pid) : '';
  const since = service.since ? secondsSince(service.since) : null;
  cells.uptime.textContent = since === null || !service.supervised ? '' : `${service.state === 'up' ? '' : 'down '}${formatDuration(since)}`;
  cells.restarts.textContent = typeof service.starts === 'number' ? String(Math.max(0, service.starts - 1)) : '';
  cells.lastExit.textContent = describeLastExit(service.lastExit);
  cells.alarms.textContent = describeAlarms(service);
  cells.want.textContent = service.supervised ? describeWant(service) : '';
  if (buttons.alarm) {
    buttons.alarm.dataset.alarms = service.alarms ?? 'on';
    buttons.alarm.textContent = service.alarms === 'off' ? 'alarms on' : 'alarms off';
  }
  for (const button of Object.values(buttons)) button.disabled = !service.supervised;
  entry.stdout.textContent = service.tail?.stdout ?? '';
  entry.stderr.textContent = service.tail?.stderr ?? '';
}

function render(services) {
  const body = document.getElementById('services');
  const present = new Set();
  services.forEach((service, index) => {
    present.add(service.statusDir);
    let entry = rows.get(service.statusDir);
    if (!entry) {
      entry = makeRow(service);
      rows.set(service.statusDir, entry);
    }
    updateRow(entry, service);
    if (body.children[index] !== entry.row) body.insertBefore(entry.row, body.children[index] ?? null);
  });
  for (const [dir, entry] of rows) {
    if (!present.has(dir)) {
      entry.row.remove();
      rows.delete(dir);
    }
  }
  const up = services.filter((service) => service.supervised && service.state === 'up').length;
  document.getElementById('summary').textContent =
    `${services.length} services, ${up} up, ${services.length - up} not up · updated ${new Date().toLocaleTimeString()}`;
}

async function poll() {
  clearTimeout(pollTimer);
  try {
    const response = await fetch(`/api/services?tail=${TAIL_LINES}`, { cache: 'no-store' });
    if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
    render(await response.json());
  } catch (error) {
    document.getElementById('summary').textContent = `cannot read /api/services: ${error.message}`;
  }
  pollTimer = setTimeout(poll, POLL_MS);
}

function showTokenState() {
  const unlocked = token() !== null;
  document.getElementById('token-form').hidden = !writable || unlocked;
  document.getElementById('unlocked').hidden = !writable || !unlocked;
  document.getElementById('read-only').hidden = writable;
}

document.getElementById('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = document.getElementById('token');
  if (input.value.trim() !== '') sessionStorage.setItem(TOKEN_KEY, input.value.trim());
  input.value = '';
  say('');
  showTokenState();
});
document.getElementById('lock').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  showTokenState();
});

showTokenState();
poll();
