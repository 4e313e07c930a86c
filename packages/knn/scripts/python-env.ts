/**
 * Python's environment for timing scikit-learn or faiss: the OpenBLAS tuning variables this kind of
 * machine sets (`OPENBLAS_CORETYPE`, `OPENBLAS_L2_SIZE`) removed, so that OpenBLAS picks its own
 * kernels as it would on a user's machine.
 */
export function pythonEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}
