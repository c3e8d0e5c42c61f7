// Run by upload.test.ts in a process of its own (`node --import tsx`), so that its memory is the
// client's alone: the test server, and whatever the test runner holds, live in the parent.
// Prints the peak RSS growth during `create$` of the file at argv[3] against the server at argv[2].
import { lastValueFrom } from 'rxjs';
import { OllamaClient } from '../../src/client/client.js';

async function main(host: string, path: string): Promise<void> {
  const client = new OllamaClient({ host });
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const last = await lastValueFrom(client.create$({ model: 'big', files: { 'big.gguf': path } }));
  clearInterval(sample);
  peak = Math.max(peak, process.memoryUsage().rss);
  await client.close();
  process.stdout.write(JSON.stringify({ growth: peak - baseline, last }) + '\n');
}

void main(process.argv[2]!, process.argv[3]!);
