#!/usr/bin/env python3
"""Writes iotmp-conformance.tsv, the table ConformanceTest plays against the real server over TCP.

The frames are built here by a second, independent encoder written from docs/protocol.md (varints §2.1, fields §2.3,
PSON v2 §3.1, PSON v1 §3.2), not by the Java code under test; a case is data, so extending the table means adding a
line below and running:  python3 make-conformance-table.py > iotmp-conformance.tsv
"""
import struct

# ---- encoder (docs/protocol.md) -------------------------------------------------------------------------------------------


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def pson2(v):
    def tag(t, n):
        return bytes([t << 5 | n]) if n < 31 else bytes([t << 5 | 31]) + varint(n)
    if v is None:
        return b'\x62'
    if v is True:
        return b'\x61'
    if v is False:
        return b'\x60'
    if isinstance(v, float):
        if v == int(v) and abs(v) < 2 ** 63:
            return pson2(int(v))
        f32 = struct.unpack('<f', struct.pack('<f', v))[0]
        return b'\x40' + struct.pack('<f', v) if f32 == v else b'\x41' + struct.pack('<d', v)
    if isinstance(v, int):
        return tag(0, v) if v >= 0 else tag(1, -v)
    if isinstance(v, str):
        b = v.encode('utf-8')
        return tag(4, len(b)) + b
    if isinstance(v, bytes):
        return tag(5, len(v)) + v
    if isinstance(v, dict):
        return tag(6, len(v)) + b''.join(pson2(k) + pson2(x) for k, x in v.items())
    if isinstance(v, list):
        return tag(7, len(v)) + b''.join(pson2(x) for x in v)
    raise TypeError(v)


def pson1(v):
    if v is None:
        return b'\x00'
    if v is True:
        return b'\x28'
    if v is False:
        return b'\x30'
    if isinstance(v, float):
        if v == int(v):
            return pson1(int(v))
        return b'\x1D' + struct.pack('<f', v) if abs(v - struct.unpack('<f', struct.pack('<f', v))[0]) <= 1e-5 \
            else b'\x21' + struct.pack('<d', v)
    if isinstance(v, int):
        if v == 0:
            return b'\x38'
        if v == 1:
            return b'\x40'
        return (b'\x08' + varint(v)) if v > 0 else (b'\x10' + varint(-v))
    if isinstance(v, str):
        b = v.encode('utf-8')
        return b'\x4A' + varint(len(b)) + b if b else b'\x50'
    if isinstance(v, bytes):
        return b'\x5A' + varint(len(v)) + v if v else b'\x60'
    if isinstance(v, dict):
        body = b''.join(varint(len(k.encode())) + k.encode() + pson1(x) for k, x in v.items())
        return b'\x6A' + varint(len(body)) + body
    if isinstance(v, list):
        body = b''.join(pson1(x) for x in v)
        return b'\x72' + varint(len(body)) + body
    raise TypeError(v)


class Raw:
    """Field content written as given (hex), for values no encoder would produce."""

    def __init__(self, key, hexbytes):
        self.bytes = varint(key) + bytes.fromhex(hexbytes)


def field(fid, value, gen=2):
    if isinstance(value, Raw):
        return value.bytes
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2 ** 32:
        return varint(fid << 3) + varint(value)
    return varint(fid << 3 | (2 if gen == 2 else 1)) + (pson2(value) if gen == 2 else pson1(value))


def frame(mtype, *fields, gen=2):
    """fields: (id, value) pairs in wire order; value None = field absent."""
    body = b''.join(field(f, v, gen) for f, v in fields if v is not None)
    return bytes([mtype]) + varint(len(body)) + body


def raw_frame(mtype, body_hex):
    body = bytes.fromhex(body_hex)
    return bytes([mtype]) + varint(len(body)) + body


def hx(b):
    return ' '.join('%02X' % x for x in b)


OK, ERROR, CONNECT, DISCONNECT, KEEP_ALIVE, RUN, DESCRIBE, START, STOP, DATA = range(1, 11)
SID, PARAMS, PAYLOAD, RESOURCE = 1, 2, 3, 4


def ok(sid, payload=None, gen=2):
    return frame(OK, (SID, sid), (PAYLOAD, payload), gen=gen)


def error(sid, code=None, payload=None, gen=2):
    return frame(ERROR, (SID, sid), (PARAMS, code), (PAYLOAD, payload), gen=gen)


def fail(sid, status, message, gen=2):
    """The server's refusal of a device request: status code and {"error": message}."""
    return error(sid, status, {'error': message}, gen)


def run(sid, resource, payload=None, params=None, gen=2):
    return frame(RUN, (SID, sid), (PARAMS, params), (PAYLOAD, payload), (RESOURCE, resource), gen=gen)


def connect(sid, user, device, credential, params=None, gen=2):
    return frame(CONNECT, (SID, sid), (PARAMS, params), (PAYLOAD, [user, device, credential]), gen=gen)


