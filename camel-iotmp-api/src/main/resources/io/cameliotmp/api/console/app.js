// The camel-iotmp console: signs in with an access token, lists the user's devices as they connect and leave (the
// device events' Server-Sent Events), shows a device's resources (read, write, chart, terminal, files: files.js) and
// charts a resource's stream live. Plain JS, no framework, no build step.
'use strict';

const KINDS = {1: 'run', 2: 'input', 3: 'output', 4: 'input/output'};
const COLORS = ['#2f6fde', '#e67e22', '#27ae60', '#8e44ad', '#c0392b'];
// a chart keeps its samples by time, whatever the stream's rate: the last 10 minutes, and never more than this many
const HISTORY_MILLIS = 10 * 60 * 1000;
const MAX_POINTS = 5000;
const MAX_EVENTS = 50;

const $ = (id) => document.getElementById(id);
const state = {selected: null, listed: null, chart: null, source: null, series: new Map(), received: 0,
    terminal: null, devices: new Map(), events: null, unit: ''};

// the access token, kept for the browser tab only
function token() {
    return sessionStorage.getItem('iotmp-token') || '';
}

function withToken(url) {
    return url + (url.includes('?') ? '&' : '?') + 'authorization=' + encodeURIComponent(token());
}

function user() {
    return $('user').value.trim() || 'demo';
}

function devicePath(device) {
    return `/v3/users/${encodeURIComponent(user())}/devices/${encodeURIComponent(device)}`;
}

function show(element, text, isError) {
    element.textContent = text;
    element.classList.toggle('error', Boolean(isError));
}

// fetch, answering the parsed JSON (null for 204) or throwing the API's error message
async function api(path, options) {
    const request = Object.assign({}, options || {});
    request.headers = Object.assign({'Authorization': `Bearer ${token()}`}, request.headers || {});
    const response = await fetch(path, request);
    if (response.status === 204) {
        return null;
    }
    const body = await response.json().catch(() => null);
    if (!response.ok) {
        throw new Error(body && body.message ? `${response.status}: ${body.message}` : `HTTP ${response.status}`);
    }
    return body;
}

// ------------------------------------------------------------------ devices

async function refreshDevices() {
    if (!token()) {
        show($('devices-status'), 'Sign in with an access token.');
        return;
    }
    try {
        const devices = await api(`/v3/users/${encodeURIComponent(user())}/devices`);
        // the list has the connected devices; those seen leave stay, shown offline
        const online = new Set(devices.map((d) => d.device));
        for (const [name, known] of state.devices) {
            if (!online.has(name)) known.online = false;
        }
        devices.forEach((d) => state.devices.set(d.device, Object.assign(d, {online: true})));
        renderDevices();
        show($('devices-status'), state.devices.size ? '' : 'No device connected.');
    } catch (e) {
        show($('devices-status'), e.message, true);
    }
}

function renderDevices() {
    const devices = [...state.devices.values()].sort((a, b) => a.device.localeCompare(b.device));
    // rebuilt only when something changed, so a button is not replaced under the user's click
    const listed = JSON.stringify(devices.map((d) => [d.device, d.online, d.connectedAt, d.remoteAddress]));
    if (listed === state.listed) return;
    state.listed = listed;
    const list = $('devices');
    list.replaceChildren(...devices.map((d) => {
        const button = document.createElement('button');
        button.dataset.device = d.device;
        button.dataset.state = d.online ? 'online' : 'offline';
        button.textContent = d.device;
        button.classList.toggle('selected', d.device === state.selected);
        button.classList.toggle('offline', !d.online);
        const detail = document.createElement('small');
        detail.textContent = d.online ? `since ${new Date(d.connectedAt).toLocaleTimeString()} · ${d.remoteAddress}`
            : `offline since ${new Date(d.leftAt || Date.now()).toLocaleTimeString()}`;
        button.append(detail);
        button.addEventListener('click', () => selectDevice(d.device));
        const item = document.createElement('li');
        item.append(button);
        return item;
    }));
}

