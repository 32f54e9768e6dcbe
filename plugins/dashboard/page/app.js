// The dashboard page. Everything it shows comes from the plugin's routes (plugins/dashboard/
// dashboard.h): the process list once, then again whenever the event stream says something
// happened (pushed over SSE, never polled); a log pane follows one process's lines over SSE.
// Text from the daemon is only ever set as textContent, never parsed as HTML.
'use strict';

const state = { csrf: null, refreshing: false, again: false, events: null, logs: null, shown: '' };
const $ = (id) => document.getElementById(id);

function el(tag, text, className) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (className) e.className = className;
  return e;
}

function notice(text) {
  $('notice').textContent = text || '';
  $('notice').hidden = !text;
}

async function post(path, body) {
  const r = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': state.csrf || '' },
    body: JSON.stringify(body || {}),
  });
  if (r.status === 401) { showLogin(); return null; }
  const answer = r.status === 204 ? {} : await r.json();
  if (!r.ok) notice(`${answer.error}${answer.detail ? ': ' + answer.detail : ''}`);
  return r.ok ? answer : null;
}

function uptime(startedAt) {
  if (!startedAt) return '';
  let s = Math.max(0, Math.floor(Date.now() / 1000 - startedAt));
  const d = Math.floor(s / 86400); s %= 86400;
  const h = Math.floor(s / 3600); s %= 3600;
  const m = Math.floor(s / 60); s %= 60;
  return (d ? d + 'd ' : '') + (d || h ? h + 'h ' : '') + (d || h || m ? m + 'm ' : '') + s + 's';
}

function bytes(n) {
  if (n === undefined || n === null) return '';
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return n.toFixed(i ? 1 : 0) + ' ' + units[i];
}

function button(label, onClick) {
  const b = el('button', label);
  b.type = 'button';
  b.dataset.action = label.toLowerCase();
  b.addEventListener('click', onClick);
  return b;
}

function act(kind, name, verb, body) {
  notice('');
  return post(`/api/${kind}/${encodeURIComponent(name)}/${verb}`, body);
}

function processActions(p) {
  const td = el('td', null, 'actions');
  for (const verb of ['start', 'stop', 'restart']) {
    td.append(button(verb[0].toUpperCase() + verb.slice(1), () => act('processes', p.name, verb)));
  }
  const input = el('input', null, 'scale');
  input.type = 'number'; input.min = '0'; input.value = String(p.scale ?? 1);
  input.setAttribute('aria-label', `instances of ${p.name}`);
  td.append(input, button('Scale', () =>
    act('processes', p.name, 'scale', { scale: Number(input.value) })));
  td.append(button('Logs', () => openLogs(p.name)));
  return td;
}

function instanceRow(p, inst, first) {
  const tr = el('tr');
  tr.dataset.process = p.name;
  tr.dataset.instance = inst ? inst.id : '';
  const cells = [
    [first ? p.name : '', 'name'],
    [inst ? inst.id : '-', 'instance'],
    [inst ? inst.state : p.state, 'state state-' + (inst ? inst.state : p.state)],
    [inst && inst.health ? inst.health : '', 'health' + (inst && inst.health ? ' health-' + inst.health : '')],
    [inst && inst.ready !== undefined ? (inst.ready ? 'yes' : 'no') : '', 'ready wide'],
    [inst && inst.pid ? inst.pid : '', 'pid'],
    [inst && inst.pid ? uptime(inst.started_at) : '', 'uptime'],
    [inst ? inst.restart_count ?? 0 : '', 'restarts'],
    [inst && inst.cpu_percent !== undefined ? inst.cpu_percent.toFixed(1) + ' %' : '', 'cpu wide usage'],
    [inst ? bytes(inst.rss_bytes) : '', 'rss wide usage'],
  ];
  for (const [text, cls] of cells) tr.append(el('td', text, cls));
  if (inst && inst.started_at) tr.querySelector('.uptime').dataset.started = inst.started_at;
  tr.append(first ? processActions(p) : el('td'));
  return tr;
}

// Unix seconds as the browser's local date and time.
function when(seconds) {
  return seconds ? new Date(seconds * 1000).toLocaleString() : '';
}

function jobRow(p) {
  const tr = el('tr');
  tr.dataset.job = p.name;
  for (const text of [p.name, p.schedule, p.schedule_state, when(p.next_run), when(p.last_run),
                      p.last_exit_code ?? '']) {
    tr.append(el('td', text));
  }
  tr.children[4].className = 'wide';
  const td = el('td', null, 'actions');
  td.append(button('Trigger', () => act('jobs', p.name, 'trigger')));
  td.append(button('Logs', () => openLogs(p.name)));
  tr.append(td);
  return tr;
}

