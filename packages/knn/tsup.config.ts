import { packageConfig } from '../../tsup.base';

// index: the universal entry (browsers, bundlers); node: the same plus worker threads. engines and
// engines-node: the `./engines` subpath, the same split. sklearn: the Node-only `./sklearn` subpath,
// which finds its Python script through import.meta.url (shimmed in the CommonJS build).
export default packageConfig({
  entry: ['src/index.ts', 'src/node.ts', 'src/engines.ts', 'src/engines-node.ts', 'src/sklearn.ts'],
  shims: true,
});