def start(sid, resource, params=None, gen=2):
    resource_field = PAYLOAD if gen == 1 else RESOURCE
    return frame(START, (SID, sid), (PARAMS, params), (resource_field, resource), gen=gen)


KA = bytes.fromhex('05 00')
F4 = connect(0x1234, 'alice', 'esp32', 's3cr3t')
F4_OK = ok(0x1234)
ECHO_HI = run(0x21, 'echo', 'hi')
ECHO_HI_OK = ok(0x21, 'hi')
API = {'boom': {'fn': 4}, 'echo': {'fn': 4}}

rows = []


def case(name, setup, send, expect, end='open'):
    """expect: list of frames (bytes); end: open (a STOP_STREAM probe is answered next), closed, silent."""
    if isinstance(send, (list, tuple)):
        send = b''.join(send)
    frames = ' | '.join(hx(f) for f in expect)
    rows.append((name, setup, hx(send), (frames + ' | ' if frames else '') + end))


# ---- 1. message types after CONNECT (0x00-0x0A, unknown 0x0B-0x7F) ---------------------------------------------
case('type/01-ok-for-nothing-is-ignored', 'gen2', ok(0x63), [])
case('type/01-ok-with-payload-for-nothing-is-ignored', 'gen2', ok(0x63, {'x': 1}), [])
case('type/02-error-for-nothing-is-ignored', 'gen2', error(0x63, 404), [])
case('type/01-ok-with-id-0-is-dropped', 'gen2', bytes.fromhex('01 02 08 00'), [])
case('type/01-ok-without-id-is-dropped', 'gen2', raw_frame(OK, ''), [])
case('type/03-connect-again-is-refused', 'gen2', F4,
     [error(0x1234, None, {'error': 'already connected'})])
case('type/04-disconnect-closes', 'gen2', raw_frame(DISCONNECT, ''), [], 'closed')
case('type/04-disconnect-with-reason-closes', 'gen2', frame(DISCONNECT, (PARAMS, 1), (PAYLOAD, 'bye')), [],
     'closed')
case('type/05-keep-alive-is-echoed', 'gen2', KA, [KA])
case('type/06-run-is-answered', 'gen2', ECHO_HI, [ECHO_HI_OK])
case('type/07-describe-lists-server-resources', 'gen2', frame(DESCRIBE, (SID, 3)), [ok(3, API)])
case('type/08-start-stream-of-server-event', 'gen2', start(7, 8, {'event': 'firmware'}), [ok(7)])
case('type/09-stop-stream-is-acknowledged', 'gen2', frame(STOP, (SID, 0xA1)), [ok(0xA1)])
case('type/0A-stream-data-for-no-stream-is-ignored', 'gen2', frame(DATA, (SID, 0xA1), (PAYLOAD, 1)), [])
case('type/00-reserved-is-ignored', 'gen2', raw_frame(0x00, '08 01'), [])
for t in (0x0B, 0x0C, 0x0F, 0x10, 0x1F, 0x20, 0x40, 0x55, 0x7E, 0x7F):
    case('type/%02X-unknown-is-ignored' % t, 'gen2', raw_frame(t, '08 01 1A 82 68 69'), [])
case('type/0B-unknown-without-body-is-ignored', 'gen2', raw_frame(0x0B, ''), [])
case('type/80-two-byte-type-is-ignored', 'gen2', bytes.fromhex('80 01 02 08 01'), [])
case('type/unknown-between-keep-alives', 'gen2', [KA, raw_frame(0x33, 'FF FF FF'), KA], [KA, KA])

# ---- 2. anything but CONNECT first closes the connection without an answer -----------------------------------
for t, body in ((OK, '08 01'), (ERROR, '08 01'), (DISCONNECT, ''), (KEEP_ALIVE, ''), (RUN, hx(ECHO_HI[2:])),
                (DESCRIBE, '08 03'), (START, hx(start(7, 8, {'event': 'firmware'})[2:])), (STOP, '08 01'),
                (DATA, '08 01 18 01')):
    case('before-connect/%02X-closes' % t, 'fresh', raw_frame(t, body), [], 'closed')
case('before-connect/keep-alive-then-connect-closes', 'fresh', [KA, F4], [], 'closed')
case('before-connect/run-then-connect-closes', 'fresh', [ECHO_HI, F4], [], 'closed')
case('before-connect/malformed-connect-closes', 'fresh', raw_frame(CONNECT, '08 01 1A 42'), [], 'closed')
case('before-connect/connect-wire-type-3-closes', 'fresh', raw_frame(CONNECT, '08 01 1B 00'), [], 'closed')
case('before-connect/connect-depth-bomb-closes', 'fresh', raw_frame(CONNECT, '08 01 1A ' + 'E1 ' * 40), [],
     'closed')
