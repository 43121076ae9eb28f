/** Kept in step with package.json by a unit test, so no file is read at start-up. */
export const VERSION = '0.1.0';