// ------------------------------------------------------------------ device events

// the user's device events, pushed by the server: a connect refreshes the list, a disconnect marks the device offline
function subscribeEvents() {
    if (state.events) state.events.close();
    if (!token()) return;
    const source = new EventSource(withToken(`/v3/users/${encodeURIComponent(user())}/events`));
    state.events = source;
    source.onopen = () => {
        $('events').dataset.state = 'open';
        // whatever happened while (re)connecting is in the list
        refreshDevices();
    };
    source.onerror = () => {
        $('events').dataset.state = source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting';
    };
    ['connected', 'disconnected', 'authenticationRefused'].forEach((type) => source.addEventListener(type, (message) => {
        const event = JSON.parse(message.data);
        logEvent(event);
        if (type === 'connected') {
            refreshDevices();
        } else if (type === 'disconnected' && state.devices.has(event.device)) {
            Object.assign(state.devices.get(event.device), {online: false, leftAt: event.ts});
            renderDevices();
        }
    }));
}

function logEvent(event) {
    const item = document.createElement('li');
    item.dataset.event = event.event;
    item.dataset.device = event.device;
    item.textContent = `${new Date(event.ts).toLocaleTimeString()} ${event.device} ${event.event}`
        + (event.reason ? ` (${event.reason})` : '');
    const log = $('events');
    log.prepend(item);
    while (log.childElementCount > MAX_EVENTS) log.lastElementChild.remove();
}

// ------------------------------------------------------------------ resources

async function selectDevice(device) {
    state.selected = device;
    document.querySelectorAll('#devices button').forEach((b) => b.classList.toggle('selected', b.dataset.device === device));
    $('selected-device').textContent = `of ${device}`;
    show($('resource-result'), '');
    try {
        const resources = await api(`${devicePath(device)}/resources`);
        $('resources-hint').textContent = '';
        renderResources(device, resources);
    } catch (e) {
        $('resources').tBodies[0].replaceChildren();
        show($('resource-result'), e.message, true);
    }
}

function renderResources(device, resources) {
    closeFiles();
    const rows = Object.entries(resources).map(([name, description]) => {
        const fn = description.fn;
        const row = document.createElement('tr');
        row.dataset.resource = name;
        const cells = [cell(name), cell(KINDS[fn] || `fn ${fn}`)];
        const actions = document.createElement('td');
        if (name === '$terminal' || name === '$terminal/:session') {
            // a byte session, not a value: opened as a terminal over the session WebSocket
            actions.append(button('Terminal', 'terminal', () => openTerminal(device)));
            cells.push(actions);
            row.append(...cells);
            return row;
        }
        if (name === '$fs/get/*path') {
            // the IOTMP-Linux client's file system: browsed in the files panel (files.js)
            actions.append(button('Files', 'files', () => openFiles(device)));
            cells.push(actions);
            row.append(...cells);
            return row;
        }
        if (name.includes('/:') || name.includes('/*')) {
            // a pattern (IOTMP-Linux's $fs/get/*path, $cmd/:session): run through the API with a concrete name
            cells.push(actions);
            row.append(...cells);
            return row;
        }
        if (fn === 2 || fn === 4) {
            const input = document.createElement('input');
            input.placeholder = 'JSON input, e.g. true';
            input.className = 'input';
            const form = document.createElement('span');
            form.className = 'fields';
            // the input is the form's fields when the description gave an object of plain values, else the JSON text
            const value = () => form.childElementCount ? JSON.stringify(readFields(form)) : input.value;
            actions.append(input, form, ' ', button('Send', 'send', () => send(device, name, value())));
            // the description's sample input (an input resource's current state): the form is derived from it
            api(`${devicePath(device)}/resources/${encodeURIComponent(name)}/api`)
                .then((api) => {
                    if (!api || !('in' in api) || api.in === null) return;
                    if (isFlatObject(api.in)) {
                        input.hidden = true;
                        form.replaceChildren(...Object.entries(api.in).map(([key, v]) => field(key, v)));
                    } else {
                        input.value = JSON.stringify(api.in);
                    }
                })
                .catch(() => {});
        }
        if (fn === 1) {
            actions.append(button('Run', 'run', () => send(device, name, '')));
        }
        if (fn === 3 || fn === 4) {
            actions.append(' ', button('Read', 'read', () => read(device, name)),
                ' ', button('Chart', 'chart', () => startChart(device, name)));
        }
        cells.push(actions);
        row.append(...cells);
        return row;
    });
    $('resources').tBodies[0].replaceChildren(...rows);
}

