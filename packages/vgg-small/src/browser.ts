/**
 * `@fmnist/vgg-small/browser`: the part of `@fmnist/vgg-small` that runs in browsers (and any
 * other JavaScript runtime): the model builder and presets, batched inference and evaluation, and
 * loading models (the shipped pretrained weights included) over HTTP. Nothing here imports a Node
 * module. Training, checkpoints and saving to a directory need Node: use the main entry point.
 * @packageDocumentation
 */
// Builder, presets, inference, loading over HTTP, errors: all of it is on the main entry point too.
export * from './core.js';
