/**
 * `pnpm bench` (the repository root's script): parses the flags first (`--help` and a bad flag need no
 * build), builds the packages quietly (turbo's log only when it fails), then runs the pipeline.
 */
import { runFromCommandLine } from './pipeline.js';

runFromCommandLine({ build: true });
