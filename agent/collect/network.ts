/**
 * Network counters for every interface in `/proc/net/dev`: `net.<if>.rx_bytes_per_s`,
 * `.tx_bytes_per_s`, `.rx_packets_per_s`, `.tx_packets_per_s`, `.rx_errors_per_s`, `.tx_errors_per_s`,
 * `.rx_drops_per_s`, `.tx_drops_per_s`.
 * @module
 */
import { RateTracker } from "./rate.ts";
import { type CounterSource, fields, LINUX, type ProcPaths, round, type Sample, sample } from "./source.ts";

/** Column of each counter after the interface name (receive 0–7, transmit 8–15). */
const COLUMNS: [string, number, string][] = [
  ["rx_bytes_per_s", 0, "B/s"],
  ["rx_packets_per_s", 1, "1/s"],
  ["rx_errors_per_s", 2, "1/s"],
  ["rx_drops_per_s", 3, "1/s"],
  ["tx_bytes_per_s", 8, "B/s"],
  ["tx_packets_per_s", 9, "1/s"],
  ["tx_errors_per_s", 10, "1/s"],
  ["tx_drops_per_s", 11, "1/s"],
];

/** Traffic per second of every network interface. */
export class NetworkSource implements CounterSource {
  readonly name = "network";
  #rates = new RateTracker();
  constructor(private readonly paths: ProcPaths = LINUX) {}

  async collect(now: number): Promise<Sample[]> {
    const text = await Deno.readTextFile(`${this.paths.proc}/net/dev`);
    const out: Sample[] = [];
    for (const line of text.split("\n")) {
      const colon = line.indexOf(":");
      if (colon < 0 || line.includes("|")) continue;
      const iface = line.slice(0, colon).trim();
      const values = fields(line.slice(colon + 1)).map(Number);
      if (iface === "" || values.length < 16) continue;
      for (const [name, column, unit] of COLUMNS) {
        const key = `net.${iface}.${name}`;
        const r = this.#rates.rate(key, values[column]!, now);
        if (r !== undefined) out.push(sample(key, round(r, 2), unit));
      }
    }
    this.#rates.sweep();
    return out;
  }
}
