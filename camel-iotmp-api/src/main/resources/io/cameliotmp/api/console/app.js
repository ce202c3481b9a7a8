// The camel-iotmp console: signs in with an access token, lists the user's devices as they connect and leave (the
// device events' Server-Sent Events), shows a device's resources (read, write, terminal; files: files.js) and
// charts a resource's stream live (chart.js). Plain JS, no framework, no build step.
'use strict';

const KINDS = {1: 'run', 2: 'input', 3: 'output', 4: 'input/output'};
const MAX_EVENTS = 50;
// a form has a field per member of the described input up to this many; beyond, the input is its JSON text: a device
// describing inputs of thousands of members would otherwise have the page build thousands of fields for each
const MAX_FIELDS = 32;
// the device's terminal output the page holds received but not yet written by the terminal; a message counts this
// much besides its bytes. A browser socket cannot make the server wait, so a device that writes faster than the
// terminal draws piled its output up in the page without end (xterm.js throws it away, silently, only beyond 50 MB,
// and millions of tiny messages cost far more than their bytes): beyond this the terminal is closed, and says why
const MAX_TERMINAL_BACKLOG = 8 * 1024 * 1024;
const TERMINAL_MESSAGE_COST = 128;
// the rows a table shows (the resources, a directory's files); the rest is counted in a last row. A device chooses how
// many resources and files it lists: ten thousand rows (each with its buttons, fields and description to ask for) made
// the page slow to build, and no one reads them in a page anyway
const MAX_ROWS = 500;
// how long a dropped EventSource waits before it is opened again on a new ticket (the browser's own wait is ~3 s)
const RECONNECT_MILLIS = 3000;

const $ = (id) => document.getElementById(id);
const state = {selected: null, listed: null, chart: null, source: null, series: new Map(), received: 0,
    terminal: null, devices: new Map(), events: null, unit: '', describing: null, descriptions: Promise.resolve(),
    asked: 0, terminals: 0};

// the access token, kept for the browser tab only
function token() {
    return sessionStorage.getItem('iotmp-token') || '';
}

// `path` (a GET of the API) with a ticket instead of the token: for what the page opens by URL (a download, an
// EventSource, a WebSocket), where no Authorization header can go. A token in a URL stays in the browser's history and
// downloads, the server's and proxies' logs, for as long as the token lives; a ticket there is worth nothing once used
// (at once) or expired (seconds later). Asked for with the token in the header, for this one request
async function withTicket(path) {
    const issued = await api(`/v3/users/${encodeURIComponent(user())}/tickets`, {
        method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({url: path}),
    });
    return path + (path.includes('?') ? '&' : '?') + 'ticket=' + encodeURIComponent(issued.ticket);
}

// an EventSource of `path` on a ticket, `setup` wiring each source opened. The browser's own reconnect would present
// the used ticket again and be refused: a stream dropped (the browser about to reconnect) is closed here and opened
// again on a new ticket, a few seconds later as the browser would; one the server refused stays closed, as before.
// `failed` is told when no ticket could be had. Answers a handle whose close() ends it for good
function ticketedEventSource(path, setup, failed) {
    const handle = {source: null, closed: false, retry: null};
    handle.close = () => {
        handle.closed = true;
        clearTimeout(handle.retry);
        if (handle.source) handle.source.close();
    };
    const open = async () => {
        let url;
        try {
            url = await withTicket(path);
        } catch (e) {
            if (handle.closed) return;
            // the server unreachable (fetch throws a TypeError): tried again; refused: told
            if (e instanceof TypeError) handle.retry = setTimeout(open, RECONNECT_MILLIS);
            else failed(e);
            return;
        }
        if (handle.closed) return;
        const source = new EventSource(url);
        handle.source = source;
        setup(source);
        source.addEventListener('error', () => {
            if (handle.closed || source.readyState !== EventSource.CONNECTING) return;
            source.close();
            handle.retry = setTimeout(open, RECONNECT_MILLIS);
        });
    };
    open();
    return handle;
}

