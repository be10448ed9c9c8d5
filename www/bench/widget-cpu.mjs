// What the machine did while the widget bench measured a page load: how much CPU headless Chromium used and how
// long its threads stood ready to run while another program had the cores (Linux schedstat, nanoseconds, per
// thread), and the share of that interval in which any task of the machine waited for a core (pressure stall
// information, /proc/pressure/cpu "some"). On the shared two-core machine the first render swings from 125 to
// over 250 ms with what the other engineers run; these figures say how much of a run was the page's own work
// and how much was waiting for a core, so a slow run can be told from a slow page.
//
// Linux only: elsewhere every sample is null and the bench prints no contention figures.

import { readFileSync, readdirSync } from "node:fs";

/**
 * @typedef {{ at: bigint, runNs: number, waitNs: number, pressureUs: number | null, byKind: Record<string, number> }} CpuSample
 * @typedef {{ wallMs: number, cpuMs: number, waitMs: number, pressure: number | null, cpuMsByKind: Record<string, number> }} CpuInterval
 */

const readText = (/** @type {string} */ path) => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null; // a process or thread that ended between the listing and the read
  }
};

/**
 * The process ids of a process and all its descendants (Chromium's browser, zygotes, renderers, GPU and
 * utility processes), from the parent ids in /proc/<pid>/stat.
 * @param {number} root
 * @returns {number[]}
 */
function processTree(root) {
  /** @type {Map<number, number[]>} */
  const children = new Map();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readText(`/proc/${name}/stat`);
    if (!stat) continue;
    // The command name is in parentheses and may hold spaces: the parent id is the second field after it.
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(name));
    children.set(ppid, list);
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]) ?? []));
  return tree;
}

/**
 * What a process of the tree is: Chromium's browser process or the `--type` of one of its children (renderer,
 * gpu-process, utility: network service, storage …), or the program's name (node: the driver, the dev servers).
 * @param {number} pid
 */
function kind(pid) {
  const cmdline = readText(`/proc/${pid}/cmdline`)?.split(/[\0 ]/) ?? []; // Chromium rewrites its children's argv as one line
  const type = cmdline.find((a) => a.startsWith("--type="))?.slice(7);
  const sub = cmdline.find((a) => a.startsWith("--utility-sub-type="))?.slice(19);
  if (type) return sub ? `${type}:${sub.replace(/\.mojom\./, ".")}` : type;
  const name = readText(`/proc/${pid}/comm`)?.trim() ?? "?";
  if (/chrom/.test(name)) return "browser";
  if (name === "node") return pid === process.pid ? "node: the bench's driver" : "node: dev server";
  return name;
}

/**
 * Sums the run time and the runqueue wait of every thread of a process tree, with the machine's CPU pressure.
 * @param {number | undefined} rootPid
 * @returns {CpuSample | null}
 */
export function sampleCpu(rootPid) {
  if (process.platform !== "linux" || !rootPid) return null;
  let runNs = 0;
  let waitNs = 0;
  /** @type {Record<string, number>} */
  const byKind = {};
  for (const pid of processTree(rootPid)) {
    const what = kind(pid);
    let processNs = 0;
    let tids;
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      const fields = readText(`/proc/${pid}/task/${tid}/schedstat`)?.split(" ");
      if (!fields) continue;
      processNs += Number(fields[0]);
      waitNs += Number(fields[1]);
      // A process's first thread is its main thread: a renderer's runs the page's scripts, style and layout.
      if (tid === String(pid) && what === "renderer") byKind["renderer main thread"] = (byKind["renderer main thread"] ?? 0) + Number(fields[0]);
    }
    runNs += processNs;
    byKind[what] = (byKind[what] ?? 0) + processNs;
  }
  const some = readText("/proc/pressure/cpu")?.match(/^some .*total=(\d+)/m);
  return { at: process.hrtime.bigint(), runNs, waitNs, pressureUs: some ? Number(some[1]) : null, byKind };
}

/**
 * What happened between two samples: wall time, Chromium's CPU time (all threads, all processes), the time its
 * threads waited for a core, and the share of the interval in which some task of the machine waited.
 * Threads that ended in between are missing from the second sample, so the figures are lower bounds.
 * @param {CpuSample | null} before
 * @param {CpuSample | null} after
 * @returns {CpuInterval | null}
 */
export function cpuBetween(before, after) {
  if (!before || !after) return null;
  const wallMs = Number(after.at - before.at) / 1e6;
  /** @type {Record<string, number>} */
  const cpuMsByKind = {};
  for (const [what, ns] of Object.entries(after.byKind)) {
    const ms = (ns - (before.byKind[what] ?? 0)) / 1e6;
    if (ms > 0.05) cpuMsByKind[what] = Math.round(ms * 10) / 10;
  }
  return {
    cpuMsByKind,
    wallMs,
    cpuMs: Math.max(0, after.runNs - before.runNs) / 1e6,
    waitMs: Math.max(0, after.waitNs - before.waitNs) / 1e6,
    pressure:
      before.pressureUs !== null && after.pressureUs !== null && wallMs > 0
        ? (after.pressureUs - before.pressureUs) / 1000 / wallMs
        : null,
  };
}
