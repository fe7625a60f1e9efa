/**
 * Filesystem counters for every mounted real filesystem, via `statfs` (node:fs): `fs.<mount>.total`,
 * `.used`, `.free` (bytes available to unprivileged users, as `df` shows), `.used_pct` and `.free_pct`
 * (of used + available, as `df` computes Use%). Pseudo filesystems (proc, sysfs, cgroup, tmpfs, …) are
 * skipped, and so are bind mounts of single files; a mount that cannot be read is skipped and counted in
 * `fs.unreadable`.
 * @module
 */
import { statfs } from "node:fs/promises";
import { type CounterSource, fields, LINUX, type ProcPaths, round, type Sample, sample } from "./source.ts";

const PSEUDO = new Set(
  ("proc sysfs devtmpfs devpts tmpfs cgroup cgroup2 securityfs pstore debugfs tracefs mqueue hugetlbfs " +
    "configfs fusectl bpf autofs binfmt_misc rpc_pipefs nsfs efivarfs selinuxfs ramfs squashfs " +
    "fuse.gvfsd-fuse fuse.portal overlay_internal").split(" "),
);

/** A mounted filesystem. */
export interface Mount {
  device: string;
  mountPoint: string;
  type: string;
}

/** Decodes the octal escapes of `/proc/mounts` (`\040` is a space). */
function unescapeMount(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Lists real mounted filesystems, one entry per mount point (the last mount wins). */
export async function listMounts(paths: ProcPaths = LINUX): Promise<Mount[]> {
  const text = await Deno.readTextFile(`${paths.proc}/self/mounts`);
  const byPoint = new Map<string, Mount>();
  for (const line of text.split("\n")) {
    const [device, point, type] = fields(line);
    if (!device || !point || !type || PSEUDO.has(type)) continue;
    byPoint.set(unescapeMount(point), { device, mountPoint: unescapeMount(point), type });
  }
  return [...byPoint.values()];
}

/** Size figures of the filesystem holding `path`, in bytes. */
export async function filesystemUsage(path: string): Promise<{ total: number; used: number; free: number }> {
  const s = await statfs(path);
  const block = Number(s.bsize);
  const total = Number(s.blocks) * block;
  return { total, used: (Number(s.blocks) - Number(s.bfree)) * block, free: Number(s.bavail) * block };
}

/** Used and free space of every mounted filesystem. */
export class FilesystemSource implements CounterSource {
  readonly name = "filesystem";
  constructor(private readonly paths: ProcPaths = LINUX) {}

  async collect(_now: number): Promise<Sample[]> {
    const out: Sample[] = [];
    let unreadable = 0;
    for (const mount of await listMounts(this.paths)) {
      let usage;
      try {
        // bind mounts of single files (/etc/hosts in containers) repeat their filesystem: skip them
        if (!(await Deno.stat(mount.mountPoint)).isDirectory) continue;
        usage = await filesystemUsage(mount.mountPoint);
      } catch {
        unreadable++; // permission denied or a vanished mount: counted below, not logged per mount
        continue;
      }
      if (usage.total <= 0) continue;
      const k = `fs.${mount.mountPoint}`;
      const usedPct = usage.used + usage.free > 0 ? (100 * usage.used) / (usage.used + usage.free) : 0;
      out.push(
        sample(`${k}.total`, usage.total, "B"),
        sample(`${k}.used`, usage.used, "B"),
        sample(`${k}.free`, usage.free, "B"),
        sample(`${k}.used_pct`, round(usedPct, 2), "%"),
        sample(`${k}.free_pct`, round(100 - usedPct, 2), "%"),
      );
    }
    out.push(sample("fs.unreadable", unreadable));
    return out;
  }
}