function user() {
    return $('user').value.trim() || 'demo';
}

function devicePath(device) {
    return `/v3/users/${encodeURIComponent(user())}/devices/${encodeURIComponent(device)}`;
}

// characters that show nothing of their own but change how the text around them reads: controls, the bidirectional
// embeddings, overrides and isolates (after U+202E the rest of the line reads backwards), zero-width characters. A
// device names itself, its resources and its files and fills their values: with these, its name could read as another
// device's, or turn round the text shown after it. Shown as \uXXXX; line breaks and tabs stay, the page's own texts
// have them
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

function visible(text) {
    return String(text).replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

function show(element, text, isError) {
    element.textContent = visible(text);
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
    const body = await response.text().then((text) => JSON.parse(text, exactNumbers)).catch(() => null);
    if (!response.ok) {
        throw new Error(body && body.message ? `${response.status}: ${body.message}` : `HTTP ${response.status}`);
    }
    return body;
}

// A whole number beyond 2^53 is no JavaScript number: parsed, 18446744073709551615 became 18446744073709552000, which
// the console showed as the device's value and sent back to it from a form. Such a number is kept as its JSON text
// (JSON.rawJSON, which JSON.stringify writes as it is) where the browser has it; elsewhere it is rounded as before.
function exactNumbers(key, value, context) {
    return typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value)
        && context && typeof context.source === 'string' && typeof JSON.rawJSON === 'function'
        ? JSON.rawJSON(context.source) : value;
}

// a number typed into a form's number field: as typed when it is a whole number beyond 2^53 (see exactNumbers)
function typedNumber(text) {
    const number = Number(text);
    return Number.isInteger(number) && !Number.isSafeInteger(number) && /^-?(0|[1-9][0-9]*)$/.test(text)
        && typeof JSON.rawJSON === 'function' ? JSON.rawJSON(text) : number;
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
        button.textContent = visible(d.device);
        button.classList.toggle('selected', d.device === state.selected);
        button.classList.toggle('offline', !d.online);
        const detail = document.createElement('small');
        detail.textContent = visible(d.online ? `since ${new Date(d.connectedAt).toLocaleTimeString()} · ${d.remoteAddress}`
            : `offline since ${new Date(d.leftAt || Date.now()).toLocaleTimeString()}`);
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
    state.events = ticketedEventSource(`/v3/users/${encodeURIComponent(user())}/events`, listenToEvents, (e) => {
        $('events').dataset.state = 'closed';
        show($('devices-status'), `Device events: ${e.message}`, true);
    });
}

function listenToEvents(source) {
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
    item.textContent = visible(`${new Date(event.ts).toLocaleTimeString()} ${event.device} ${event.event}`
        + (event.reason ? ` (${event.reason})` : ''));
    const log = $('events');
    log.prepend(item);
    while (log.childElementCount > MAX_EVENTS) log.lastElementChild.remove();
}

// ------------------------------------------------------------------ resources

async function selectDevice(device) {
    state.selected = device;
    state.asked++;
    document.querySelectorAll('#devices button').forEach((b) => b.classList.toggle('selected', b.dataset.device === device));
    $('selected-device').textContent = visible(`of ${device}`);
    show($('resource-result'), '');
    try {
        const resources = await api(`${devicePath(device)}/resources`);
        // the device chooses when it answers: a list that comes after another device was picked is not shown, or a
        // slow device's rows would stand under the other's name, and what the user types for the one go to the other
        if (state.selected !== device) return;
        $('resources-hint').textContent = '';
        renderResources(device, resources);
    } catch (e) {
        if (state.selected !== device) return;
        $('resources').tBodies[0].replaceChildren();
        show($('resource-result'), e.message, true);
    }
}