case('before-connect/oversized-header-closes', 'fresh', bytes.fromhex('03 FF FF FF 7F'), [], 'closed')
case('before-connect/6-byte-size-varint-closes', 'fresh', bytes.fromhex('03 80 80 80 80 80 00'), [], 'closed')
case('before-connect/partial-connect-waits', 'fresh', F4[:10], [], 'silent')
case('before-connect/unknown-type-0B-is-skipped', 'fresh', [raw_frame(0x0B, '08 01'), F4], [F4_OK])

# ---- 3. CONNECT variants -------------------------------------------------------------------------------------------
case('connect/F4-no-params', 'fresh', F4, [F4_OK])
case('connect/F3-user1-sensor1', 'fresh', connect(1, 'user1', 'sensor1', 'secret123'), [ok(1)])
case('connect/F5-params-map-at-ka-pv', 'fresh', connect(0x1234, 'alice', 'esp32', 's3cr3t',
                                                        {'at': 0, 'ka': 120, 'pv': 1}), [F4_OK])
case('connect/params-varint-1-gen2', 'fresh', connect(1, 'user', 'dev', 'pass', 1), [ok(1)])
case('connect/gen1-params-varint-1-pson-v1', 'fresh', connect(1, 'user', 'dev', 'pass', 1, gen=1), [ok(1)])
case('connect/ka-1800-accepted', 'fresh', connect(2, 'alice', 'esp32', 's3cr3t', {'ka': 1800}), [ok(2)])
case('connect/ka-1-accepted', 'fresh', connect(2, 'alice', 'esp32', 's3cr3t', {'ka': 1}), [ok(2)])
case('connect/ka-1801-refused-code-3', 'fresh', connect(2, 'alice', 'esp32', 's3cr3t', {'ka': 1801}),
     [error(2, 3)], 'closed')
case('connect/ka-0-refused-code-3', 'fresh', connect(2, 'alice', 'esp32', 's3cr3t', {'ka': 0}), [error(2, 3)],
     'closed')
case('connect/ka-negative-refused-code-3', 'fresh', connect(2, 'alice', 'esp32', 's3cr3t', {'ka': -5}),
     [error(2, 3)], 'closed')
case('connect/wrong-credential-code-2', 'fresh', connect(0x1234, 'alice', 'esp32', 'wrong'),
     [bytes.fromhex('02 05 08 B4 24 10 02')], 'closed')
case('connect/unknown-device-code-2', 'fresh', connect(0x1234, 'alice', 'nobody', 's3cr3t'),
     [error(0x1234, 2)], 'closed')
case('connect/unknown-user-code-2', 'fresh', connect(0x1234, 'mallory', 'esp32', 's3cr3t'),
     [error(0x1234, 2)], 'closed')
case('connect/empty-credential-code-2', 'fresh', connect(0x1234, 'alice', 'esp32', ''), [error(0x1234, 2)],
     'closed')
for name, payload in (('two-strings', ['alice', 'esp32']), ('four-strings', ['alice', 'esp32', 's3cr3t', 'x']),
                      ('integer-element', ['alice', 'esp32', 7]), ('map', {'user': 'alice'}),
                      ('string', 'alice/esp32/s3cr3t'), ('empty-array', []), ('bytes', b'\x01\x02')):
    case('connect/payload-%s-refused' % name, 'fresh', frame(CONNECT, (SID, 0x1234), (PAYLOAD, payload)),
         [error(0x1234)], 'closed')
case('connect/no-payload-refused', 'fresh', frame(CONNECT, (SID, 0x1234)), [error(0x1234)], 'closed')
case('connect/empty-body-refused', 'fresh', raw_frame(CONNECT, ''), [raw_frame(ERROR, '')], 'closed')
case('connect/no-stream-id-answered-without-id', 'fresh',
     frame(CONNECT, (PAYLOAD, ['alice', 'esp32', 's3cr3t'])), [raw_frame(OK, '')])
case('connect/stream-id-truncated-to-16-bits', 'fresh', connect(0x1FFFF, 'alice', 'esp32', 's3cr3t'),
     [ok(0xFFFF)])
case('connect/fields-reversed', 'fresh', frame(CONNECT, (PAYLOAD, ['alice', 'esp32', 's3cr3t']), (SID, 0x1234)),
     [F4_OK])
case('connect/unknown-fields-ignored', 'fresh', frame(CONNECT, (5, 'x'), (SID, 0x1234), (9, 99),
                                                      (PAYLOAD, ['alice', 'esp32', 's3cr3t'])), [F4_OK])
case('connect/then-keep-alive-in-one-write', 'fresh', [F4, KA], [F4_OK, KA])
case('connect/then-disconnect-in-one-write', 'fresh', [F4, raw_frame(DISCONNECT, '')], [F4_OK], 'closed')
case('connect/pv-0-switches-to-pson-v1', 'fresh',
     [connect(9, 'alice', 'esp32', 's3cr3t', {'pv': 0}), run(0x21, 'echo', 'hi')],
     [ok(9), ok(0x21, 'hi', gen=1)])
