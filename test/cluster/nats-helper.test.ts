/** The 3-node JetStream helper itself: a replicated stream survives one node's SIGKILL and restart. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { natsUnavailable, startNatsCluster, type NatsCluster } from "./nats.js";

const why = natsUnavailable();
if (why !== null) console.warn(`skipping the NATS cluster helper test: ${why}`);

describe.skipIf(why !== null)("3-node JetStream cluster helper", () => {
  let cluster: NatsCluster;
  beforeAll(async () => {
    cluster = await startNatsCluster();
  }, 60_000);
  afterAll(() => cluster?.stop());

  it("keeps an R3 stream through the loss and return of a node", async () => {
    const { connect } = await import("@nats-io/transport-node");
    const { jetstream, jetstreamManager } = await import("@nats-io/jetstream");
    const nc = await connect({ servers: cluster.urls });
    try {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: "T", subjects: ["t.>"], num_replicas: 3 });
      const js = jetstream(nc);
      const a = await js.publish("t.1", "one", { msgID: "m1" });
      const dup = await js.publish("t.1", "one", { msgID: "m1" });
      expect(dup.duplicate).toBe(true);
      expect(dup.seq).toBe(a.seq);
      cluster.kill(0);
      let b = null;
      for (let t = 0; t < 100 && b === null; t++) {
        b = await js.publish("t.1", "two", { msgID: "m2", timeout: 2000 }).catch(() => null);
        if (b === null) await new Promise((r) => setTimeout(r, 200));
      }
      expect(b?.seq).toBe(a.seq + 1);
      await cluster.restart(0);
      const info = await jsm.streams.info("T");
      expect(info.state.messages).toBe(2);
    } finally {
      await nc.close();
    }
  }, 120_000);
});