// ------------------------------------------------------------------ terminal

function closeTerminal() {
    if (state.terminal) {
        state.terminal.socket.close();
        state.terminal.term.dispose();
        state.terminal = null;
    }
    $('terminal-panel').hidden = true;
}

function openTerminal(device) {
    closeTerminal();
    $('terminal-panel').hidden = false;
    $('terminal-title').textContent = device;
    const term = new Terminal({rendererType: 'dom', cols: 100, rows: 24, convertEol: false, cursorBlink: true});
    term.open($('terminal'));
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const url = `${scheme}://${location.host}${devicePath(device)}/sessions/terminal?cols=${term.cols}&rows=${term.rows}`;
    const socket = new WebSocket(withToken(url));
    socket.binaryType = 'arraybuffer';
    state.terminal = {term, socket};
    const status = $('terminal-status');
    show(status, 'Connecting…');
    status.dataset.state = 'connecting';
    socket.onmessage = (message) => {
        if (typeof message.data === 'string') {
            const event = JSON.parse(message.data);
            if (event.event === 'open') {
                show(status, 'Connected.');
                status.dataset.state = 'open';
                term.focus();
            } else if (event.event === 'failed') {
                show(status, `Refused: ${event.data.message}`, true);
            } else if (event.event === 'ended') {
                show(status, `Ended by the device: ${event.reason}`);
            } else if (event.event === 'data' && event.data && event.data.out) {
                term.write(event.data.out);
            }
        } else {
            term.write(new Uint8Array(message.data));
            status.dataset.received = String(Number(status.dataset.received || 0) + message.data.byteLength);
        }
    };
    socket.onclose = (event) => {
        status.dataset.state = 'closed';
        if (status.textContent === 'Connecting…' || status.textContent === 'Connected.') {
            show(status, `Closed${event.reason ? ': ' + event.reason : '.'}`, event.code !== 1000);
        }
    };
    const encoder = new TextEncoder();
    term.onData((data) => {
        if (socket.readyState === WebSocket.OPEN) {
            socket.send(encoder.encode(data));
            status.dataset.sent = String(Number(status.dataset.sent || 0) + data.length);
        }
    });
}

function isFlatObject(value) {
    return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0
        && Object.values(value).every((v) => v === null || ['number', 'boolean', 'string'].includes(typeof v));
}

// one labelled field of a described input: a checkbox for a boolean, a number field for a number, else text
function field(key, sample) {
    const label = document.createElement('label');
    const input = document.createElement('input');
    input.name = key;
    input.dataset.type = typeof sample;
    if (typeof sample === 'boolean') {
        input.type = 'checkbox';
        input.checked = sample;
    } else {
        input.type = typeof sample === 'number' ? 'number' : 'text';
        input.step = 'any';
        input.value = sample === null ? '' : String(sample);
    }
    label.append(`${key} `, input);
    return label;
}

function readFields(form) {
    const values = {};
    form.querySelectorAll('input').forEach((input) => {
        values[input.name] = input.dataset.type === 'boolean' ? input.checked
            : input.dataset.type === 'number' ? Number(input.value) : input.value;
    });
    return values;
}

