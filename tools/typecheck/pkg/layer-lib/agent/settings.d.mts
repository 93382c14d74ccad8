// pkg/layer-lib/ is wrapper/lib/ as build.sh copies it into the package, for `send` (see ../../index.d.mts).
export * from '../../../../../wrapper/lib/agent/settings.mjs';