case('connect/second-connect-refused-connection-stays', 'fresh', [F4, connect(0x55, 'alice', 'esp32', 's3cr3t')],
     [F4_OK, error(0x55, None, {'error': 'already connected'})])

# ---- 4. keep-alive and DISCONNECT ----------------------------------------------------------------------------------
case('keep-alive/three-echoed-in-order', 'gen2', [KA, KA, KA], [KA, KA, KA])
case('keep-alive/between-requests', 'gen2', [KA, ECHO_HI, KA], [KA, ECHO_HI_OK, KA])
case('keep-alive/with-unknown-body-echoed-empty', 'gen2', raw_frame(KEEP_ALIVE, '08 01'), [KA])
case('keep-alive/gen1-echoed', 'gen1', KA, [KA])
case('disconnect/after-request-answers-first', 'gen2', [ECHO_HI, raw_frame(DISCONNECT, '')], [ECHO_HI_OK],
     'closed')
case('disconnect/gen1-closes', 'gen1', frame(DISCONNECT, (PARAMS, 1), gen=1), [], 'closed')

# ---- 5. malformed headers ------------------------------------------------------------------------------------------
case('header/truncated-type-varint-waits', 'gen2', bytes.fromhex('86'), [], 'silent')
case('header/truncated-size-varint-waits', 'gen2', bytes.fromhex('06 80'), [], 'silent')
case('header/truncated-body-waits', 'gen2', bytes.fromhex('06 05 08 01'), [], 'silent')
case('header/size-at-limit-waits-for-body', 'gen2', bytes([RUN]) + varint(256 * 1024), [], 'silent')
case('header/size-above-limit-closes', 'gen2', bytes([RUN]) + varint(256 * 1024 + 1), [], 'closed')
case('header/size-256MiB-closes', 'gen2', bytes.fromhex('06 FF FF FF 7F'), [], 'closed')
case('header/size-5-byte-max-closes', 'gen2', bytes.fromhex('0A FF FF FF FF 0F'), [], 'closed')
case('header/size-6-byte-varint-closes', 'gen2', bytes.fromhex('06 80 80 80 80 80 00'), [], 'closed')
case('header/type-6-byte-varint-closes', 'gen2', bytes.fromhex('86 80 80 80 80 00 00'), [], 'closed')
case('header/size-10-byte-varint-closes', 'gen2', bytes.fromhex('06 FF FF FF FF FF FF FF FF FF 01'), [], 'closed')
case('header/non-minimal-varints-accepted', 'gen2', bytes.fromhex('85 00 80 00'), [KA])
case('header/non-minimal-size-with-body', 'gen2', bytes([RUN]) + bytes([len(ECHO_HI) - 2 | 0x80, 0x00])
     + ECHO_HI[2:], [ECHO_HI_OK])
case('header/frame-after-oversized-is-not-read', 'gen2', bytes.fromhex('06 FF FF FF 7F') + KA, [], 'closed')

# ---- 6. malformed values (frame dropped after CONNECT, connection goes on) -----------------------------------------
BAD = [
    ('pson-float-tag-inline-2', '1A 42'), ('pson-float-tag-escaped', '1A 5F 00'), ('pson-discrete-3', '1A 63'),
    ('pson-discrete-31', '1A 7F'), ('pson-map-key-integer', '1A C1 01 01'), ('pson-map-key-bytes', '1A C1 A1 61 01'),
    ('pson-bad-tag-in-array', '1A E2 01 42'), ('pson-float32-truncated', '1A 40 00 00'),
    ('pson-float64-truncated', '1A 41 00 00 00 00'), ('pson-string-beyond-body', '1A 85 68 65'),
    ('pson-bytes-beyond-body', '1A A4 DE AD'), ('pson-map-2-32-pairs', '1A DF FF FF FF FF 0F'),
    ('pson-array-2-31-elements', '1A FF FF FF FF FF 07'), ('pson-array-count-beyond-bytes', '1A E2 01'),
    ('pson-map-value-missing', '1A C1 81 61'), ('pson-varint-11-bytes', '1A 1F FF FF FF FF FF FF FF FF FF FF 01'),
    ('pson-varint-above-2-64', '1A 1F FF FF FF FF FF FF FF FF FF 02'),
    ('pson-depth-bomb-33-arrays', '1A ' + 'E1 ' * 33 + '00'), ('pson-depth-bomb-33-maps', '1A ' + 'C1 81 61 ' * 33 + '00'),
    ('utf8-overlong-slash', '1A 82 C0 AF'), ('utf8-overlong-nul', '1A 83 E0 80 80'),
    ('utf8-lone-continuation', '1A 81 80'), ('utf8-surrogate-D800', '1A 83 ED A0 80'),
    ('utf8-truncated-sequence', '1A 82 E2 82'), ('utf8-above-10FFFF', '1A 84 F4 90 80 80'), ('utf8-byte-FF', '1A 81 FF'),
    ('utf8-bad-map-key', '1A C1 82 C0 AF 01'),
    ('wire-type-3', '1B 00'), ('wire-type-4', '1C 00'), ('wire-type-5', '1D 00 00 00 00'), ('wire-type-6', '1E 00'),
    ('wire-type-7', '1F 00'), ('field-key-truncated', '80'), ('field-key-11-bytes', 'FF FF FF FF FF FF FF FF FF FF 01'),
    ('varint-field-truncated', '18 80'), ('varint-field-11-bytes', '18 FF FF FF FF FF FF FF FF FF FF 01'),
    ('stream-id-is-a-string', '0A 81 61'), ('stream-id-is-bytes', '0A A1 01'),
    ('pson-v1-bad-tag', '19 80 01'), ('pson-v1-object-beyond-body', '19 6A 7F 01'),
    ('pson-v1-string-beyond-body', '19 4A 05 68'), ('pson-v1-depth-bomb-40', '19 ' + ' '.join(
        '72 %02X' % (2 * (40 - i - 1)) for i in range(40))),
]
for name, bad in BAD:
    body = '08 21 22 84 65 63 68 6F ' + bad    # RUN id 0x21 "echo", then the defect
    case('malformed/%s-dropped' % name, 'gen2', raw_frame(RUN, body), [])