function renderResources(device, resources) {
    closeFiles();
    // the descriptions still asked for the table this one replaces are not waited for
    if (state.describing) state.describing.abort();
    const describing = new AbortController();
    state.describing = describing;
    const listed = Object.entries(resources);
    const rows = listed.slice(0, MAX_ROWS).map(([name, description]) => {
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
            describeInput(describing.signal, `${devicePath(device)}/resources/${encodeURIComponent(name)}/api`,
                (api) => {
                    if (!api || !('in' in api) || api.in === null) return;
                    if (isFlatObject(api.in)) {
                        input.hidden = true;
                        form.replaceChildren(...Object.entries(api.in).map(([key, v]) => field(key, v)));
                    } else {
                        input.value = JSON.stringify(api.in);
                    }
                });
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
    $('resources').tBodies[0].replaceChildren(...rows, ...moreRow(listed.length - rows.length, 3));
}

// the last row of a table whose rows were cut at MAX_ROWS: how many are not shown (nothing if none)
function moreRow(notShown, columns) {
    if (notShown <= 0) return [];
    const row = document.createElement('tr');
    row.className = 'more';
    row.dataset.more = String(notShown);
    const note = cell(`${notShown} more not shown (the first ${MAX_ROWS} are)`);
    note.colSpan = columns;
    row.append(note);
    return [row];
}

// ------------------------------------------------------------------ terminal

function closeTerminal() {
    state.terminals++; // a terminal still asking for its ticket is not opened
    if (state.terminal) {
        // its close, and anything after, may come once the next terminal is open: its status is no longer this one's
        state.terminal.socket.onclose = null;
        state.terminal.socket.onmessage = null;
        state.terminal.socket.close();
        state.terminal.term.dispose();
        state.terminal = null;
    }
    $('terminal-panel').hidden = true;
}

async function openTerminal(device) {
    closeTerminal();
    const opening = ++state.terminals;
    $('terminal-panel').hidden = false;
    $('terminal-title').textContent = visible(device);
    const term = new Terminal({rendererType: 'dom', cols: 100, rows: 24, convertEol: false, cursorBlink: true});
    // the device writes this terminal: none of its sequences may act beyond it. xterm.js 4.9 answers the usual
    // queries with fixed reports only, reports no title and no window (windowOptions), and has no handler of its own
    // for a clipboard write (OSC 52) or a link (OSC 8); these handlers take both anyway, so that a newer xterm.js or an
    // addon never lets a device write the user's clipboard or put a link of its choice under the user's click
    [8, 52].forEach((osc) => term.parser.registerOscHandler(osc, () => true));
    term.open($('terminal'));
    const status = $('terminal-status');
    show(status, 'Connecting…');
    status.dataset.state = 'connecting';
    let path;
    try {
        path = await withTicket(`${devicePath(device)}/sessions/terminal?cols=${term.cols}&rows=${term.rows}`);
    } catch (e) {
        if (opening !== state.terminals) return;
        show(status, `Refused: ${e.message}`, true);
        status.dataset.state = 'closed';
        term.dispose();
        return;
    }
    // closed, or another opened, while the ticket was asked for
    if (opening !== state.terminals) {
        term.dispose();
        return;
    }
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${location.host}${path}`);
    socket.binaryType = 'arraybuffer';
    const terminal = {term, socket, backlog: 0};
    state.terminal = terminal;
    status.dataset.received = '0';
    status.dataset.sent = '0';
    // xterm.js writes on timers of its own and calls back once it has written a message: the backlog is what it has
    // been given and not yet written
    const write = (data, length) => {
        terminal.backlog += length + TERMINAL_MESSAGE_COST;
        if (terminal.backlog > MAX_TERMINAL_BACKLOG) {
            socket.onmessage = null;
            socket.close(4000, 'the terminal cannot keep up with the device');
            show(status, `Closed: the device writes faster than the terminal shows (more than`
                + ` ${MAX_TERMINAL_BACKLOG / 1024 / 1024} MiB behind).`, true);
            status.dataset.state = 'closed';
            return;
        }
        term.write(data, () => {
            terminal.backlog -= length + TERMINAL_MESSAGE_COST;
        });
    };
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
            } else if (event.event === 'data' && event.data && typeof event.data.out === 'string') {
                // the device chose the value: xterm.js takes text or bytes, and anything else (an object with a
                // length) threw in its writing loop, which then wrote nothing more for the rest of the session
                write(event.data.out, event.data.out.length);
            }
        } else {
            status.dataset.received = String(Number(status.dataset.received) + message.data.byteLength);
            write(new Uint8Array(message.data), message.data.byteLength);
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

// the inputs' descriptions are asked for one at a time: the device chooses how many inputs it lists and how long it
// takes to describe each, and a request per input at once filled the browser's few connections to the server with
// them, so that the user's own requests (a read, another device, the events) waited behind all of them
function describeInput(signal, path, use) {
    state.descriptions = state.descriptions.then(() => (signal.aborted ? undefined
        : api(path, {signal}).then(use, () => {})));
}

function isFlatObject(value) {
    return value !== null && typeof value === 'object' && !Array.isArray(value)
        && Object.keys(value).length > 0 && Object.keys(value).length <= MAX_FIELDS
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
    label.append(visible(`${key} `), input);
    return label;
}

// the fields' names are the device's keys: each becomes a field of its own (Object.fromEntries), where a plain
// assignment of the name __proto__ would set the object's prototype instead and the field would not be sent
function readFields(form) {
    return Object.fromEntries([...form.querySelectorAll('input')].map((input) => [input.name,
        input.dataset.type === 'boolean' ? input.checked
            : input.dataset.type === 'number' ? typedNumber(input.value) : input.value]));
}

function cell(text) {
    const td = document.createElement('td');
    td.textContent = visible(text);
    return td;
}

function button(label, action, onClick) {
    const b = document.createElement('button');
    b.textContent = visible(label);
    b.dataset.action = action;
    b.addEventListener('click', onClick);
    return b;
}

// the result line shows the answer of the last read or send of the device shown, nothing else: the device chooses when
// it answers, and an answer that came after another device was picked (or another read or send was made) stood in the
// line as the answer for the device now shown, labelled with nothing but a resource name both may have
function result(device) {
    const asked = ++state.asked;
    show($('resource-result'), '');
    return (text, isError) => {
        if (asked === state.asked && state.selected === device) show($('resource-result'), text, isError);
    };
}

async function read(device, resource) {
    const answer = result(device);
    try {
        const output = await api(`${devicePath(device)}/resources/${encodeURIComponent(resource)}`);
        answer(`${resource} → ${JSON.stringify(output)}`);
    } catch (e) {
        answer(`${resource}: ${e.message}`, true);
    }
}

async function send(device, resource, text) {
    const answer = result(device);
    try {
        const output = await api(`${devicePath(device)}/resources/${encodeURIComponent(resource)}`, {
            method: 'POST', headers: {'Content-Type': 'application/json'}, body: text,
        });
        answer(output === null ? `${resource}: done` : `${resource} → ${JSON.stringify(output)}`);
    } catch (e) {
        answer(`${resource}: ${e.message}`, true);
    }
}

// what the page opened as one token or user ends as it takes another: a terminal went on with the rights of the token
// signed out of, under a device of the user left, holding its session on the server (and the device's shell) until
// the page was closed; a chart's stream would reopen on a ticket of the new token
function leaveIdentity() {
    closeTerminal();
    closeFiles();
    if (state.source) {
        state.source.close();
        state.source = null;
        show($('chart-status'), 'Pick a resource and press Chart.');
    }
}

$('terminal-close').addEventListener('click', closeTerminal);
$('sign-in').addEventListener('submit', (event) => {
    event.preventDefault();
    leaveIdentity();
    sessionStorage.setItem('iotmp-token', $('token').value.trim());
    $('token').value = '';
    state.listed = null;
    subscribeEvents();
});
$('user').addEventListener('change', () => {
    leaveIdentity();
    state.selected = null;
    state.asked++;
    state.listed = null;
    state.devices = new Map();
    $('resources').tBodies[0].replaceChildren();
    subscribeEvents();
});
refreshDevices();
subscribeEvents();

