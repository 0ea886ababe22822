/** One epoch as training/base-model/train_base.py records it in its training.json. */
export interface WholeNetworkEpoch {
  epoch: number;
  trainLoss: number;
  validationAuc: number;
  validationAucMirrorAveraged: number;
  imagesPerSecond: number;
  seconds: number;
}
