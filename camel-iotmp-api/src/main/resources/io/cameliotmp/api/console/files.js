// The console's files panel: an IOTMP-Linux device's file system ($fs), listed and described through its $fs/get and
// $fs/info resources, files downloaded and uploaded through the API's streamed routes (never held whole by the
// server). Uses app.js's api, devicePath, show and withTicket.
'use strict';

// listing, describing: the latest listing and description asked for; an answer to an earlier one (a slow device, a
// path left, another device picked since) is not shown over the newer one
const files = {device: null, path: '/tmp', listing: 0, describing: 0};

// a path without empty, . or .. segments (the API refuses them): '..' is resolved here, against the path shown
function normalisePath(path) {
    const parts = [];
    for (const part of path.split('/')) {
        if (part === '..') parts.pop();
        else if (part && part !== '.') parts.push(part);
    }
    return '/' + parts.join('/');
}

function joinPath(directory, name) {
    return normalisePath(`${directory}/${name}`);
}

// the resource $fs/{operation}/{path}, each segment percent-encoded; the root is $fs/{operation}/ (IOTMP-Linux's
// base directory)
function fsResource(operation, path) {
    const segments = normalisePath(path).split('/').filter(Boolean).map(encodeURIComponent);
    return `${devicePath(files.device)}/resources/$fs/${operation}/${segments.join('/')}`;
}

function openFiles(device) {
    files.device = device;
    files.describing++; // an earlier device's description is not shown as this one's
    $('files-panel').hidden = false;
    $('files-title').textContent = visible(device);
    listFiles($('files-path').value || files.path);
}

function closeFiles() {
    files.device = null;
    files.listing++;
    files.describing++;
    $('files-panel').hidden = true;
}

async function listFiles(path) {
    const target = normalisePath(path);
    $('files-path').value = target;
    const status = $('files-status');
    show(status, `Listing ${target}…`);
    const request = ++files.listing;
    try {
        const entries = await api(fsResource('get', target));
        if (request !== files.listing) {
            return;
        }
        if (!Array.isArray(entries)) {
            // a small file answers with its content: describe it instead
            describeFile(target);
            return;
        }
        files.path = target;
        $('files').dataset.path = target;
        // the device writes the listing: an entry that is no object with a text name is left out and counted, since
        // one such entry threw in the sort and the whole listing was lost
        const listed = entries.filter((e) => e !== null && typeof e === 'object' && typeof e.name === 'string');
        const unreadable = entries.length - listed.length;
        listed.sort((a, b) => (a.type === 'directory' ? 0 : 1) - (b.type === 'directory' ? 0 : 1)
            || a.name.localeCompare(b.name));
        // at most MAX_ROWS rows, directories first (app.js's moreRow counts the rest)
        const shown = listed.slice(0, MAX_ROWS).map((entry) => fileRow(target, entry));
        $('files').tBodies[0].replaceChildren(...shown, ...moreRow(listed.length - shown.length, 4));
        show(status, `${listed.length} entries in ${target}`
            + (unreadable > 0 ? `, ${unreadable} unreadable left out` : ''));
    } catch (e) {
        if (request === files.listing) {
            show(status, `${target}: ${e.message}`, true);
        }
    }
}

function fileRow(directory, entry) {
    const path = joinPath(directory, entry.name);
    const row = document.createElement('tr');
    row.dataset.name = entry.name;
    row.dataset.type = entry.type;
    const name = document.createElement('td');
    const open = button(entry.type === 'directory' ? `${entry.name}/` : entry.name,
        entry.type === 'directory' ? 'open' : 'info',
        () => (entry.type === 'directory' ? listFiles(path) : describeFile(path)));
    name.append(open);
    const actions = document.createElement('td');
    if (entry.type === 'file') {
        const download = document.createElement('a');
        download.textContent = 'Download';
        download.dataset.action = 'download';
        download.download = entry.name;
        // the link shows, and can be copied as, the file's URL without any token; a click fetches a ticket and saves
        // the file from the URL with it (saved as it streams: fetching the file itself to save it would hold it whole
        // in the page's memory first)
        const url = `${devicePath(files.device)}/files/download?path=${encodeURIComponent(path)}`;
        download.href = url;
        download.addEventListener('click', (event) => {
            event.preventDefault();
            downloadFile(url, entry.name);
        });
        actions.append(download);
    }
    row.append(name, cell(entry.type === 'directory' ? '' : formatSize(entry.size)),
        cell(entry.modified ? new Date(entry.modified * 1000).toLocaleString() : ''), actions);
    return row;
}

async function downloadFile(url, name) {
    const status = $('files-status');
    try {
        const link = document.createElement('a');
        link.href = await withTicket(url);
        link.download = name;
        link.hidden = true;
        document.body.append(link);
        link.click();
        link.remove();
        show(status, `Downloading ${name}…`);
    } catch (e) {
        show(status, `Download of ${name}: ${e.message}`, true);
    }
}

async function describeFile(path) {
    const request = ++files.describing;
    try {
        const info = await api(fsResource('info', path));
        if (request === files.describing) {
            show($('files-info'), JSON.stringify(info, null, 2));
        }
    } catch (e) {
        if (request === files.describing) {
            show($('files-info'), `${path}: ${e.message}`, true);
        }
    }
}

// the chosen file, sent as it is read from disk (the browser gives fetch the file and its length)
async function uploadFile() {
    const chosen = $('files-upload').files[0];
    if (!chosen || !files.device) return;
    const path = joinPath(files.path, chosen.name);
    const status = $('files-status');
    show(status, `Uploading ${chosen.name}…`);
    try {
        const written = await api(`${devicePath(files.device)}/files/upload?path=${encodeURIComponent(path)}`, {
            method: 'POST', headers: {'Content-Type': 'application/octet-stream'}, body: chosen,
        });
        $('files-upload').value = '';
        await listFiles(files.path);
        show(status, `Uploaded ${written.path} (${formatSize(written.size)})`);
        status.dataset.uploaded = written.path;
    } catch (e) {
        show(status, `Upload of ${chosen.name}: ${e.message}`, true);
    }
}

function formatSize(bytes) {
    if (bytes < 1024) return `${bytes} B`;
    if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
    return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

$('files-go').addEventListener('click', () => listFiles($('files-path').value));
$('files-path').addEventListener('keydown', (event) => {
    if (event.key === 'Enter') listFiles($('files-path').value);
});
$('files-up').addEventListener('click', () => listFiles(`${files.path}/..`));
$('files-send').addEventListener('click', uploadFile);
$('files-close').addEventListener('click', closeFiles);
