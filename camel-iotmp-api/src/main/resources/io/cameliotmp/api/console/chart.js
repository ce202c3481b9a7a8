// The console's live chart: a resource's stream as Server-Sent Events, one line per number of its samples. Uses
// app.js's state, api, devicePath, show and ticketedEventSource.
'use strict';

const COLORS = ['#2f6fde', '#e67e22', '#27ae60', '#8e44ad', '#c0392b'];
// a chart keeps its samples by time, whatever the stream's rate: the last 10 minutes, and never more than this many
const HISTORY_MILLIS = 10 * 60 * 1000;
const MAX_POINTS = 5000;
// the device chooses its samples and its description: a sample of thousands of numbers charts the first few, and a
// unit is shown up to this length, so that neither hides the chart nor slows each redraw beyond use
const MAX_SERIES = 10;
const MAX_UNIT_LENGTH = 16;
const MAX_LABEL_LENGTH = 24;

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
    $('chart-title').textContent = visible(`${device} · ${resource}`);
    const interval = $('interval').value;
    $('chart').dataset.rate = interval || 'change';
    const url = `${devicePath(device)}/resources/${encodeURIComponent(resource)}/stream` + (interval ? `?interval=${interval}` : '');
    show($('chart-status'), same ? 'Rate changed, waiting for the next sample…' : 'Waiting for the first sample…');
    const stream = ticketedEventSource(url, (source) => {
        source.addEventListener('sample', (event) => {
            addSample(JSON.parse(event.data));
            show($('chart-status'), `${state.received} samples, last at ${new Date().toLocaleTimeString()}`);
        });
        source.addEventListener('failed', (event) => {
            stream.close();
            show($('chart-status'), `Stream failed: ${JSON.parse(event.data).message}`, true);
        });
        source.onerror = () => {
            // reopened on a new ticket unless the server refused the stream outright
            show($('chart-status'), source.readyState === EventSource.CLOSED ? 'Stream refused.' : 'Reconnecting…',
                true);
        };
    }, (e) => show($('chart-status'), `Stream refused: ${e.message}`, true));
    state.source = stream;
    drawChart();
}

// the unit, when the resource's description carries one: its "unit", or the "unit" of its output object
function describeUnit(device, resource) {
    api(`${devicePath(device)}/resources/${encodeURIComponent(resource)}/api`).then((description) => {
        const unit = description && typeof description.unit === 'string' ? description.unit
            : description && description.out && typeof description.out.unit === 'string' ? description.out.unit : '';
        if (state.chart && state.chart.device === device && state.chart.resource === resource) {
            state.unit = unit.slice(0, MAX_UNIT_LENGTH);
            $('chart').dataset.unit = state.unit;
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
        if (!state.series.has(name)) {
            if (state.series.size >= MAX_SERIES) continue;
            state.series.set(name, []);
        }
        const points = state.series.get(name);
        points.push({ts, y});
        while (points.length > MAX_POINTS || (points.length && points[0].ts < ts - HISTORY_MILLIS)) points.shift();
    }
    state.received++;
    const kept = [...state.series.values()].flat();
    $('chart').dataset.points = String(state.received);
    $('chart').dataset.kept = String(kept.length);
    $('chart').dataset.series = String(state.series.size);
    $('chart').dataset.firstTs = String(extent(kept, 'ts')[0]);
    drawChart();
}

// the least and greatest of a field of the points, by a loop: Math.min(...points) passes every point as an argument,
// and throws beyond the engine's argument limit (100,000 to 150,000 points in Chromium)
function extent(points, field) {
    let min = Infinity, max = -Infinity;
    for (const point of points) {
        if (point[field] < min) min = point[field];
        if (point[field] > max) max = point[field];
    }
    return [min, max];
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
    let [minY, maxY] = extent(all, 'y');
    const pad = (maxY - minY) * 0.1 || Math.abs(maxY) * 0.01 || 1;
    minY -= pad;
    maxY += pad;
    const [minT, maxT] = extent(all, 'ts');
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
        g.fillText(visible(v.toFixed(2) + (state.unit ? ` ${state.unit}` : '')), 4, y(v) + 4);
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
        const legend = visible(`${name.slice(0, MAX_LABEL_LENGTH)}: ${points[points.length - 1].y}`
            + `${state.unit ? ' ' + state.unit : ''}`);
        g.fillText(legend, legendX, 14);
        legendX += g.measureText(legend).width + 24;
    });
}

$('interval').addEventListener('change', () => {
    if (state.chart) startChart(state.chart.device, state.chart.resource);
});
window.addEventListener('resize', drawChart);
drawChart();
