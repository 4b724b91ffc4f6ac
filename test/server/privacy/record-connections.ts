/**
 * Preloaded into a server process (`node --import tsx --import …/record-connections.ts server/main.ts`)
 * by no-outbound.test.ts: records every outbound destination the process tries, one JSON line per
 * attempt in the file named by ATALAYA_CONNECTION_LOG, before letting it proceed.
 *
 * - TCP: net.Socket.prototype.connect, which every TCP client goes through — net.connect, TLS
 *   (tls.connect connects its TLSSocket this way), node:http agents, fetch (undici) and pg.
 * - UDP: dgram sockets' connect and send.
 * - DNS: dns.lookup and the resolve functions, callback and promise forms.
 * - Processes: child_process spawn, exec, execFile and fork (a curl would bypass the rest).
 * Named ESM imports of the patched module functions are refreshed with syncBuiltinESMExports.
 */
import childProcess from 'node:child_process';
import dgram from 'node:dgram';
import dns from 'node:dns';
import { appendFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';

const LOG = process.env.ATALAYA_CONNECTION_LOG;
if (!LOG) throw new Error('record-connections: set ATALAYA_CONNECTION_LOG to the file to write');

export interface ConnectionRecord {
  kind: 'tcp' | 'udp' | 'dns' | 'process';
  host?: string;
  port?: number;
  path?: string;
  command?: string;
  via: string;
}

function record(r: ConnectionRecord): void {
  appendFileSync(LOG!, `${JSON.stringify(r)}\n`);
}

type AnyFn = (...args: unknown[]) => unknown;

// ------------------------------------------------------------------------------ TCP

const socketConnect = net.Socket.prototype.connect as unknown as AnyFn;
(net.Socket.prototype as unknown as { connect: AnyFn }).connect = function (
  this: net.Socket,
  ...args: unknown[]
) {
  // net.connect hands its normalised arguments over as one array.
  const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
  if (typeof first === 'object' && first !== null) {
    const o = first as { host?: string; port?: number | string; path?: string };
    if (o.path !== undefined) record({ kind: 'tcp', path: String(o.path), via: 'socket.connect' });
    else record({ kind: 'tcp', host: o.host ?? 'localhost', port: Number(o.port), via: 'socket.connect' });
  } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    const host = typeof args[1] === 'string' ? args[1] : 'localhost';
    record({ kind: 'tcp', host, port: Number(first), via: 'socket.connect' });
  } else if (typeof first === 'string') {
    record({ kind: 'tcp', path: first, via: 'socket.connect' });
  }
  return socketConnect.apply(this, args);
};

// ------------------------------------------------------------------------------ UDP

const udpSend = dgram.Socket.prototype.send as unknown as AnyFn;
(dgram.Socket.prototype as unknown as { send: AnyFn }).send = function (
  this: dgram.Socket,
  ...args: unknown[]
) {
  const numbers = args.filter((a) => typeof a === 'number') as number[];
  const host = args.find((a, i) => i > 0 && typeof a === 'string') as string | undefined;
  record({
    kind: 'udp',
    host: host ?? '(connected)',
    port: numbers[numbers.length - 1] ?? -1,
    via: 'dgram.send',
  });
  return udpSend.apply(this, args);
};
const udpConnect = dgram.Socket.prototype.connect as unknown as AnyFn;
(dgram.Socket.prototype as unknown as { connect: AnyFn }).connect = function (
  this: dgram.Socket,
  ...args: unknown[]
) {
  record({
    kind: 'udp',
    host: typeof args[1] === 'string' ? args[1] : 'localhost',
    port: Number(args[0]),
    via: 'dgram.connect',
  });
  return udpConnect.apply(this, args);
};

// ------------------------------------------------------------------------------ DNS

const DNS_FUNCTIONS = [
  'lookup',
  'lookupService',
  'resolve',
  'resolve4',
  'resolve6',
  'resolveAny',
  'resolveCname',
  'resolveMx',
  'resolveNs',
  'resolveSrv',
  'resolveTxt',
  'reverse',
] as const;
function wrapDns(target: Record<string, unknown>, via: string): void {
  for (const name of DNS_FUNCTIONS) {
    const original = target[name];
    if (typeof original !== 'function') continue;
    target[name] = function (this: unknown, ...args: unknown[]) {
      record({ kind: 'dns', host: String(args[0]), via: `${via}.${name}` });
      return (original as AnyFn).apply(this, args);
    };
  }
}
wrapDns(dns as unknown as Record<string, unknown>, 'dns');
wrapDns(dns.promises as unknown as Record<string, unknown>, 'dns.promises');

// ------------------------------------------------------------------------------ processes

for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const) {
  const target = childProcess as unknown as Record<string, unknown>;
  const original = target[name] as AnyFn;
  target[name] = function (this: unknown, ...args: unknown[]) {
    record({ kind: 'process', command: String(args[0]), via: `child_process.${name}` });
    return original.apply(this, args);
  };
}

syncBuiltinESMExports();
