import type { ByHandFigures } from './by-hand.js';
import type { ImportFigures } from './measure-import.js';
import { ms } from './percentiles.js';
import { formatTable, mib, mibPerSecond, perSecond, seconds } from './table.js';
import type { ZipFigures } from './zip-reader.js';

type Row = Array<string | number>;

/** Collects every figure with the command that produced it, and prints them as plain tables. */
export class Report {
  private readonly rows: Row[] = [];
  private readonly zipRows: Row[] = [];
  private readonly flatRows: Row[] = [];
  private readonly readRows: Row[] = [];
  private readonly commands: string[] = [];
  private readonly notes: string[] = [];

  constructor(private readonly benchCommand: string) {}

  private ref(command: string): string {
    let index = this.commands.indexOf(command);
    if (index < 0) index = this.commands.push(command) - 1;
    return `[${index + 1}]`;
  }

  addImport(scenario: string, f: ImportFigures): void {
    const requests = `${f.operationRequests} / ${f.apiRequests}+${f.codeloadRequests}`;
    const rss = `${mib(f.idleRss)} → ${mib(f.peakRss)}`;
    this.rows.push([scenario, 'reposync InitialSync', f.files, mib(f.bytes), seconds(f.wallMs), perSecond(f.files, f.wallMs), mibPerSecond(f.bytes, f.wallMs), requests, rss, this.ref(this.benchCommand)]);
    if (f.reads) {
      const { files, packedCold, packedWarm, ownCold, ownWarm } = f.reads;
      const cell = ([p50, p99]: [number, number]) => `${ms(p50)} / ${ms(p99)}`;
      this.readRows.push([scenario, files, cell(packedCold), cell(packedWarm), cell(ownCold), cell(ownWarm), this.ref(this.benchCommand)]);
    }
    this.notes.push(`${scenario}: S3 write requests ${f.s3WriteRequests} (${f.packsWritten} packs + ${f.objectsWritten} objects of their own); one PUT per blob would be ${f.s3WriteRequestsOnePerBlob}`);
    this.notes.push(`${scenario}: operation row ${seconds(f.operationMs)} s; ${f.blobsUploaded} blobs uploaded; ${f.fetchedOutsideArchive} fetched outside the archive; GitHub routes ${JSON.stringify(f.requestsByRoute)}; sampled VmRSS max ${mib(f.sampledRss)} MiB`);
  }

  addNote(note: string): void {
    this.notes.push(note);
  }

  addByHand(scenario: string, files: number, bytes: number, f: ByHandFigures): void {
    const command = f.commands.join(' && ');
    this.rows.push([scenario, `by hand (clone ${seconds(f.cloneMs)} s + cp ${seconds(f.copyMs)} s)`, files, mib(bytes), seconds(f.wallMs), perSecond(files, f.wallMs), mibPerSecond(bytes, f.wallMs), '-', '-', this.ref(command)]);
  }

  addZip(scenario: string, archive: string, f: ZipFigures): void {
    const common = [f.entries, mib(f.archiveBytes), mib(f.inflatedBytes)];
    const bench = this.ref(this.benchCommand);
    this.zipRows.push([scenario, 'download zipball (emulator git archive)', ...common, seconds(f.downloadMs), perSecond(f.entries, f.downloadMs), mibPerSecond(f.inflatedBytes, f.downloadMs), bench]);
    this.zipRows.push([scenario, 'readZipEntries (src/sync), bodies read', ...common, seconds(f.readerMs), perSecond(f.entries, f.readerMs), mibPerSecond(f.inflatedBytes, f.readerMs), bench]);
    if (f.candidateMs !== undefined) {
      this.zipRows.push([scenario, 'candidate (bench/lib/fast-zip-reader.ts)', ...common, seconds(f.candidateMs), perSecond(f.entries, f.candidateMs), mibPerSecond(f.inflatedBytes, f.candidateMs), bench]);
    }
    this.zipRows.push([scenario, 'unzip -p > /dev/null', ...common, seconds(f.unzipMs), perSecond(f.entries, f.unzipMs), mibPerSecond(f.inflatedBytes, f.unzipMs), this.ref(`unzip -p ${archive} > /dev/null`)]);
  }

  addFlat(small: { label: string; f: ImportFigures }, large: { label: string; f: ImportFigures }): void {
    for (const { label, f } of [small, large]) this.addImport(label, f);
    const delta = large.f.peakRss - small.f.peakRss;
    this.flatRows.push([small.label, mib(small.f.bytes), mib(small.f.peakRss)], [large.label, mib(large.f.bytes), mib(large.f.peakRss)], ['difference', mib(large.f.bytes - small.f.bytes), `${delta >= 0 ? '+' : ''}${mib(delta)}`]);
  }

  render(): string {
    const out: string[] = [];
    out.push('Imports into S3 (SeaweedFS), each into a fresh bucket and database, worker in its own process', '');
    out.push(formatTable(['scenario', 'way', 'files', 'MiB', 'wall s', 'files/s', 'MiB/s', 'GH req (op row / api+codeload)', 'worker VmHWM MiB (idle → peak)', 'cmd'], this.rows));
    if (this.flatRows.length > 0) {
      out.push('', 'Peak worker RSS against repository size (fresh worker process each)', '');
      out.push(formatTable(['repository', 'MiB', 'peak worker RSS MiB'], this.flatRows));
    }
    if (this.zipRows.length > 0) {
      out.push('', 'Zip reader alone, on the same downloaded archive (MiB/s of inflated bytes)', '');
      out.push(formatTable(['scenario', 'what', 'entries', 'zip MiB', 'inflated MiB', 's', 'entries/s', 'MiB/s', 'cmd'], this.zipRows));
    }
    if (this.readRows.length > 0) {
      out.push('', 'Reading a file through the API (GET /files/<path> via inject), ms p50 / p99: the same files packed, then as objects of their own', '');
      out.push(formatTable(['scenario', 'files', 'packed cold', 'packed warm', 'own object cold', 'own object warm', 'cmd'], this.readRows));
    }
    out.push('', 'Commands', ...this.commands.map((command, index) => `[${index + 1}] ${command}`));
    out.push('', 'Notes', ...this.notes.map((note) => `- ${note}`));
    return out.join('\n');
  }
}
