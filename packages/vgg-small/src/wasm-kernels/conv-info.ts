import { backend_util, type Conv2DBackpropFilterAttrs } from '@tensorflow/tfjs-core';
import { UnsupportedKernelInputError } from '../errors.js';

type Conv2DGeometry = Pick<
  Conv2DBackpropFilterAttrs,
  'strides' | 'pad' | 'dimRoundingMode' | 'dataFormat'
>;

/**
 * tfjs-core's geometry of an undilated NHWC convolution of `xShape` by `filterShape`, for the
 * kernel named `kernel`: throws {@link UnsupportedKernelInputError} unless the data are NHWC (the
 * only layout these kernels implement).
 */
export function convInfo(
  kernel: string,
  xShape: number[],
  filterShape: number[],
  { strides, pad, dimRoundingMode, dataFormat }: Conv2DGeometry,
): backend_util.Conv2DInfo {
  if (dataFormat !== undefined && dataFormat !== 'NHWC') {
    throw new UnsupportedKernelInputError({ kernel, dataFormat });
  }
  return backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
}

/** The sizes of a convolution under the short names the kernels' index arithmetic uses. */
export function convDims(info: backend_util.Conv2DInfo) {
  return {
    B: info.batchSize,
    H: info.inHeight,
    W: info.inWidth,
    C: info.inChannels,
    OH: info.outHeight,
    OW: info.outWidth,
    F: info.outChannels,
    KH: info.filterHeight,
    KW: info.filterWidth,
    sh: info.strideHeight,
    sw: info.strideWidth,
    pt: info.padInfo.top,
    pl: info.padInfo.left,
  };
}