case('malformed/dropped-then-next-frame-served', 'gen2', [raw_frame(RUN, '08 21 1B 00'), ECHO_HI], [ECHO_HI_OK])
case('malformed/stream-data-dropped', 'gen2', raw_frame(DATA, '08 01 1A 42'), [])
case('malformed/connect-again-dropped', 'gen2', raw_frame(CONNECT, '08 01 1A 42'), [])
case('malformed/before-connect-depth-bomb-closes', 'fresh', raw_frame(RUN, '08 21 1A ' + 'E1 ' * 33 + '00'), [],
     'closed')
case('malformed/gen1-v1-bad-tag-dropped', 'gen1', raw_frame(RUN, '08 21 22 84 65 63 68 6F 19 80 01'), [])

# ---- 7. field order, unknown and repeated fields -------------------------------------------------------------------
f_sid, f_payload, f_res = (SID, 0x21), (PAYLOAD, 'hi'), (RESOURCE, 'echo')
orders = {'sid-payload-resource': (f_sid, f_payload, f_res), 'sid-resource-payload': (f_sid, f_res, f_payload),
          'payload-sid-resource': (f_payload, f_sid, f_res), 'payload-resource-sid': (f_payload, f_res, f_sid),
          'resource-sid-payload': (f_res, f_sid, f_payload), 'resource-payload-sid': (f_res, f_payload, f_sid)}
for name, fields in orders.items():
    case('fields/order-%s' % name, 'gen2', frame(RUN, *fields), [ECHO_HI_OK])
for fid in [0] + list(range(5, 16)):
    case('fields/unknown-id-%d-varint' % fid, 'gen2', frame(RUN, f_sid, (fid, 7), f_payload, f_res), [ECHO_HI_OK])
    case('fields/unknown-id-%d-pson' % fid, 'gen2', frame(RUN, f_sid, f_payload, (fid, {'x': [1, 'y']}), f_res),
         [ECHO_HI_OK])
case('fields/unknown-id-16-two-byte-key', 'gen2', frame(RUN, f_sid, (16, 'z'), f_payload, f_res), [ECHO_HI_OK])
case('fields/unknown-id-1000', 'gen2', frame(RUN, f_sid, f_payload, f_res, (1000, 1)), [ECHO_HI_OK])
case('fields/repeated-payload-last-wins', 'gen2', frame(RUN, f_sid, (PAYLOAD, 'first'), f_payload, f_res),
     [ECHO_HI_OK])
case('fields/repeated-stream-id-last-wins', 'gen2', frame(RUN, (SID, 5), f_sid, f_payload, f_res), [ECHO_HI_OK])
case('fields/pson-v1-field-in-gen2-connection', 'gen2', frame(RUN, f_sid, f_payload, f_res, gen=1), [ECHO_HI_OK])
case('fields/top-level-null-is-absent', 'gen2', frame(RUN, f_sid, (PAYLOAD, Raw(0x1A, '62')), f_res), [ok(0x21)])
case('fields/stream-id-as-pson-integer', 'gen2', frame(RUN, (SID, Raw(0x0A, '1F 21')), f_payload, f_res), [ECHO_HI_OK])

