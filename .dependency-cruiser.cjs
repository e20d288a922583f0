// The import boundaries of docs/architecture.md, checked by `npm run lint` (part of `npm test`).
// Paths are relative to the folder dependency-cruiser runs in, so the same rules also check the
// miniature trees in test/fixtures/boundaries (see test/unit/boundaries.test.ts).
/** @type {import('dependency-cruiser').IConfiguration} */
const layer = (name) => `^${name}/`;

module.exports = {
  forbidden: [
    {
      name: 'renderer-stays-in-the-page',
      comment:
        'The renderer reaches the host only through window.pumpApi: never main, db, drivers, services, web (server) or cli.',
      severity: 'error',
      from: { path: layer('renderer') },
      to: { path: ['^main/', '^db/', '^drivers/', '^services/', '^cli/', '^web/', '^preload/'] },
    },
    {
      name: 'renderer-no-node',
      severity: 'error',
      from: { path: ['^renderer/', '^web/browser/'] },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'core-is-pure',
      comment: 'core imports nothing outside core: no node:, no electron, no I/O.',
      severity: 'error',
      from: { path: layer('core') },
      to: { pathNot: ['^core/', '^node_modules/(zod|decimal\\.js|@noble/hashes)/'] },
    },
    {
      name: 'drivers-not-db',
      severity: 'error',
      from: { path: layer('drivers') },
      to: { path: ['^db/', '^services/', '^main/', '^web/', '^cli/', '^renderer/'] },
    },
    {
      name: 'db-not-drivers',
      severity: 'error',
      from: { path: layer('db') },
      to: { path: ['^drivers/', '^services/', '^main/', '^web/', '^cli/', '^renderer/'] },
    },
    {
      name: 'no-electron-outside-main-and-preload',
      comment: 'Everything but the Electron host must run in plain Node.',
      severity: 'error',
      from: { pathNot: ['^main/', '^preload/'] },
      to: { path: '^node_modules/electron/' },
    },
    {
      name: 'hosts-never-import-main',
      severity: 'error',
      from: { path: ['^services/', '^web/', '^cli/', '^bench/'] },
      to: { path: '^main/' },
    },
    {
      name: 'preload-only-channels',
      comment: 'The preload holds no logic: electron and the channel list only.',
      severity: 'error',
      from: { path: layer('preload') },
      to: { pathNot: ['^core/api/channels\\.ts$', '^node_modules/electron/'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: require('node:path').join(__dirname, 'tsconfig.node.json') },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.cjs', '.mjs', '.json'],
    },
    exclude: { path: ['^out/', '^dist/', 'test/fixtures/'] },
  },
};
