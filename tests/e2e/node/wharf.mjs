// Starting a real wharf for the JS SDK tests (see sqs.test.mjs, sns.test.mjs).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const READY = /wharf \S+ listening on http:\/\/127\.0\.0\.1:(\d+)/;

function wharfBinary() {
  const i = process.argv.indexOf('--wharf');
  const bin = i >= 0 ? process.argv[i + 1] : process.env.WHARF_BIN;
  if (!bin) throw new Error('wharf binary not given: pass --wharf PATH or set WHARF_BIN');
  return bin;
}

// Starts wharf on a free port with the virtual clock; resolves to {proc, port}.
export function startWharf() {
  const proc = spawn(wharfBinary(), ['--port', '0', '--in-memory', '--clock', 'virtual'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Never leave the server behind, whatever happens to this process.
  const kill = () => proc.exitCode === null && proc.kill('SIGKILL');
  process.on('exit', kill);
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { kill(); process.exit(1); });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { kill(); reject(new Error('wharf did not start')); }, 30000);
    proc.on('exit', (code) => reject(new Error(`wharf exited early with ${code}`)));
    createInterface({ input: proc.stdout }).on('line', (line) => {
      const m = READY.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, port: Number(m[1]) });
      }
    });
  });
}