# ---- 8. device → server RUN of server resources, fire-and-forget -------------------------------------------------
case('run/echo-string', 'gen2', ECHO_HI, [ECHO_HI_OK])
case('run/echo-integer-as-varint', 'gen2', run(0x22, 'echo', 42), [ok(0x22, 42)])
case('run/echo-negative-as-pson', 'gen2', run(0x22, 'echo', -300), [ok(0x22, -300)])
case('run/echo-float32', 'gen2', run(0x22, 'echo', 23.5), [ok(0x22, 23.5)])
case('run/echo-float64', 'gen2', run(0x22, 'echo', 0.1), [ok(0x22, 0.1)])
case('run/echo-map', 'gen2', run(0x22, 'echo', {'celsius': 23.5, 'ok': True}), [ok(0x22, {'celsius': 23.5, 'ok': True})])
case('run/echo-array', 'gen2', run(0x22, 'echo', [1, [2, 3], 'x']), [ok(0x22, [1, [2, 3], 'x'])])
case('run/echo-bytes', 'gen2', run(0x22, 'echo', b'\xDE\xAD\xBE\xEF'), [ok(0x22, b'\xDE\xAD\xBE\xEF')])
case('run/echo-without-payload', 'gen2', run(0x22, 'echo'), [ok(0x22)])
case('run/echo-resource-as-array-path', 'gen2', run(0x22, ['echo'], 'hi'), [ok(0x22, 'hi')])
case('run/handler-failure-is-error-500', 'gen2', run(0x23, 'boom'), [fail(0x23, 500, 'boom')])
case('run/unknown-resource-is-error-404', 'gen2', run(0x24, 'nothing'),
     [fail(0x24, 404, "no server resource 'nothing'")])
case('run/without-resource-is-error-400', 'gen2', frame(RUN, (SID, 0x25), (PAYLOAD, 'hi')),
     [fail(0x25, 400, 'RUN without a resource')])
case('fire-and-forget/echo-without-stream-id', 'gen2', run(0, 'echo', 'hi'), [])
case('fire-and-forget/echo-with-stream-id-0', 'gen2', frame(RUN, (SID, Raw(0x08, '00')), f_payload, f_res), [])
case('fire-and-forget/unknown-resource', 'gen2', run(0, 'nothing'), [])
case('fire-and-forget/failing-resource', 'gen2', run(0, 'boom'), [])
case('fire-and-forget/without-resource', 'gen2', raw_frame(RUN, '1A 82 68 69'), [])
case('fire-and-forget/S5-call-endpoint', 'gen2', bytes.fromhex('06 09 12 85 61 6C 65 72 74 20 04'), [])
case('fire-and-forget/bucket-em-layout', 'gen2', frame(RUN, (PARAMS, 5), (PAYLOAD, {'t': 1}), (RESOURCE, 'b')), [])
case('fire-and-forget/set-property', 'gen2', frame(RUN, (PARAMS, 'ff'), (PAYLOAD, 1), (RESOURCE, 2)), [])
case('describe/whole-api', 'gen2', frame(DESCRIBE, (SID, 3)), [ok(3, API)])
case('describe/one-resource', 'gen2', frame(DESCRIBE, (SID, 4), (RESOURCE, 'echo')), [ok(4, API)])
case('describe/without-stream-id', 'gen2', raw_frame(DESCRIBE, ''), [])

# ---- 9. server services in both layouts (docs/protocol.md §8) --------------------------------------------------------------
case('service/S1-write-bucket-em-layout', 'gen2', bytes.fromhex(
    '06 1A 08 B4 24 10 05 1A C1 84 74 65 6D 70 15 22 8B 73 65 6E 73 6F 72 5F 64 61 74 61'), [F4_OK])
case('service/S2-write-bucket-lx-layout', 'gen2', bytes.fromhex(
    '06 1A 08 B4 24 12 8B 73 65 6E 73 6F 72 5F 64 61 74 61 1A C1 84 74 65 6D 70 15 20 05'), [F4_OK])
case('service/session-step-13-bucket', 'gen2', bytes.fromhex(
    '06 1C 08 F8 AC 01 10 05 1A C1 87 63 65 6C 73 69 75 73 40 00 00 BE 41 22 85 74 65 6D 70 73'),
     [bytes.fromhex('01 04 08 F8 AC 01')])
case('service/S3-read-missing-property', 'gen2', bytes.fromhex('06 0D 08 80 02 12 86 63 6F 6E 66 69 67 20 01'),
     [fail(0x100, 404, "property 'config' not found")])
case('service/set-em-then-read-lx-property', 'gen2',
     [frame(RUN, (SID, 5), (PARAMS, 2), (PAYLOAD, {'eco': True}), (RESOURCE, 'mode-a')),
      frame(RUN, (SID, 6), (PARAMS, 'mode-a'), (RESOURCE, 1))], [ok(5), ok(6, {'eco': True})])
case('service/set-lx-then-read-em-property', 'gen2',
     [frame(RUN, (SID, 5), (PARAMS, 'mode-b'), (PAYLOAD, 7), (RESOURCE, 2)),
      frame(RUN, (SID, 6), (PARAMS, 1), (RESOURCE, 'mode-b'))], [ok(5), ok(6, 7)])
