import type { Catalogue } from '@cloud-backup-sync/protocol';

/**
 * Texts the agent writes where a user reads them: the `lastError` and `error`
 * fields of `cloud-sync.json` (shown by the admin panel) and option errors
 * (shown by the CLI). `{name}` placeholders are filled by `translate`.
 */
export const agentMessages = {
  INVALID_FILE_NAME: {
    es: 'El nombre de archivo "{fileName}" no se puede subir: {detail}. Renombre el archivo y use "Reintentar fallidos".',
    en: 'The file name "{fileName}" cannot be uploaded: {detail}. Rename the file and use "Retry failed".',
  },
  RETRIES_EXHAUSTED: {
    es: 'Se agotaron los {attempts} intentos; último error: {lastError}',
    en: 'All {attempts} attempts failed; last error: {lastError}',
  },
  CONTENT_CHANGED: {
    es: 'El archivo cambió durante la subida (SHA-256 esperado {expected}, enviado {actual}); se volverá a calcular el hash.',
    en: 'The file changed during the upload (expected SHA-256 {expected}, sent {actual}); it will be hashed again.',
  },
  UPLOAD_REJECTED: {
    es: 'El almacenamiento rechazó la subida con HTTP {status} ({code}): {detail}',
    en: 'Storage rejected the upload with HTTP {status} ({code}): {detail}',
  },
  UPLOAD_NETWORK: {
    es: 'No se pudo enviar el archivo al almacenamiento ({detail}). Se reintentará.',
    en: 'Could not send the file to storage ({detail}). It will be retried.',
  },
  API_UNREACHABLE: {
    es: 'No se pudo conectar con {url} ({detail})',
    en: 'Could not connect to {url} ({detail})',
  },
  UPLOAD_TIMEOUT: {
    es: 'La subida no avanzó durante {seconds} segundos y se canceló.',
    en: 'The upload made no progress for {seconds} seconds and was cancelled.',
  },
  FILE_UNREADABLE: {
    es: 'No se pudo leer el archivo "{filePath}": {detail}',
    en: 'Could not read the file "{filePath}": {detail}',
  },
  OPTION_BACKUPS_DIR_MISSING: {
    es: 'La carpeta de backups "{value}" no existe. Indique la carpeta donde la aplicación guarda los .zip.',
    en: 'The backups folder "{value}" does not exist. Give the folder where the application writes its .zip files.',
  },
  OPTION_BACKUPS_DIR_NOT_FOLDER: {
    es: 'La ruta de backups "{value}" no es una carpeta.',
    en: 'The backups path "{value}" is not a folder.',
  },
  OPTION_STORE_ID: {
    es: 'El identificador de tienda "{value}" no es válido: use de 1 a 64 letras, números, "-" o "_".',
    en: 'The store id "{value}" is invalid: use 1 to 64 letters, digits, "-" or "_".',
  },
  OPTION_API_URL: {
    es: 'La URL de la API "{value}" no es válida: use una URL http:// o https://.',
    en: 'The API URL "{value}" is invalid: use an http:// or https:// URL.',
  },
  OPTION_TOKEN: {
    es: 'El token no puede estar vacío.',
    en: 'The token must not be empty.',
  },
  OPTION_DURATION: {
    es: 'La opción {option} = {value} no es válida: use un número entero de milisegundos entre {min} y {max}.',
    en: 'Option {option} = {value} is invalid: use a whole number of milliseconds between {min} and {max}.',
  },
  OPTION_BACKOFF_DELAYS: {
    es: 'La opción backoffDelaysMs = {value} no es válida: use una lista no vacía de milisegundos entre 0 y {max}.',
    en: 'Option backoffDelaysMs = {value} is invalid: use a non-empty list of milliseconds between 0 and {max}.',
  },
  OPTION_LOCALE: {
    es: 'El idioma "{value}" no es válido: use "es" o "en".',
    en: 'The locale "{value}" is invalid: use "es" or "en".',
  },
} satisfies Catalogue<string>;

export type AgentMessageKey = keyof typeof agentMessages;
