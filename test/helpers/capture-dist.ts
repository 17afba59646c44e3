import { fileURLToPath } from 'node:url';

/** The build directory this file was compiled into (dist/, dist-cap/, …), with a trailing slash. */
export const distRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The `flowlens` command of that build. */
export const cliPath = `${distRoot}src/cli/main.js`;