function cell(text) {
    const td = document.createElement('td');
    td.textContent = text;
    return td;
}

function button(label, action, onClick) {
    const b = document.createElement('button');
    b.textContent = label;
    b.dataset.action = action;
    b.addEventListener('click', onClick);
    return b;
}

async function read(device, resource) {
    try {
        const output = await api(`${devicePath(device)}/resources/${encodeURIComponent(resource)}`);
        show($('resource-result'), `${resource} → ${JSON.stringify(output)}`);
    } catch (e) {
        show($('resource-result'), `${resource}: ${e.message}`, true);
    }
}

async function send(device, resource, text) {
    try {
        const output = await api(`${devicePath(device)}/resources/${encodeURIComponent(resource)}`, {
            method: 'POST', headers: {'Content-Type': 'application/json'}, body: text,
        });
        show($('resource-result'), output === null ? `${resource}: done` : `${resource} → ${JSON.stringify(output)}`);
    } catch (e) {
        show($('resource-result'), `${resource}: ${e.message}`, true);
    }
}

// ------------------------------------------------------------------ live chart

// charts a resource; a new rate for the same resource keeps the samples so far (the x axis is time, not samples)
function startChart(device, resource) {
    if (state.source) {
        state.source.close();
    }
    const same = state.chart && state.chart.device === device && state.chart.resource === resource;
    if (!same) {
        state.chart = {device, resource};
        state.series = new Map();
        state.received = 0;
        state.unit = '';
        $('chart').dataset.points = '0';
        $('chart').dataset.unit = '';
        describeUnit(device, resource);
    }
    $('chart-title').textContent = `${device} · ${resource}`;
    const interval = $('interval').value;
    $('chart').dataset.rate = interval || 'change';
    const url = `${devicePath(device)}/resources/${encodeURIComponent(resource)}/stream` + (interval ? `?interval=${interval}` : '');
    show($('chart-status'), same ? 'Rate changed, waiting for the next sample…' : 'Waiting for the first sample…');
    const source = new EventSource(withToken(url));
    state.source = source;
    source.addEventListener('sample', (event) => {
        addSample(JSON.parse(event.data));
        show($('chart-status'), `${state.received} samples, last at ${new Date().toLocaleTimeString()}`);
    });
    source.addEventListener('failed', (event) => {
        source.close();
        show($('chart-status'), `Stream failed: ${JSON.parse(event.data).message}`, true);
    });
    source.onerror = () => {
        // EventSource reconnects by itself unless the server refused the stream outright
        show($('chart-status'), source.readyState === EventSource.CLOSED ? 'Stream refused.' : 'Reconnecting…', true);
    };
    drawChart();
}

// the unit, when the resource's description carries one: its "unit", or the "unit" of its output object
function describeUnit(device, resource) {
    api(`${devicePath(device)}/resources/${encodeURIComponent(resource)}/api`).then((description) => {
        const unit = description && typeof description.unit === 'string' ? description.unit
            : description && description.out && typeof description.out.unit === 'string' ? description.out.unit : '';
        if (state.chart && state.chart.device === device && state.chart.resource === resource) {
            state.unit = unit;
            $('chart').dataset.unit = unit;
            drawChart();
        }
    }).catch(() => {});
}

// a sample's value becomes one series per number: the value itself, or each numeric field of an object
function numbersOf(value) {
    if (typeof value === 'number') return [['value', value]];
    if (typeof value === 'boolean') return [['value', value ? 1 : 0]];
    if (value && typeof value === 'object') {
        return Object.entries(value).filter(([, v]) => typeof v === 'number' || typeof v === 'boolean')
            .map(([k, v]) => [k, Number(v)]);
    }
    return [];
}

