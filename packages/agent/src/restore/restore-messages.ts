import type { Catalogue } from '@cloud-backup-sync/protocol';

export type RestoreErrorCode =
  | 'NO_AVAILABLE_BACKUP'
  | 'BACKUP_NOT_FOUND'
  | 'BACKUP_NOT_AVAILABLE'
  | 'TARGET_NOT_EMPTY'
  | 'TARGET_NOT_DIRECTORY'
  | 'DOWNLOAD_FAILED'
  | 'SIZE_MISMATCH'
  | 'CHECKSUM_MISMATCH'
  | 'NOT_ENOUGH_SPACE'
  | 'INVALID_ZIP'
  | 'ENTRY_ABSOLUTE_PATH'
  | 'ENTRY_DRIVE_LETTER'
  | 'ENTRY_BACKSLASH'
  | 'ENTRY_PARENT_SEGMENT'
  | 'ENTRY_EMPTY_SEGMENT'
  | 'ENTRY_INVALID_CHARACTER'
  | 'ENTRY_NOT_REGULAR'
  | 'ENTRY_DUPLICATE'
  | 'ENTRY_ENCRYPTED'
  | 'ENTRY_UNSUPPORTED_COMPRESSION'
  | 'ENTRY_CRC_MISMATCH'
  | 'ENTRY_CORRUPT'
  | 'RESTORE_ABORTED';

