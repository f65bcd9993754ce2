// A bench worker process: runs driver operations on request from main.mjs over IPC and reports progress.
import * as driver from './driver.mjs';

const operations = {
  open: driver.open,
  subscribe: driver.subscribe,
  unsubscribeAll: driver.unsubscribeAll,
  drain: driver.drain,
  drainApplied: driver.drainApplied,
  catchUp: driver.catchUp,
  collect: driver.collect,
  closeAll: driver.closeAll,
  hot: driver.hot,
  warm: driver.warm,
  paced: driver.paced,
  mixed: driver.mixed,
  visitors: driver.visitors,
};

process.on('message', async ({ id, op, args }) => {
  try {
    const result = await operations[op](args ?? {});
    process.send({ id, ok: true, result });
  } catch (error) {
    process.send({ id, ok: false, error: error?.stack ?? String(error) });
  }
});

const timer = setInterval(() => {
  process.send({ progress: { ...driver.progress(), ...driver.httpProgress() } });
}, 500);
timer.unref();

process.on('disconnect', () => process.exit(0));
