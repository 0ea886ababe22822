export type ImageErrorCode = 'IMAGE_UNREADABLE' | 'IMAGE_TOO_LARGE';

/** A photograph that cannot be graded because of the file itself; the message is meant for clinic staff. */
export class ImageError extends Error {
  readonly code: ImageErrorCode;

  constructor(code: ImageErrorCode, message: string) {
    super(message);
    this.name = 'ImageError';
    this.code = code;
  }
}
