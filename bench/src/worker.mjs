// A bench worker process: runs the drivers' operations that workers.mjs asks for over IPC, and reports progress.
import * as http from './driver/http.mjs';
import * as realtime from './driver/realtime.mjs';

const operations = { ...http, ...realtime };
process.on('message', async ({ id, op, args }) => {
  try {
    process.send({ id, ok: true, result: await operations[op](args ?? {}) });
  } catch (error) {
    process.send({ id, ok: false, error: error?.stack ?? String(error) });
  }
});
setInterval(() => process.send({ progress: { ...realtime.progress(), ...http.httpProgress() } }), 500).unref();
process.on('disconnect', () => process.exit(0));
