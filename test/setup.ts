// Any unhandled rejection or uncaught exception fails the run: nothing may escape a stream.
const failures: unknown[] = [];
const record = (error: unknown) => failures.push(error);
process.on('unhandledRejection', record);
process.on('uncaughtException', record);

afterEach(() => {
  if (failures.length) {
    const errors = failures.splice(0);
    throw new Error(`unhandled errors during the test: ${errors.map(String).join('; ')}`);
  }
});
