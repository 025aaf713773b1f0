import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBenchmark } from './bench';
import { mysqlVersion, postgresVersion } from './database';
import { parseOptions } from './options';
import { environmentMarkdown, resultsMarkdown } from './report';
import { REPO_ROOT, SEAMLESS_MAIN } from './targets';

/** `npm run bench -w bench`: runs the benchmark, prints the tables, writes RESULTS.md. */
async function main(): Promise<void> {
  const { bench, out } = parseOptions(
    process.argv.slice(2),
    process.env,
    join(REPO_ROOT, 'bench/RESULTS.md'),
  );
  if (bench.targets.includes('seamless') && !existsSync(SEAMLESS_MAIN)) {
    throw new Error(`${SEAMLESS_MAIN} is missing: run \`npm run build -w server\` first`);
  }
  const results = await runBenchmark(bench);
  const versions = {
    mariadb:
      bench.databases.includes('mysql') && bench.mysqlUrl !== undefined
        ? await mysqlVersion(bench.mysqlUrl)
        : undefined,
    postgres:
      bench.databases.includes('postgres') && bench.pgUrl !== undefined
        ? await postgresVersion(bench.pgUrl)
        : undefined,
  };
  const tables = resultsMarkdown(results);
  console.log(tables);
  if (out !== undefined) {
    const document = [
      '# Benchmark results',
      '',
      'Produced by `npm run bench -w bench`; see README.md for what each scenario does and the caveats.',
      '',
      environmentMarkdown(results, versions),
      '',
      tables,
      '',
    ].join('\n');
    writeFileSync(out, document);
    console.error(`wrote ${out}`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