function render(list) {
  const rows = document.createDocumentFragment();
  const jobs = document.createDocumentFragment();
  let services = 0, running = 0, instances = 0, usage = false;
  for (const p of list.processes) {
    // A scheduled job's runs come and go: it is listed with the jobs only.
    if (p.type === 'scheduled') { jobs.append(jobRow(p)); continue; }
    services++;
    const all = p.instances || [];
    if (all.length === 0) rows.append(instanceRow(p, null, true));
    all.forEach((inst, i) => {
      instances++;
      if (inst.state === 'running') running++;
      if (inst.rss_bytes !== undefined || inst.cpu_percent !== undefined) usage = true;
      rows.append(instanceRow(p, inst, i === 0));
    });
  }
  $('processes').tBodies[0].replaceChildren(rows);
  // When the table first showed, for tests/bench/dashboard_bench.py.
  if (performance.getEntriesByName('phpeek-table').length === 0) performance.mark('phpeek-table');
  // CPU and RSS only where the daemon reports them.
  $('processes').classList.toggle('no-usage', !usage);
  $('jobs').tBodies[0].replaceChildren(jobs);
  const jobCount = list.processes.length - services;
  $('summary').textContent = `${services} processes, ${running}/${instances} instances running` +
    (jobCount ? `, ${jobCount} job${jobCount > 1 ? 's' : ''}` : '');
}

// One fetch at a time; events that arrive meanwhile ask for one more afterwards. `early`: a
// fetch already under way (the first one, started with the session's).
async function refresh(early) {
  if (state.refreshing) { state.again = true; return; }
  state.refreshing = true;
  try {
    const r = await (early || fetch('/api/processes'));
    if (r.status === 401) { showLogin(); return; }
    const text = r.ok ? await r.text() : '';
    // Events that changed nothing on show (a health probe passing again) redraw nothing.
    if (text && text !== state.shown) {
      state.shown = text;
      render(JSON.parse(text));
    }
  } catch (e) {
    notice('the daemon is unreachable');
  } finally {
    state.refreshing = false;
    if (state.again) { state.again = false; refresh(); }
  }
}

function setLive(text) { $('live').textContent = text; }

function openEvents() {
  if (state.events) state.events.close();
  const es = new EventSource('/api/events');
  es.onopen = () => { setLive('live'); notice(''); refresh(); };
  es.onmessage = () => refresh();
  es.addEventListener('end', () => { es.close(); setLive('daemon stopped'); });
  es.onerror = () => setLive('reconnecting');
  state.events = es;
}

function closeLogs() {
  if (state.logs) state.logs.close();
  state.logs = null;
  $('log-pane').hidden = true;
}

function openLogs(name) {
  closeLogs();
  $('log-process').textContent = name;
  $('log-lines').replaceChildren();
  $('log-pane').hidden = false;
  const es = new EventSource('/api/logs?process=' + encodeURIComponent(name));
  es.onmessage = (m) => {
    const e = JSON.parse(m.data);
    const pane = $('log-lines');
    const atEnd = pane.scrollTop + pane.clientHeight >= pane.scrollHeight - 4;
    pane.append(el('div', `${e.time} ${e.instance} ${e.message}`, e.stream));
    while (pane.childElementCount > 2000) pane.firstChild.remove();
    if (atEnd) pane.scrollTop = pane.scrollHeight;
  };
  state.logs = es;
}

function showLogin() {
  $('board').hidden = true;
  $('logout').hidden = true;
  $('login').hidden = false;
  if (state.events) { state.events.close(); state.events = null; }
  closeLogs();
  $('token').focus();
}

function showBoard(session, early) {
  state.csrf = session.csrf;
  state.shown = '';
  $('login').hidden = true;
  $('board').hidden = false;
  $('logout').hidden = !session.auth_required;
  refresh(early);
  openEvents();
}

async function signIn(ev) {
  ev.preventDefault();
  const r = await fetch('/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ token: $('token').value }),
  });
  const answer = await r.json();
  if (!r.ok) { $('login-error').textContent = answer.detail || answer.error; return; }
  $('token').value = '';
  $('login-error').textContent = '';
  showBoard(answer);
}

async function boot() {
  $('login').addEventListener('submit', signIn);
  $('log-close').addEventListener('click', closeLogs);
  $('logout').addEventListener('click', async () => { await post('/logout'); showLogin(); });
  // Uptimes move on in the page itself; nothing is asked of the daemon for that.
  setInterval(() => {
    for (const td of document.querySelectorAll('td.uptime[data-started]')) {
      td.textContent = uptime(Number(td.dataset.started));
    }
  }, 1000);
  // The list is asked for with the session, not after it: one round trip less before the
  // table shows. Without a session it answers 401 and is dropped.
  const early = fetch('/api/processes');
  const session = await (await fetch('/session')).json();
  if (session.signed_in) showBoard(session, early); else showLogin();
}

document.addEventListener('DOMContentLoaded', boot);
