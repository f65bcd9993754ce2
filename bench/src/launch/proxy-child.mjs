// The store proxy's process (see proxy.mjs): started by startProxy(), controlled over IPC, gone with its parent.
import { createProxy } from './proxy.mjs';

let proxy = null;

process.on('message', async ({ id, op, args }) => {
  try {
    let result = true;
    if (op === 'start') {
      proxy = await createProxy(args);
      result = { port: proxy.port };
    } else if (op === 'faults') {
      proxy.setFaultRate(args.rate);
    } else if (op === 'stats') {
      result = proxy.stats();
    } else if (op === 'close') {
      await proxy?.close();
    } else {
      throw new Error(`unknown operation ${op}`);
    }
    process.send({ id, ok: true, result });
  } catch (error) {
    process.send({ id, ok: false, error: String(error?.stack ?? error) });
  }
});

process.on('disconnect', () => process.exit(0));
