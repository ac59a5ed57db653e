import type { ErrorCode } from './error-codes.ts';
import type { Catalogue } from './i18n.ts';

/**
 * API error messages. `{field}`, `{value}`, `{limit}` and similar
 * placeholders are filled by the server with the offending value.
 */
export const errorMessages: Catalogue<ErrorCode> = {
  MALFORMED_JSON: {
    es: 'El cuerpo de la solicitud no es JSON válido: {detail}. Envíe un objeto JSON con Content-Type: application/json.',
    en: 'The request body is not valid JSON: {detail}. Send a JSON object with Content-Type: application/json.',
  },
  INVALID_BODY: {
    es: 'Campo "{field}" inválido: {detail}.',
    en: 'Invalid field "{field}": {detail}.',
  },
  INVALID_QUERY: {
    es: 'Parámetro de consulta "{field}" inválido: {detail}.',
    en: 'Invalid query parameter "{field}": {detail}.',
  },
  INVALID_ID: {
    es: 'El identificador "{value}" no es válido: use de 1 a 64 letras, números, "-" o "_".',
    en: 'The id "{value}" is invalid: use 1 to 64 letters, digits, "-" or "_".',
  },
  INVALID_SHA256: {
    es: 'sha256 "{value}" no es válido: debe tener exactamente 64 caracteres hexadecimales.',
    en: 'sha256 "{value}" is invalid: it must be exactly 64 hexadecimal characters.',
  },
  INVALID_SIZE: {
    es: 'sizeBytes "{value}" no es válido: debe ser un número entero positivo de bytes.',
    en: 'sizeBytes "{value}" is invalid: it must be a positive whole number of bytes.',
  },
  INVALID_FILE_NAME: {
    es: 'fileName "{value}" no es válido: {detail}.',
    en: 'fileName "{value}" is invalid: {detail}.',
  },
  INVALID_STORE_NAME: {
    es: 'El nombre de tienda "{value}" no es válido: use de 1 a 200 caracteres sin caracteres de control.',
    en: 'The store name "{value}" is invalid: use 1 to 200 characters without control characters.',
  },
  INVALID_DEVICE_NAME: {
    es: 'El nombre de dispositivo "{value}" no es válido: use de 1 a 200 caracteres sin caracteres de control.',
    en: 'The device name "{value}" is invalid: use 1 to 200 characters without control characters.',
  },
  SHA256_MISMATCH: {
    es: 'El sha256 enviado no coincide con el del backup {backupId}. Confirme con el mismo sha256 usado en request-upload.',
    en: 'The sha256 sent does not match backup {backupId}. Confirm with the sha256 used in request-upload.',
  },
  UNAUTHENTICATED: {
    es: 'Falta la autenticación. Envíe el encabezado Authorization: Bearer <token>.',
    en: 'Authentication is missing. Send the header Authorization: Bearer <token>.',
  },
  INVALID_TOKEN: {
    es: 'El token no es válido o fue revocado. Solicite un token nuevo al administrador.',
    en: 'The token is invalid or was revoked. Ask the administrator for a new token.',
  },
  INVALID_CRON_SECRET: {
    es: 'Falta el encabezado X-Cron-Secret o no coincide con CRON_SECRET.',
    en: 'The X-Cron-Secret header is missing or does not match CRON_SECRET.',
  },
  FORBIDDEN: {
    es: 'Este token no tiene permiso para esta operación (se requiere el rol {role}).',
    en: 'This token is not allowed to perform this operation (role {role} required).',
  },
  STORE_FORBIDDEN: {
    es: 'Este token de dispositivo solo puede operar sobre su propia tienda ({allowed}), no sobre "{storeId}".',
    en: 'This device token may only act on its own store ({allowed}), not on "{storeId}".',
  },
  INVALID_SIGNATURE: {
    es: 'La firma de la URL no es válida para este objeto. Solicite una URL nueva.',
    en: 'The URL signature is not valid for this object. Request a new URL.',
  },
  URL_EXPIRED: {
    es: 'La URL firmada expiró. Solicite una URL nueva.',
    en: 'The presigned URL has expired. Request a new URL.',
  },
  NOT_FOUND: {
    es: 'No existe la ruta {method} {path}.',
    en: 'Route {method} {path} does not exist.',
  },
  STORE_NOT_FOUND: {
    es: 'No existe la tienda "{storeId}". Créela primero con "backup-sync stores create --id {storeId} --name NOMBRE" o con POST /api/stores.',
    en: 'Store "{storeId}" does not exist. Create it first with "backup-sync stores create --id {storeId} --name NAME" or with POST /api/stores.',
  },
  BACKUP_NOT_FOUND: {
    es: 'No existe el backup "{backupId}".',
    en: 'Backup "{backupId}" does not exist.',
  },
  DEVICE_NOT_FOUND: {
    es: 'No existe el dispositivo "{deviceId}".',
    en: 'Device "{deviceId}" does not exist.',
  },
  STORE_EXISTS: {
    es: 'Ya existe una tienda con el identificador "{storeId}".',
    en: 'A store with id "{storeId}" already exists.',
  },
  BACKUP_NOT_AVAILABLE: {
    es: 'El backup "{backupId}" no está disponible (estado {status}).',
    en: 'Backup "{backupId}" is not available (status {status}).',
  },
  BACKUP_DELETED: {
    es: 'El backup "{backupId}" fue eliminado de la nube (por retención o por un administrador) y no se vuelve a subir.',
    en: 'Backup "{backupId}" was deleted from the cloud (by retention or an administrator) and is not uploaded again.',
  },
  UPLOAD_INCOMPLETE: {
    es: 'El archivo del backup "{backupId}" todavía no está en el almacenamiento. Termine la subida (PUT) y vuelva a confirmar.',
    en: 'The file of backup "{backupId}" is not in storage yet. Finish the upload (PUT) and confirm again.',
  },
  RETENTION_RUNNING: {
    es: 'Ya hay una limpieza de retención en curso. Intente de nuevo cuando termine.',
    en: 'A retention run is already in progress. Try again when it finishes.',
  },
  SIZE_TOO_LARGE: {
    es: 'sizeBytes {value} supera el máximo de {limit} bytes por subida de este almacenamiento.',
    en: 'sizeBytes {value} exceeds this storage\'s maximum of {limit} bytes per upload.',
  },
  PAYLOAD_TOO_LARGE: {
    es: 'El cuerpo de la solicitud supera el máximo de {limit} bytes.',
    en: 'The request body exceeds the maximum of {limit} bytes.',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    es: 'Tipo de contenido "{value}" no admitido. Envíe Content-Type: application/json.',
    en: 'Content type "{value}" is not supported. Send Content-Type: application/json.',
  },
  TOO_MANY_ATTEMPTS: {
    es: 'Demasiados intentos de autenticación fallidos. Espere {retryAfter} segundos y revise el token antes de reintentar.',
    en: 'Too many failed authentication attempts. Wait {retryAfter} seconds and check the token before trying again.',
  },
  CHECKSUM_MISMATCH: {
    es: 'El SHA-256 del archivo almacenado ({actual}) no coincide con el declarado ({expected}). El backup quedó como FAILED; vuelva a subirlo.',
    en: 'The SHA-256 of the stored file ({actual}) does not match the declared one ({expected}). The backup is now FAILED; upload it again.',
  },
  SIZE_MISMATCH: {
    es: 'El archivo almacenado mide {actual} bytes pero se declararon {expected}. El backup quedó como FAILED; vuelva a subirlo.',
    en: 'The stored file is {actual} bytes but {expected} were declared. The backup is now FAILED; upload it again.',
  },
  RETENTION_DISABLED: {
    es: 'La retención por HTTP está desactivada porque CRON_SECRET no está configurado.',
    en: 'Retention over HTTP is disabled because CRON_SECRET is not set.',
  },
  STORAGE_UNAVAILABLE: {
    es: 'El almacenamiento no respondió: {detail}. Intente de nuevo más tarde.',
    en: 'Storage did not respond: {detail}. Try again later.',
  },
  INTERNAL_ERROR: {
    es: 'Error interno del servidor. El detalle quedó en el registro del servidor.',
    en: 'Internal server error. The details are in the server log.',
  },
  MALFORMED_URL: {
    es: 'La URL "{path}" no es válida: revise la codificación con % de sus caracteres.',
    en: 'The URL "{path}" is invalid: check the %-encoding of its characters.',
  },
};

/** Keys of the non-error messages that API responses carry in a `message` field. */
export type ResultMessageKey = 'BACKUP_EXISTS' | 'BACKUP_DELETED_SUCCESS';

/** Messages of successful API responses, filled like `errorMessages`. */
export const resultMessages: Catalogue<ResultMessageKey> = {
  BACKUP_EXISTS: {
    es: 'El backup ya está en la nube (backup {backupId}); no hace falta subirlo de nuevo.',
    en: 'The backup is already in the cloud (backup {backupId}); there is no need to upload it again.',
  },
  BACKUP_DELETED_SUCCESS: {
    es: 'Backup "{backupId}" eliminado de la nube.',
    en: 'Backup "{backupId}" was deleted from the cloud.',
  },
};