/** Restore failures shown to the user; every one of them leaves the target untouched. */
export const restoreMessages: Catalogue<RestoreErrorCode> = {
  NO_AVAILABLE_BACKUP: {
    es: 'La tienda "{storeId}" no tiene ningún backup disponible (AVAILABLE) para restaurar.',
    en: 'Store "{storeId}" has no available (AVAILABLE) backup to restore.',
  },
  BACKUP_NOT_FOUND: {
    es: 'No existe el backup "{backupId}". Liste los backups con "backup-sync backups list".',
    en: 'Backup "{backupId}" does not exist. List the backups with "backup-sync backups list".',
  },
  BACKUP_NOT_AVAILABLE: {
    es: 'El backup "{backupId}" no se puede restaurar porque su estado es {status}; solo se restauran backups AVAILABLE.',
    en: 'Backup "{backupId}" cannot be restored because its status is {status}; only AVAILABLE backups can be restored.',
  },
  TARGET_NOT_EMPTY: {
    es: 'La carpeta de destino "{path}" ya existe y no está vacía. Elija una carpeta nueva o vacía.',
    en: 'The target folder "{path}" already exists and is not empty. Choose a new or empty folder.',
  },
  TARGET_NOT_DIRECTORY: {
    es: 'El destino "{path}" ya existe y no es una carpeta. Elija una carpeta nueva o vacía.',
    en: 'The target "{path}" already exists and is not a folder. Choose a new or empty folder.',
  },
  DOWNLOAD_FAILED: {
    es: 'La descarga del backup "{backupId}" falló: {detail}. No se restauró nada; intente de nuevo.',
    en: 'Downloading backup "{backupId}" failed: {detail}. Nothing was restored; try again.',
  },
  SIZE_MISMATCH: {
    es: 'El archivo descargado del backup "{backupId}" mide {actual} bytes pero el listado indica {expected}. No se extrajo nada.',
    en: 'The downloaded file of backup "{backupId}" is {actual} bytes but the listing gives {expected}. Nothing was extracted.',
  },
  CHECKSUM_MISMATCH: {
    es: 'El SHA-256 del archivo descargado del backup "{backupId}" ({actual}) no coincide con el del listado ({expected}). No se extrajo nada.',
    en: 'The SHA-256 of the downloaded file of backup "{backupId}" ({actual}) does not match the listing ({expected}). Nothing was extracted.',
  },
  NOT_ENOUGH_SPACE: {
    es: 'Se necesitan {required} bytes en "{path}" pero solo hay {available} libres. Libere espacio o elija otro destino.',
    en: '{required} bytes are needed in "{path}" but only {available} are free. Free some space or choose another target.',
  },
  INVALID_ZIP: {
    es: 'El backup no es un archivo .zip válido: {detail}. No se extrajo nada.',
    en: 'The backup is not a valid .zip file: {detail}. Nothing was extracted.',
  },
  ENTRY_ABSOLUTE_PATH: {
    es: 'La entrada "{entry}" del zip tiene una ruta absoluta. No se extrajo nada.',
    en: 'Zip entry "{entry}" has an absolute path. Nothing was extracted.',
  },
  ENTRY_DRIVE_LETTER: {
    es: 'La entrada "{entry}" del zip empieza con una letra de unidad. No se extrajo nada.',
    en: 'Zip entry "{entry}" starts with a drive letter. Nothing was extracted.',
  },
  ENTRY_BACKSLASH: {
    es: 'La entrada "{entry}" del zip usa "\\" como separador; el formato zip solo admite "/". No se extrajo nada.',
    en: 'Zip entry "{entry}" uses "\\" as a separator; the zip format only allows "/". Nothing was extracted.',
  },
  ENTRY_PARENT_SEGMENT: {
    es: 'La entrada "{entry}" del zip contiene ".." y saldría de la carpeta de destino. No se extrajo nada.',
    en: 'Zip entry "{entry}" contains ".." and would escape the target folder. Nothing was extracted.',
  },
  ENTRY_EMPTY_SEGMENT: {
    es: 'La entrada "{entry}" del zip tiene un segmento vacío o "." en su ruta. No se extrajo nada.',
    en: 'Zip entry "{entry}" has an empty or "." segment in its path. Nothing was extracted.',
  },
  ENTRY_INVALID_CHARACTER: {
    es: 'La entrada "{entry}" del zip contiene un carácter de control en su nombre. No se extrajo nada.',
    en: 'Zip entry "{entry}" contains a control character in its name. Nothing was extracted.',
  },
  ENTRY_NOT_REGULAR: {
    es: 'La entrada "{entry}" del zip es {kind}, no un archivo ni una carpeta. No se extrajo nada.',
    en: 'Zip entry "{entry}" is {kind}, not a file or folder. Nothing was extracted.',
  },
  ENTRY_DUPLICATE: {
    es: 'La entrada "{entry}" del zip choca con otra entrada de la misma ruta ("{other}"). No se extrajo nada.',
    en: 'Zip entry "{entry}" collides with another entry at the same path ("{other}"). Nothing was extracted.',
  },
  ENTRY_ENCRYPTED: {
    es: 'La entrada "{entry}" del zip está cifrada; los backups cifrados no se pueden restaurar. No se extrajo nada.',
    en: 'Zip entry "{entry}" is encrypted; encrypted backups cannot be restored. Nothing was extracted.',
  },
  ENTRY_UNSUPPORTED_COMPRESSION: {
    es: 'La entrada "{entry}" del zip usa el método de compresión {method}; solo se admiten 0 (sin compresión) y 8 (deflate). No se extrajo nada.',
    en: 'Zip entry "{entry}" uses compression method {method}; only 0 (stored) and 8 (deflate) are supported. Nothing was extracted.',
  },
  ENTRY_CRC_MISMATCH: {
    es: 'El CRC-32 de la entrada "{entry}" ({actual}) no coincide con el del zip ({expected}): el archivo está dañado. No se restauró nada.',
    en: 'The CRC-32 of zip entry "{entry}" ({actual}) does not match the zip ({expected}): the file is corrupt. Nothing was restored.',
  },
  ENTRY_CORRUPT: {
    es: 'No se pudo leer la entrada "{entry}" del zip: {detail}. No se restauró nada.',
    en: 'Zip entry "{entry}" could not be read: {detail}. Nothing was restored.',
  },
  RESTORE_ABORTED: {
    es: 'La restauración se canceló. No se restauró nada.',
    en: 'The restore was cancelled. Nothing was restored.',
  },
};