case('service/S4-call-device-not-connected', 'gen2', bytes.fromhex(
    '06 11 08 09 12 E2 84 64 65 76 32 83 6C 65 64 1A 61 20 03'), [fail(9, 404, 'device dev2 is not connected')])
case('service/call-device-without-resource', 'gen2', frame(RUN, (SID, 9), (PARAMS, ['dev2']), (RESOURCE, 3)),
     [fail(9, 400, "call device needs [device, resource], got 'dev2'")])
case('service/lock-and-unlock-with-token', 'gen2',
     [frame(RUN, (SID, 1), (PARAMS, 'door-a'), (PAYLOAD, {'lock': 't1'}), (RESOURCE, 6)),
      frame(RUN, (SID, 2), (PARAMS, 'door-a'), (PAYLOAD, {'lock': 't2'}), (RESOURCE, 6)),
      frame(RUN, (SID, 3), (PARAMS, 'door-a'), (PAYLOAD, {'lock': 't1'}), (RESOURCE, 7))],
     [ok(1, {'lock': 't1'}), fail(2, 409, "sync 'door-a' is locked"), ok(3)])
case('service/unlock-not-held', 'gen2', frame(RUN, (SID, 4), (PARAMS, 'door-b'), (PAYLOAD, {'lock': 'x'}),
                                              (RESOURCE, 7)),
     [fail(4, 404, "sync 'door-b' is not locked with that token")])
case('service/endpoint-em-layout', 'gen2', frame(RUN, (SID, 8), (PARAMS, 4), (RESOURCE, 'alert')), [ok(8)])
case('service/unknown-code-99', 'gen2', frame(RUN, (SID, 3), (PARAMS, 'x'), (RESOURCE, 99)),
     [fail(3, 404, 'unknown service code 99')])
case('service/unknown-code-0', 'gen2', frame(RUN, (SID, 3), (PARAMS, 'x'), (RESOURCE, 0)),
     [fail(3, 404, 'unknown service code 0')])
case('service/bucket-without-target', 'gen2', frame(RUN, (SID, 3), (RESOURCE, 5)),
     [fail(3, 400, 'WRITE_BUCKET without a target name')])
case('service/em-layout-unknown-code-is-a-resource-name', 'gen2', frame(RUN, (SID, 3), (PARAMS, 99),
                                                                        (RESOURCE, 'echo')), [ok(3)])

# ---- 10. event streams (device → server START_STREAM on RESOURCE 8, docs/protocol.md §8.3) ----------------------------------
S6 = bytes.fromhex('08 3C 08 81 02 12 C3 85 65 76 65 6E 74 94 64 65 76 69 63 65 5F 74 6F 70 69 63 5F 70 75 62 6C'
                   ' 69 73 68 85 73 63 6F 70 65 89 73 75 62 73 63 72 69 62 65 85 74 6F 70 69 63 83 63 6D 64 20 08')
PUBLISH = {'event': 'device_topic_publish', 'scope': 'publish', 'topic': 'cmd'}
case('event/S6-subscribe-topic', 'gen2', S6, [bytes.fromhex('01 03 08 81 02')])
case('event/publish-reaches-own-subscription', 'gen2',
     [S6, start(5, 8, PUBLISH), frame(DATA, (SID, 5), (PAYLOAD, 'reboot'))],
     [bytes.fromhex('01 03 08 81 02'), ok(5), frame(DATA, (SID, 0x101), (PAYLOAD, 'reboot'))])
case('event/publish-without-subscribers', 'gen2', [start(5, 8, PUBLISH), frame(DATA, (SID, 5), (PAYLOAD, 1))],
     [ok(5)])
case('event/stop-ends-subscription', 'gen2',
     [S6, frame(STOP, (SID, 0x101)), start(5, 8, PUBLISH), frame(DATA, (SID, 5), (PAYLOAD, 'x'))],
     [bytes.fromhex('01 03 08 81 02'), ok(0x101), ok(5)])
case('event/property-stream-with-current-value', 'gen2',
     [frame(RUN, (SID, 2), (PARAMS, 2), (PAYLOAD, 40), (RESOURCE, 'limit-a')),
      start(9, 8, {'event': 'device_property_update', 'filters': {'property': 'limit-a'}, 'current': True}),
      frame(RUN, (SID, 4), (PARAMS, 2), (PAYLOAD, 45), (RESOURCE, 'limit-a'))],
     [ok(2), ok(9, 40), frame(DATA, (SID, 9), (PAYLOAD, 45)), ok(4)])
case('event/server-event-stream', 'gen2', start(7, 8, {'event': 'firmware'}), [ok(7)])
case('event/without-event-name-400', 'gen2', start(7, 8, {'scope': 'x'}),
     [fail(7, 400, 'event stream without an event name')])
