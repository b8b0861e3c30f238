import { execFile } from 'node:child_process';

/**
 * A zip with exactly the given entry names and contents, built with Python's zipfile: hostile
 * archives (traversal, absolute names, bombs) that `git archive` would never produce.
 */
/** `streamed` writes to an unseekable stream, so sizes go in data descriptors after each entry. */
export function craftZip(entries: Array<[name: string, content: string]>, { deflate = false, streamed = false } = {}): Promise<Buffer> {
  const script = [
    'import sys, zipfile, json, io',
    'entries = json.loads(sys.stdin.read())',
    'class Unseekable(io.RawIOBase):',
    '    def __init__(self): self.parts = []',
    '    def writable(self): return True',
    '    def write(self, b): self.parts.append(bytes(b)); return len(b)',
    `buf = ${streamed ? 'Unseekable()' : 'io.BytesIO()'}`,
    `with zipfile.ZipFile(buf, "w", ${deflate ? 'zipfile.ZIP_DEFLATED' : 'zipfile.ZIP_STORED'}) as z:`,
    '    for name, data in entries:',
    `        info = zipfile.ZipInfo(name); info.compress_type = ${deflate ? 'zipfile.ZIP_DEFLATED' : 'zipfile.ZIP_STORED'}`,
    // Streaming writes (z.open) are what leave sizes to the data descriptor.
    `        ${streamed ? 'w = z.open(info, "w"); w.write(data.encode()); w.close()' : 'z.writestr(info, data)'}`,
    `sys.stdout.buffer.write(${streamed ? 'b"".join(buf.parts)' : 'buf.getvalue()'})`,
  ].join('\n');
  return new Promise((resolve, reject) => {
    const child = execFile('python3', ['-c', script], { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
    child.stdin!.end(JSON.stringify(entries));
  });
}
