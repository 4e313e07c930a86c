#!/usr/bin/env node
// The packaging gate: every package is checked the way users will get it.
//
// 1. publint and @arethetypeswrong/cli on each built package (exports map, type entry points for
//    import and require).
// 2. A real local registry (Verdaccio on 127.0.0.1, throw-away storage) receives the workspace
//    through `changeset publish`, so `workspace:*` ranges are rewritten as they are on a release.
// 3. A scratch project outside the workspace `npm install`s every package from that registry (the
//    @fmnist scope only; third-party packages come from the usual registry) and both `import`s and
//    `require`s each entry point, and type-checks a file that imports them with `tsc`.
//
// Usage: node scripts/packaging-gate.mjs   (after `pnpm build`)
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
let passed = 0;
let failed = 0;

function check(name, ok, detail = '') {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? '✓' : '✗'} ${name}${detail ? `\n${detail}` : ''}`);
}

async function sh(cmd, args, opts = {}) {
  try {
    const { stdout, stderr } = await run(cmd, args, { maxBuffer: 64 << 20, ...opts });
    return { ok: true, out: `${stdout}${stderr}` };
  } catch (e) {
    return { ok: false, out: `${e.stdout ?? ''}${e.stderr ?? ''}${e.message}` };
  }
}

async function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

async function publishedPackages() {
  const dirs = await readdir(join(root, 'packages'));
  const pkgs = [];
  for (const d of dirs.sort()) {
    const dir = join(root, 'packages', d);
    const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    if (manifest.private) continue;
    pkgs.push({ dir, manifest });
  }
  return pkgs;
}

async function startVerdaccio(work, port) {
  const storage = join(work, 'storage');
  const config = join(work, 'config.yaml');
  await writeFile(
    config,
    [
      `storage: ${storage}`,
      'auth:',
      '  htpasswd:',
      `    file: ${join(work, 'htpasswd')}`,
      '    max_users: 10',
      'uplinks: {}',
      'packages:',
      "  '@fmnist/*':",
      '    access: $all',
      '    publish: $authenticated',
      "  '**':",
      '    access: $all',
      'log: { type: stdout, format: pretty, level: warn }',
      // @fmnist/vgg-small ships two sets of weights (about 5 MB); Verdaccio's default limit is 10 MB
      // per publish request, which holds the tarball base64-encoded.
      'max_body_size: 64mb',
      '',
    ].join('\n'),
  );
  const child = spawn(bin('verdaccio'), ['--config', config, '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (d) => {
    log += d;
  });
  child.stderr.on('data', (d) => {
    log += d;
  });
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`verdaccio exited early:\n${log}`);
    try {
      const r = await fetch(`${url}-/ping`);
      if (r.ok) return { child, url };
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill();
  throw new Error(`verdaccio did not start within 30 s:\n${log}`);
}

async function addUser(url) {
  const r = await fetch(`${url}-/user/org.couchdb.user:gate`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'gate', password: 'gate-password', type: 'user', roles: [] }),
  });
  if (!r.ok) throw new Error(`could not create a registry user: ${r.status} ${await r.text()}`);
  const { token } = await r.json();
  return token;
}

async function lint(pkgs) {
  for (const { dir, manifest } of pkgs) {
    const pub = await sh(bin('publint'), ['--strict', dir]);
    check(`publint ${manifest.name}`, pub.ok, pub.ok ? '' : pub.out);
    const attw = await sh(
      bin('attw'),
      ['--pack', dir, '--profile', 'node16', '--format', 'ascii'],
      {
        cwd: dir,
      },
    );
    check(`attw ${manifest.name}`, attw.ok, attw.ok ? '' : attw.out);
  }
}

/** Every file an exports map points at, whatever the nesting of its conditions. */
function targets(exportsMap) {
  if (typeof exportsMap === 'string') return [exportsMap];
  return Object.values(exportsMap ?? {}).flatMap(targets);
}

function entryPoints(manifest) {
  return Object.keys(manifest.exports)
    .filter((k) => k !== './package.json')
    .map((k) => (k === '.' ? manifest.name : `${manifest.name}/${k.slice(2)}`));
}

async function main() {
  const pkgs = await publishedPackages();
  for (const { dir, manifest } of pkgs) {
    const missing = [];
    for (const f of targets(manifest.exports)) {
      try {
        await readFile(join(dir, f));
      } catch {
        missing.push(f);
      }
    }
    if (missing.length) {
      console.error(
        `${manifest.name}: missing build outputs ${missing.join(', ')}; run \`pnpm build\` first.`,
      );
      process.exit(1);
    }
  }
  await lint(pkgs);

  const work = await mkdtemp(join(tmpdir(), 'fmnist-gate-'));
  const port = await freePort();
  const { child, url } = await startVerdaccio(work, port);
  try {
    const token = await addUser(url);
    const host = url.replace(/^http:/, '');
    const npmrc = join(work, '.npmrc');
    await writeFile(npmrc, `registry=${url}\n${host}:_authToken=${token}\n`);
    const env = {
      ...process.env,
      npm_config_registry: url,
      npm_config_userconfig: npmrc,
      NPM_CONFIG_REGISTRY: url,
      NPM_CONFIG_USERCONFIG: npmrc,
      npm_config_provenance: 'false',
    };
    const pub = await sh(bin('changeset'), ['publish', '--no-git-tag'], { cwd: root, env });
    check('changeset publish to the local registry', pub.ok, pub.ok ? '' : pub.out);
    if (!pub.ok) return;

    for (const { manifest } of pkgs) {
      const r = await fetch(`${url}${manifest.name.replace('/', '%2f')}`);
      const meta = r.ok ? await r.json() : {};
      const published = meta.versions?.[manifest.version];
      const deps = published?.dependencies ?? {};
      const leftover = Object.entries(deps).filter(([, v]) => String(v).startsWith('workspace:'));
      check(
        `${manifest.name}@${manifest.version} is on the registry with no workspace: ranges`,
        !!published && leftover.length === 0,
        published ? JSON.stringify(deps) : `HTTP ${r.status}`,
      );
    }

    // A scratch project outside the workspace, installing the way users do.
    const app = join(work, 'app');
    await sh('mkdir', ['-p', app]);
    await writeFile(
      join(app, 'package.json'),
      JSON.stringify({ name: 'gate-app', version: '1.0.0', private: true }, null, 2),
    );
    await writeFile(join(app, '.npmrc'), `@fmnist:registry=${url}\n`);
    const names = pkgs.map((p) => p.manifest.name);
    const install = await sh(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        ...names,
        '@tensorflow/tfjs-core@4.22.0',
        '@tensorflow/tfjs-layers@4.22.0',
        '@tensorflow/tfjs-backend-cpu@4.22.0',
        'typescript@5.9.3',
        '@types/node@20',
      ],
      {
        cwd: app,
        env: {
          ...process.env,
          npm_config_userconfig: join(app, '.npmrc'),
          NPM_CONFIG_USERCONFIG: join(app, '.npmrc'),
        },
      },
    );
    check(
      `npm install ${names.join(' ')} from the local registry`,
      install.ok,
      install.ok ? '' : install.out,
    );
    if (!install.ok) return;

    const specs = pkgs.flatMap((p) => entryPoints(p.manifest));
    for (const spec of specs) {
      const esm = await sh(
        'node',
        [
          '--input-type=module',
          '-e',
          `const m = await import('${spec}'); if (!Object.keys(m).length) throw new Error('no exports'); console.log(Object.keys(m).length);`,
        ],
        { cwd: app },
      );
      check(`import('${spec}')`, esm.ok, esm.ok ? '' : esm.out);
      const cjs = await sh(
        'node',
        [
          '-e',
          `const m = require('${spec}'); if (!Object.keys(m).length) throw new Error('no exports');`,
        ],
        { cwd: app },
      );
      check(`require('${spec}')`, cjs.ok, cjs.ok ? '' : cjs.out);
    }

    // The installed packages work, not only load: the parts that find files at run time (knn's
    // worker threads, vgg-small's shipped weights) are the ones a bundle or a `files` list can break.
    const smoke = `
      const tf = await import('@tensorflow/tfjs-core');
      await import('@tensorflow/tfjs-backend-cpu');
      await tf.setBackend('cpu');
      const { KNeighborsClassifier } = await import('@fmnist/knn');
      const n = 3000, d = 16, data = new Float32Array(n * d), labels = new Int32Array(n);
      for (let i = 0; i < n; i++) { labels[i] = i % 3; for (let j = 0; j < d; j++) data[i * d + j] = labels[i] * 10 + ((i * 7 + j * 13) % 5); }
      const knn = new KNeighborsClassifier({ k: 3, engine: 'pruned', threads: 2 });
      knn.fit({ data, shape: [n, d] }, labels);
      const acc = await knn.score({ data, shape: [n, d] }, labels);
      if (acc !== 1) throw new Error('knn accuracy ' + acc);
      const { loadPretrained } = await import('@fmnist/vgg-small');
      const model = await loadPretrained();
      const y = model.predict(tf.zeros([2, 28, 28, 1]));
      if (y.shape.join() !== '2,10') throw new Error('pretrained output shape ' + y.shape);
      console.log('ok');
    `;
    const works = await sh('node', ['--input-type=module', '-e', smoke], { cwd: app });
    check(
      'installed knn (worker threads) and vgg-small (pretrained weights) run',
      works.ok,
      works.ok ? '' : works.out,
    );

    // Types resolve for both module systems.
    const tsFile = specs.map((s, i) => `import * as m${i} from '${s}';\nvoid m${i};`).join('\n');
    for (const [module, ext] of [
      ['nodenext', 'mts'],
      ['nodenext', 'cts'],
    ]) {
      await writeFile(join(app, `check.${ext}`), `${tsFile}\nexport {};\n`);
      const tsc = await sh(
        join(app, 'node_modules', '.bin', 'tsc'),
        [
          '--noEmit',
          '--strict',
          '--skipLibCheck',
          '--module',
          module,
          '--moduleResolution',
          module,
          '--target',
          'es2022',
          `check.${ext}`,
        ],
        { cwd: app },
      );
      check(`tsc resolves every entry point's types (${ext})`, tsc.ok, tsc.ok ? '' : tsc.out);
    }

    // @fmnist/knn alone: TensorFlow.js is an optional peer, so `npm i @fmnist/knn` in an empty
    // project must install no tfjs, import (ESM and CommonJS) and classify plain arrays; the `tfjs`
    // engine then fails with a typed error saying what to install.
    const bare = join(work, 'knn-only');
    await sh('mkdir', ['-p', bare]);
    await writeFile(
      join(bare, 'package.json'),
      JSON.stringify({ name: 'gate-knn-only', version: '1.0.0', private: true }, null, 2),
    );
    await writeFile(join(bare, '.npmrc'), `@fmnist:registry=${url}\n`);
    const bareInstall = await sh(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', '@fmnist/knn'],
      {
        cwd: bare,
        env: {
          ...process.env,
          npm_config_userconfig: join(bare, '.npmrc'),
          NPM_CONFIG_USERCONFIG: join(bare, '.npmrc'),
        },
      },
    );
    check('npm install @fmnist/knn alone', bareInstall.ok, bareInstall.ok ? '' : bareInstall.out);
    if (bareInstall.ok) {
      const tfjsThere = await sh('node', ['-e', "require.resolve('@tensorflow/tfjs-core')"], {
        cwd: bare,
      });
      check('@fmnist/knn alone installs no @tensorflow/tfjs-core', !tfjsThere.ok, tfjsThere.out);
      const arrays = `
        const { KNeighborsClassifier } = await import('@fmnist/knn');
        const { KNN_ENGINES } = await import('@fmnist/knn/engines');
        const X = [[0, 0], [0, 1], [1, 0], [5, 5], [5, 6], [6, 5]];
        const y = [0, 0, 0, 1, 1, 1];
        const knn = new KNeighborsClassifier({ k: 3 }).fit(X, y);
        const pred = await knn.predict([[0.2, 0.1], [5.5, 5.2]]);
        if (pred.join() !== '0,1') throw new Error('predicted ' + pred.join());
        const floats = new KNeighborsClassifier({ k: 1, engine: 'matmul' }).fit(X.map((r) => r.map((v) => v + 0.5)), y);
        if ((await floats.predict([[5.4, 5.6]])).join() !== '1') throw new Error('matmul');
        if (!KNN_ENGINES.includes('tfjs')) throw new Error('engine list');
        const err = await new KNeighborsClassifier({ k: 1, engine: 'tfjs' }).fit(X, y).predict(X).then(() => undefined, (e) => e);
        if (err?.code !== 'UNSUPPORTED_ENGINE' || !/install/i.test(err.message)) throw new Error('tfjs engine without tfjs: ' + err);
        console.log('ok');
      `;
      const esmRun = await sh('node', ['--input-type=module', '-e', arrays], { cwd: bare });
      check(
        '@fmnist/knn without tfjs classifies plain arrays (import)',
        esmRun.ok,
        esmRun.ok ? '' : esmRun.out,
      );
      const cjsRun = await sh(
        'node',
        [
          '-e',
          "const { KNeighborsClassifier } = require('@fmnist/knn'); new KNeighborsClassifier({ k: 1 }).fit([[0], [9]], [0, 1]).predict([[8]]).then((p) => { if (p[0] !== 1) throw new Error('predicted ' + p[0]); });",
        ],
        { cwd: bare },
      );
      check(
        '@fmnist/knn without tfjs classifies plain arrays (require)',
        cjsRun.ok,
        cjsRun.ok ? '' : cjsRun.out,
      );
    }
  } finally {
    child.kill();
    await rm(work, { recursive: true, force: true });
  }
}

main()
  .catch((e) => {
    failed++;
    console.error(e);
  })
  .finally(() => {
    console.log(`\ngate: ${passed} passed, ${failed} failed`);
    process.exitCode = failed ? 1 : 0;
  });
