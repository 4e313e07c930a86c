/**
 * The pretrained weights shipped in the package, by name: `cpu` (the `cpu` preset, 155,566
 * parameters, 6 epochs) and `accurate` (the `accurate` preset, 1,092,826 parameters, 60 epochs).
 * Each is a folder `pretrained/<name>/` holding `model.json` and `weights.bin`.
 */
export const PRETRAINED_NAMES = ['cpu', 'accurate'] as const;

/** The name of pretrained weights shipped in the package: one of {@link PRETRAINED_NAMES}. */
export type PretrainedName = (typeof PRETRAINED_NAMES)[number];
