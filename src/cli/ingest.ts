/**
 * `qungui ingest EVENTS --nats URL…`: publishes a JSON Lines file (or standard input) to the
 * cluster's partitions (src/cluster/ingest.ts). Malformed lines are published too, and the worker
 * of their partition dead-letters them with their reason, so the log's accounting holds: inputs =
 * primary decisions + dead letters. Only a line too large to publish is a dead letter here.
 */
import { serializeDeadLetter } from "../engine/stream.js";
import { PublishFailure, publishLines } from "../cluster/ingest.js";
import { connectNats, natsServers, streamPartitions } from "../cluster/nats.js";
import { decoding, EXIT, fileWriter, LineWriter, UsageError, type Io } from "./io.js";
import { openLineSource, stoppedNotice } from "./lines.js";

export interface IngestFlags {
  nats?: string[];
  deadLetter?: string;
  giveUp?: string;
}

export async function runIngest(events: string | undefined, flags: IngestFlags, io: Io): Promise<number> {
  const servers = natsServers(flags.nats ?? (process.env["QUNGUI_NATS"] ? [process.env["QUNGUI_NATS"]] : []));
  if (servers.length === 0) throw new UsageError("give the NATS servers: --nats nats://host:4222 … (or QUNGUI_NATS)");
  const giveUpS = flags.giveUp === undefined ? 120 : Number(flags.giveUp);
  if (!Number.isInteger(giveUpS) || giveUpS < 1) throw new UsageError(`--give-up must be a whole number of seconds (1 or more), not ${JSON.stringify(flags.giveUp)}`);
  const nats = await connectNats(servers, "qungui-ingest").catch((e: Error) => {
    throw new UsageError(`cannot connect to NATS (${servers.join(", ")}): ${e.message}`);
  });
  try {
    const partitions = await streamPartitions(nats.jsm).catch((e: Error) => {
      throw new UsageError(e.message);
    });
    const deadFile = flags.deadLetter ? fileWriter(flags.deadLetter) : undefined;
    const dead = new LineWriter(deadFile ? deadFile.write : decoding((t) => io.err(t)));
    const input = openLineSource(events);
    const t0 = performance.now();
    let counts;
    try {
      counts = await publishLines(nats.js, input.lines, { partitions, maxPayload: nats.nc.info?.max_payload ?? 1 << 20, giveUpMs: giveUpS * 1000 }, (d) => dead.line(serializeDeadLetter(d)));
    } catch (e) {
      if (!(e instanceof PublishFailure)) throw e;
      const c = e.counts;
      throw new UsageError(
        `ingest stopped: ${e.message}. Before it, ${c.published} messages were stored and ${c.duplicates} were already in the stream; ` +
          `run the same ingest again once NATS is back: what is stored is dropped by its message id, and each partition continues in order`,
      );
    } finally {
      input.close();
      dead.flush();
      deadFile?.close();
    }
    const s = (performance.now() - t0) / 1000;
    const stopped = stoppedNotice(input.stopped, events).replace(/^qungui run:/, "qungui ingest:");
    io.err(
      stopped +
        `qungui ingest: ${counts.lines} lines → ${counts.inputs} inputs to ${partitions} partitions (${counts.published} stored, ${counts.duplicates} already in the stream)` +
        `, ${counts.deadLetters} dead letters, ${Math.round(counts.inputs / Math.max(s, 1e-3)).toLocaleString("en-US")} messages/s\n`,
    );
    return stopped !== "" ? EXIT.diagnostics : EXIT.ok;
  } finally {
    await nats.close().catch(() => undefined);
  }
}
