// Vitest setup file: mutes tfjs's "Hi, looks like you are running TensorFlow.js in Node.js" banner,
// which tfjs-backend-cpu prints through `backend_util.warn`; in tfjs 4.22 the `PROD` flag only
// silences such warnings.
import { env } from '@tensorflow/tfjs-core';

env().set('PROD', true);
