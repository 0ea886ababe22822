// The model package's public face: what the app (app/) may import. The folders read in pipeline order:
// image/ (decode any file to RGB) → preprocess/ (fundus circle, canonical square, normalisation) → quality/
// (the gate) → inference/ (load a model, grade, heatmap) → worker/ (grading off the main thread); cli/ holds
// the command-line tools and testing/ the test support.
export type { GradedImage, ModelInfo } from './inference/types.ts';
export { activeModelDir, projectRoot, sharedDataDir } from './inference/model-paths.ts';
export { IMAGE_EXTENSIONS, hasImageExtension, listImageFiles } from './image/list-images.ts';
export { GradingPool, defaultPoolSize, type GradingPoolOptions } from './worker/grading-pool.ts';
export { renderPhotoView, type PhotoView } from './image/views.ts';
export { modelFigures, type ModelFigures } from './inference/model-figures.ts';
export {
  isDicom,
  readDicom,
  readDicomHeader,
  type DicomHeader,
  type DicomPhotograph,
} from './image/dicom.ts';

/** The `npm run grade` command for files and folders (app/grade-cli.ts adds the PACS worker). */
export { gradeFilesCli } from './cli/grade-cli.ts';