function addSample(sample) {
    const ts = sample.ts || Date.now();
    for (const [name, y] of numbersOf(sample.value)) {
        if (!state.series.has(name)) state.series.set(name, []);
        const points = state.series.get(name);
        points.push({ts, y});
        while (points.length > MAX_POINTS || (points.length && points[0].ts < ts - HISTORY_MILLIS)) points.shift();
    }
    state.received++;
    const kept = [...state.series.values()].flat();
    $('chart').dataset.points = String(state.received);
    $('chart').dataset.kept = String(kept.length);
    $('chart').dataset.firstTs = String(Math.min(...kept.map((p) => p.ts)));
    drawChart();
}

function drawChart() {
    const canvas = $('chart');
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth, height = canvas.clientHeight;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    const g = canvas.getContext('2d');
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    g.font = '12px system-ui, sans-serif';

    const all = [...state.series.values()].flat();
    if (all.length === 0) {
        g.fillStyle = '#67718a';
        g.fillText('no samples yet', 60, height / 2);
        return;
    }
    const left = state.unit ? 56 + 8 * state.unit.length : 56, right = 16, top = 24, bottom = 28;
    let minY = Math.min(...all.map((p) => p.y)), maxY = Math.max(...all.map((p) => p.y));
    const pad = (maxY - minY) * 0.1 || Math.abs(maxY) * 0.01 || 1;
    minY -= pad;
    maxY += pad;
    const minT = Math.min(...all.map((p) => p.ts)), maxT = Math.max(...all.map((p) => p.ts));
    const x = (ts) => left + (maxT === minT ? (width - left - right) : (ts - minT) / (maxT - minT) * (width - left - right));
    const y = (v) => top + (maxY - v) / (maxY - minY) * (height - top - bottom);

    // grid and labels
    g.strokeStyle = '#e3e7ee';
    g.fillStyle = '#67718a';
    g.lineWidth = 1;
    for (let i = 0; i <= 4; i++) {
        const v = minY + (maxY - minY) * i / 4;
        g.beginPath();
        g.moveTo(left, y(v));
        g.lineTo(width - right, y(v));
        g.stroke();
        g.fillText(v.toFixed(2) + (state.unit ? ` ${state.unit}` : ''), 4, y(v) + 4);
    }
    g.fillText(new Date(minT).toLocaleTimeString(), left, height - 8);
    const end = new Date(maxT).toLocaleTimeString();
    g.fillText(end, width - right - g.measureText(end).width, height - 8);

    // one line per series, with a legend showing the latest value
    let legendX = left;
    [...state.series.entries()].forEach(([name, points], index) => {
        const color = COLORS[index % COLORS.length];
        g.strokeStyle = color;
        g.fillStyle = color;
        g.lineWidth = 2;
        g.beginPath();
        points.forEach((p, i) => (i === 0 ? g.moveTo(x(p.ts), y(p.y)) : g.lineTo(x(p.ts), y(p.y))));
        g.stroke();
        points.forEach((p) => g.fillRect(x(p.ts) - 1.5, y(p.y) - 1.5, 3, 3));
        const legend = `${name}: ${points[points.length - 1].y}${state.unit ? ' ' + state.unit : ''}`;
        g.fillText(legend, legendX, 14);
        legendX += g.measureText(legend).width + 24;
    });
}

$('terminal-close').addEventListener('click', closeTerminal);
$('sign-in').addEventListener('submit', (event) => {
    event.preventDefault();
    sessionStorage.setItem('iotmp-token', $('token').value.trim());
    $('token').value = '';
    state.listed = null;
    subscribeEvents();
});
$('user').addEventListener('change', () => {
    state.selected = null;
    state.listed = null;
    state.devices = new Map();
    $('resources').tBodies[0].replaceChildren();
    subscribeEvents();
});
$('interval').addEventListener('change', () => {
    if (state.chart) startChart(state.chart.device, state.chart.resource);
});
window.addEventListener('resize', drawChart);
refreshDevices();
subscribeEvents();
drawChart();
