import type { RunJobKernel } from './job-contract.js';

/** Placeholder: the executor's kernel entry (compile the spec once per worker, run it on a job). */
export const runJobKernel: RunJobKernel = () => {
  throw new Error('query kernels not implemented yet');
};