case('event/without-params-400', 'gen2', start(7, 8), [fail(7, 400, 'event stream without an event name')])
case('event/topic-without-topic-400', 'gen2', start(7, 8, {'event': 'device_topic_publish', 'scope': 'subscribe'}),
     [fail(7, 400, 'topic stream without a topic')])
case('event/invalid-topic-filter-400', 'gen2',
     start(7, 8, {'event': 'device_topic_publish', 'scope': 'subscribe', 'topic': 'a/#/b'}),
     [fail(7, 400, "'#' must be the whole last level: a/#/b")])
case('event/property-without-filter-400', 'gen2', start(7, 8, {'event': 'device_property_update'}),
     [fail(7, 400, 'property stream without filters.property')])
case('event/stream-id-in-use-409', 'gen2', [start(7, 8, {'event': 'a'}), start(7, 8, {'event': 'b'})],
     [ok(7), fail(7, 409, 'stream id 7 is in use')])
case('event/not-a-server-stream-404', 'gen2', start(4, 'temperature'),
     [fail(4, 404, 'the server has no stream "temperature"')])
case('event/other-code-404', 'gen2', start(4, 1), [fail(4, 404, 'the server has no stream 1')])
case('event/without-stream-id-no-answer', 'gen2', frame(START, (PARAMS, {'event': 'a'}), (RESOURCE, 8)), [])
case('event/stop-unknown-stream-ok', 'gen2', frame(STOP, (SID, 0x77)), [ok(0x77)])
case('event/stop-without-stream-id-no-answer', 'gen2', raw_frame(STOP, ''), [])
case('event/stream-data-compact-array-ignored', 'gen2', bytes.fromhex('0A 0C 08 A1 01 1A E2 40 00 00 BC 41 1F 3C'),
     [])

# ---- 11. gen-1 devices (PSON v1, resource of START_STREAM/DESCRIBE in field 3) -------------------------------------
case('gen1/run-echo-answered-in-v1', 'gen1', run(0x21, 'echo', 'hi', gen=1), [ok(0x21, 'hi', gen=1)])
case('gen1/run-echo-map-in-v1', 'gen1', run(0x21, 'echo', {'a': 1}, gen=1), [ok(0x21, {'a': 1}, gen=1)])
case('gen1/run-echo-float32-in-v1', 'gen1', run(0x21, 'echo', 1.5, gen=1), [ok(0x21, 1.5, gen=1)])
case('gen1/run-gen2-field-answered-in-v1', 'gen1', ECHO_HI, [ok(0x21, 'hi', gen=1)])
case('gen1/unknown-resource-error-in-v1', 'gen1', run(0x24, 'nothing', gen=1),
     [fail(0x24, 404, "no server resource 'nothing'", gen=1)])
case('gen1/describe-in-v1', 'gen1', frame(DESCRIBE, (SID, 3), gen=1), [ok(3, API, gen=1)])
case('gen1/event-stream-resource-in-field-3', 'gen1', start(7, 8, {'event': 'firmware'}, gen=1), [ok(7, gen=1)])
case('gen1/stream-data-with-params-ignored', 'gen1',
     bytes.fromhex('0A 15 08 A1 01 10 02 19 6A 0D 07 63 65 6C 73 69 75 73 1D 00 00 BC 41'), [])
case('gen1/bucket-lx-layout', 'gen1', frame(RUN, (SID, 0x31), (PARAMS, 'b1'), (PAYLOAD, {'t': 1.5}),
                                           (RESOURCE, 5), gen=1), [ok(0x31, gen=1)])

print('# IOTMP conformance table: each row is one connection to the real server over TCP (ConformanceTest).')
print('# Columns, separated by one tab:')
print('#   name    category/case, unique')
print('#   setup   fresh = nothing sent before; gen2 = CONNECT F4 (alice/esp32/s3cr3t, id 0x1234) answered')
print('#           01 03 08 B4 24 first; gen1 = gen-1 CONNECT (user/dev/pass, params 1, PSON v1, id 1) answered')
print('#           01 02 08 01 first')
print('#   send    hex bytes written in one write')
print('#   expect  the frames the server must send back, exactly and in order, separated by |, then how the')
print('#           connection ends: open = it stays open, and a probe STOP_STREAM id 0x7E7E (09 04 08 FE FC 01) is')
print('#           answered OK (01 04 08 FE FC 01) as the very next frame, so nothing else was sent; closed = the')
print('#           server closes it and sends nothing more;')
print('#           silent = nothing arrives within 300 ms and it stays open (the server waits for more bytes)')
print('# Server: credentials alice/esp32=s3cr3t, user/dev=pass, user1/sensor1=secret123; resources echo (answers')
print('# its input) and boom (fails: "boom"); a bucket route for every bucket and an endpoint route "alert".')
print('# Generated by make-conformance-table.py (an encoder independent of the Java code); edit that, not this.')
print('name\tsetup\tsend\texpect')
names = set()
for row in rows:
    assert row[0] not in names, row[0]
    names.add(row[0])
    print('\t'.join(row))
