// Deterministic crash points for the fault suite (test/faults): EDDY_FAULT=<step> makes the
// process SIGKILL itself when it reaches that step, EDDY_FAULT=<step>#<n> at its n-th hit;
// EDDY_FAULT_TRACE=1 prints every step reached to stderr, so a test can kill at each in turn.
// Both are read once at start; unset, a point costs one comparison.

const spec = process.env.EDDY_FAULT;
const trace = process.env.EDDY_FAULT_TRACE === '1';
const [step, nth] = spec ? [spec.split('#')[0]!, Number(spec.split('#')[1] ?? 1)] : [undefined, 0];
let hits = 0;
const armed = step !== undefined || trace;

export function faultPoint(name: string): void {
  if (!armed) return;
  if (trace) process.stderr.write(`FAULT-POINT ${name}\n`);
  if (name === step && ++hits === nth) process.kill(process.pid, 'SIGKILL');
}
