import type { SafeStorageLike } from '../api-key-storage.js';

/** Reversible but visibly not plaintext, like the real thing. */
export function fakeSafeStorage(options: { available?: boolean; backend?: string; failDecrypt?: boolean } = {}): SafeStorageLike {
  return {
    isEncryptionAvailable: () => options.available ?? true,
    getSelectedStorageBackend: () => options.backend ?? 'gnome_libsecret',
    encryptString: (text) => Buffer.from(`enc:${[...text].reverse().join('')}`, 'utf8'),
    decryptString: (buf) => {
      if (options.failDecrypt) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      const text = buf.toString('utf8');
      if (!text.startsWith('enc:')) throw new Error('bad ciphertext');
      return [...text.slice(4)].reverse().join('');
    },
  };
}
