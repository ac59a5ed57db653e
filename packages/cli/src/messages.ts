import { pickLocale, type Catalogue, type Locale } from '@cloud-backup-sync/protocol';

/**
 * Picks the CLI language the POSIX way: the first non-empty of LC_ALL,
 * LC_MESSAGES and LANG. English only when that value names English;
 * Spanish otherwise, including for "C" and "POSIX".
 */
export function localeFromEnv(env: NodeJS.ProcessEnv): Locale {
  const value = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((candidate) => candidate !== undefined && candidate !== '');
  return pickLocale(value);
}

const helpMain = {
  es: `Uso: backup-sync <comando> [opciones]

Comandos:
  serve                     Inicia la API en la nube (lee las variables de entorno y .env)
  admin create-superadmin   Crea un superadministrador y muestra su token
  stores create | list      Crea o lista tiendas
  devices create | list | revoke
                            Crea, lista o revoca tokens de dispositivo (uno por tienda)
  backups list              Lista los backups en la nube
  agent                     Sube los .zip de una carpeta de backups
  restore                   Descarga, verifica y extrae un backup en una carpeta nueva
  retention run             Elimina los backups vencidos (BACKUP_RETENTION_DAYS, BACKUP_MAX_COUNT, BACKUP_MIN_KEEP)
  doctor                    Comprueba el almacenamiento configurado de punta a punta

Use "backup-sync <comando> --help" para ver las opciones de cada comando.
--api y --token también se leen de BACKUP_SYNC_API y BACKUP_SYNC_TOKEN.
Códigos de salida: 0 éxito, 1 fallo, 2 uso incorrecto.`,
  en: `Usage: backup-sync <command> [options]

Commands:
  serve                     Start the cloud API (reads environment variables and .env)
  admin create-superadmin   Create a super-administrator and print its token
  stores create | list      Create or list stores
  devices create | list | revoke
                            Create, list or revoke device tokens (scoped to one store)
  backups list              List the backups in the cloud
  agent                     Upload the .zip files of a backups folder
  restore                   Download, verify and extract a backup into a new folder
  retention run             Delete expired backups (BACKUP_RETENTION_DAYS, BACKUP_MAX_COUNT, BACKUP_MIN_KEEP)
  doctor                    Check the configured storage end to end

Run "backup-sync <command> --help" for the options of each command.
--api and --token are also read from BACKUP_SYNC_API and BACKUP_SYNC_TOKEN.
Exit codes: 0 success, 1 failure, 2 usage error.`,
};

export const cliMessages = {
  'help.main': helpMain,
  'help.serve': {
    es: `Uso: backup-sync serve

Inicia la API en la nube con la configuración de las variables de entorno
(y del archivo .env de la carpeta actual, si existe). Sin variables S3 usa
SQLite y el almacenamiento en archivos dentro de DATA_DIR.
Se detiene con Ctrl-C (SIGINT) o SIGTERM.`,
    en: `Usage: backup-sync serve

Starts the cloud API with the configuration from the environment variables
(and from the .env file of the current folder, when present). Without S3
variables it uses SQLite and file storage inside DATA_DIR.
Stops on Ctrl-C (SIGINT) or SIGTERM.`,
  },
  'help.admin': {
    es: `Uso: backup-sync admin create-superadmin --email CORREO [--json]

  --email CORREO   Correo del nuevo superadministrador
  --json           Imprime solo {"token": "..."} en la salida estándar

Usa la misma configuración que "serve" (DATA_DIR o DATABASE_URL).
El token se muestra una sola vez: guárdelo.`,
    en: `Usage: backup-sync admin create-superadmin --email EMAIL [--json]

  --email EMAIL    Email of the new super-administrator
  --json           Print only {"token": "..."} on standard output

Uses the same configuration as "serve" (DATA_DIR or DATABASE_URL).
The token is shown once: keep it.`,
  },
  'help.stores': {
    es: `Uso: backup-sync stores create --name NOMBRE [--id ID] [--json] [--api URL] [--token TOKEN]
     backup-sync stores list [--json] [--api URL] [--token TOKEN]

  --name NOMBRE    Nombre visible de la tienda (1 a 200 caracteres)
  --id ID          Identificador de la tienda (1 a 64 letras, números, "-" o "_"); si falta, lo elige el servidor
  --json           Imprime el resultado en JSON
  --api URL        URL de la API (o BACKUP_SYNC_API), por ejemplo http://127.0.0.1:8080
  --token TOKEN    Token de acceso (API) de superadministrador (o BACKUP_SYNC_TOKEN)`,
    en: `Usage: backup-sync stores create --name NAME [--id ID] [--json] [--api URL] [--token TOKEN]
       backup-sync stores list [--json] [--api URL] [--token TOKEN]

  --name NAME      Display name of the store (1 to 200 characters)
  --id ID          Store id (1 to 64 letters, digits, "-" or "_"); the server picks one when missing
  --json           Print the result as JSON
  --api URL        API URL (or BACKUP_SYNC_API), for example http://127.0.0.1:8080
  --token TOKEN    API access token of a super-administrator (or BACKUP_SYNC_TOKEN)`,
  },
  'help.devices': {
    es: `Uso: backup-sync devices create --store ID --name NOMBRE [--json] [--api URL] [--token TOKEN]
     backup-sync devices list [--store ID] [--json] [--api URL] [--token TOKEN]
     backup-sync devices revoke --id ID [--json] [--api URL] [--token TOKEN]

Un token de dispositivo solo puede pedir y confirmar subidas de su tienda e
informar el estado de su agente: no lista, descarga ni elimina backups.
Úselo en el agente de cada punto de venta en lugar del token de superadministrador.

  --store ID       Tienda del dispositivo (create) o filtro de la lista (list)
  --name NOMBRE    Nombre visible del dispositivo, por ejemplo "Caja 1" (1 a 200 caracteres)
  --id ID          Dispositivo a revocar; revocar dos veces no es un error
  --json           create imprime {"id": …, "token": …}; list y revoke, la respuesta de la API
  --api URL        URL de la API (o BACKUP_SYNC_API)
  --token TOKEN    Token de superadministrador (o BACKUP_SYNC_TOKEN)

create muestra el token una sola vez: el servidor guarda solo su SHA-256.`,
    en: `Usage: backup-sync devices create --store ID --name NAME [--json] [--api URL] [--token TOKEN]
       backup-sync devices list [--store ID] [--json] [--api URL] [--token TOKEN]
       backup-sync devices revoke --id ID [--json] [--api URL] [--token TOKEN]

A device token may only request and confirm uploads for its own store and
report its agent's status: it cannot list, download or delete backups.
Use it for each point of sale's agent instead of the super-administrator token.

  --store ID       Store of the device (create) or list filter (list)
  --name NAME      Display name of the device, for example "Till 1" (1 to 200 characters)
  --id ID          Device to revoke; revoking twice is not an error
  --json           create prints {"id": …, "token": …}; list and revoke print the API response
  --api URL        API URL (or BACKUP_SYNC_API)
  --token TOKEN    Super-administrator token (or BACKUP_SYNC_TOKEN)

create shows the token only once: the server keeps only its SHA-256.`,
  },
  'help.backups': {
    es: `Uso: backup-sync backups list [--store ID] [--json] [--api URL] [--token TOKEN]

  --store ID       Muestra solo los backups de esa tienda
  --json           Imprime la respuesta de la API en JSON
  --api URL        URL de la API (o BACKUP_SYNC_API)
  --token TOKEN    Token de acceso (API) de superadministrador (o BACKUP_SYNC_TOKEN)`,
    en: `Usage: backup-sync backups list [--store ID] [--json] [--api URL] [--token TOKEN]

  --store ID       Show only the backups of that store
  --json           Print the API response as JSON
  --api URL        API URL (or BACKUP_SYNC_API)
  --token TOKEN    API access token of a super-administrator (or BACKUP_SYNC_TOKEN)`,
  },
  'help.agent': {
    es: `Uso: backup-sync agent --store ID --dir CARPETA [--once] [--api URL] [--token TOKEN]

  --store ID       Tienda a la que pertenecen los backups
  --dir CARPETA    Carpeta donde el punto de venta deja los .zip; el estado queda en CARPETA/cloud-sync.json
  --once           Hace una sola pasada y termina: código 0 solo si no queda nada pendiente, fallido, no válido ni ilegible
  --retry-failed   Devuelve los backups fallidos a pendientes antes de la primera pasada
  --api URL        URL de la API (o BACKUP_SYNC_API)
  --token TOKEN    Token de acceso (API) de un dispositivo de la tienda ("devices create") o de superadministrador (o BACKUP_SYNC_TOKEN)

Sin --once sincroniza ahora, cada 15 minutos y unos segundos después de que aparece\no cambia un .zip en la carpeta, hasta Ctrl-C o SIGTERM.`,
    en: `Usage: backup-sync agent --store ID --dir FOLDER [--once] [--api URL] [--token TOKEN]

  --store ID       Store the backups belong to
  --dir FOLDER     Folder where the point of sale writes its .zip files; the state is kept in FOLDER/cloud-sync.json
  --once           Run one pass and exit: code 0 only when nothing is left pending, failed, invalid or unreadable
  --retry-failed   Move failed backups back to pending before the first pass
  --api URL        API URL (or BACKUP_SYNC_API)
  --token TOKEN    API access token of a store device ("devices create") or a super-administrator token (or BACKUP_SYNC_TOKEN)

Without --once it syncs now, every 15 minutes and a few seconds after a .zip appears\nor changes in the folder, until Ctrl-C or SIGTERM.`,
  },
  'help.restore': {
    es: `Uso: backup-sync restore (--backup ID | --store ID --latest) --to CARPETA [--api URL] [--token TOKEN]

  --backup ID      Backup a restaurar
  --store ID       Con --latest: restaura el backup AVAILABLE más reciente de esa tienda
  --latest         Elige el backup más reciente (requiere --store)
  --to CARPETA     Carpeta nueva o vacía donde se extrae el backup
  --api URL        URL de la API (o BACKUP_SYNC_API)
  --token TOKEN    Token de acceso (API) de superadministrador (o BACKUP_SYNC_TOKEN)

Verifica el tamaño y el SHA-256 antes de extraer; si algo falla, la carpeta no se crea.`,
    en: `Usage: backup-sync restore (--backup ID | --store ID --latest) --to FOLDER [--api URL] [--token TOKEN]

  --backup ID      Backup to restore
  --store ID       With --latest: restore the newest AVAILABLE backup of that store
  --latest         Pick the newest backup (needs --store)
  --to FOLDER      New or empty folder to extract the backup into
  --api URL        API URL (or BACKUP_SYNC_API)
  --token TOKEN    API access token of a super-administrator (or BACKUP_SYNC_TOKEN)

Checks the size and SHA-256 before extracting; if anything fails, the folder is not created.`,
  },
  'help.retention': {
    es: `Uso: backup-sync retention run [--dry-run] [--json]

  --dry-run        Muestra qué backups se eliminarían, sin cambiar nada
  --json           Imprime el resultado como la respuesta de POST /api/cloud-backups/retention-run

Elimina los backups AVAILABLE subidos hace más de BACKUP_RETENTION_DAYS días y, por
tienda, los que exceden los BACKUP_MAX_COUNT más recientes. Cada tienda conserva
siempre sus BACKUP_MIN_KEEP backups más recientes, sea cual sea su antigüedad.
Marca como FAILED las subidas que quedaron sin confirmar más de 1 hora después de
vencer su URL. Usa la misma configuración que "serve", no necesita CRON_SECRET y
sale con código 1 si otra ejecución de retención está en curso.`,
    en: `Usage: backup-sync retention run [--dry-run] [--json]

  --dry-run        Show which backups would be deleted, changing nothing
  --json           Print the result like the response of POST /api/cloud-backups/retention-run

Deletes AVAILABLE backups uploaded more than BACKUP_RETENTION_DAYS days ago and, per
store, those beyond the newest BACKUP_MAX_COUNT. Every store always keeps its newest
BACKUP_MIN_KEEP backups, however old. Marks FAILED the uploads left unconfirmed for
more than 1 hour after their URL expired. Uses the same configuration as "serve",
needs no CRON_SECRET, and exits with code 1 while another retention run is in progress.`,
  },

  'help.doctor': {
    es: `Uso: backup-sync doctor [--json]

Comprueba el almacenamiento de la configuración del servidor (las mismas
variables de entorno y .env que "serve"): credenciales, bucket, una subida
firmada, el rechazo de bytes alterados con el encabezado de checksum firmado,
la descarga firmada, el borrado, las reglas CORS, la diferencia de reloj con el
proveedor y la regla de ciclo de vida que aborta subidas multiparte incompletas.
Borra todo objeto de prueba que escribe. Con almacenamiento en archivos, CORS,
reloj y ciclo de vida no aplican.

  --json           Imprime el informe en JSON

Termina con 1 si alguna comprobación falló; los avisos no cambian el código de salida.`,
    en: `Usage: backup-sync doctor [--json]

Checks the storage of the server configuration (the same environment
variables and .env as "serve"): credentials, bucket, a presigned upload,
rejection of altered bytes with the signed checksum header, the presigned
download, deletion, CORS rules, clock difference with the provider and the
lifecycle rule that aborts incomplete multipart uploads. Deletes every test
object it writes. With file storage, CORS, clock and lifecycle do not apply.

  --json           Print the report as JSON

Exits 1 when any check failed; warnings do not change the exit code.`,
  },

  'usage.missingCommand': {
    es: 'Falta el comando. Use "backup-sync --help" para ver los comandos.',
    en: 'Missing command. Run "backup-sync --help" to see the commands.',
  },
  'usage.unknownCommand': {
    es: 'Comando desconocido "{command}". Use "backup-sync --help" para ver los comandos.',
    en: 'Unknown command "{command}". Run "backup-sync --help" to see the commands.',
  },
  'usage.unknownSubcommand': {
    es: 'Subcomando desconocido "{command}" de "{parent}". Use "backup-sync {parent} --help".',
    en: 'Unknown subcommand "{command}" of "{parent}". Run "backup-sync {parent} --help".',
  },
  'usage.unknownFlag': {
    es: 'Opción desconocida {flag}. Use "backup-sync {command} --help" para ver las opciones.',
    en: 'Unknown option {flag}. Run "backup-sync {command} --help" to see the options.',
  },
  'usage.missingValue': {
    es: 'Falta el valor de {flag}. Escriba {flag} seguido del valor.',
    en: 'Missing value for {flag}. Write {flag} followed by the value.',
  },
  'usage.flagTakesNoValue': {
    es: '{flag} no lleva valor. Quite "={value}".',
    en: '{flag} takes no value. Remove "={value}".',
  },
  'usage.flagRepeated': {
    es: '{flag} aparece más de una vez. Indíquelo una sola vez.',
    en: '{flag} is given more than once. Give it once.',
  },
  'usage.unexpectedArgument': {
    es: 'Argumento inesperado "{value}". Use "backup-sync {command} --help" para ver el uso.',
    en: 'Unexpected argument "{value}". Run "backup-sync {command} --help" for the usage.',
  },
  'usage.missingFlag': {
    es: 'Falta {flag}: {hint}.',
    en: 'Missing {flag}: {hint}.',
  },
  'usage.invalidUrl': {
    es: '{flag} "{value}" no es una URL http:// o https:// válida. Ejemplo: http://127.0.0.1:8080',
    en: '{flag} "{value}" is not a valid http:// or https:// URL. Example: http://127.0.0.1:8080',
  },
  'usage.invalidId': {
    es: '{flag} "{value}" no es un identificador válido: use de 1 a 64 letras, números, "-" o "_".',
    en: '{flag} "{value}" is not a valid id: use 1 to 64 letters, digits, "-" or "_".',
  },
  'usage.invalidEmail': {
    es: '--email "{value}" no es un correo válido. Ejemplo: --email admin@example.com',
    en: '--email "{value}" is not a valid email address. Example: --email admin@example.com',
  },
  'usage.invalidStoreName': {
    es: '--name "{value}" no es válido: use de 1 a 200 caracteres sin caracteres de control.',
    en: '--name "{value}" is invalid: use 1 to 200 characters without control characters.',
  },
  'usage.invalidDeviceName': {
    es: '--name "{value}" no es válido: use de 1 a 200 caracteres sin caracteres de control.',
    en: '--name "{value}" is invalid: use 1 to 200 characters without control characters.',
  },
  'usage.invalidToken': {
    es: '{flag} está vacío o contiene espacios. Copie el token completo que mostró "admin create-superadmin".',
    en: '{flag} is empty or contains spaces. Copy the whole token printed by "admin create-superadmin".',
  },
  'usage.dirNotFound': {
    es: '--dir "{value}" no existe o no es una carpeta. Indique la carpeta donde el punto de venta deja los .zip.',
    en: '--dir "{value}" does not exist or is not a folder. Give the folder where the point of sale writes its .zip files.',
  },
  'usage.restoreSourceBoth': {
    es: 'Use --backup ID o bien --store ID --latest, no ambos.',
    en: 'Use either --backup ID or --store ID --latest, not both.',
  },
  'usage.restoreSourceNone': {
    es: 'Indique qué restaurar: --backup ID, o --store ID --latest para el más reciente.',
    en: 'Say what to restore: --backup ID, or --store ID --latest for the newest one.',
  },
  'usage.latestNeedsStore': {
    es: '--latest requiere --store ID.',
    en: '--latest needs --store ID.',
  },
  'usage.storeNeedsLatest': {
    es: '--store necesita --latest para elegir el backup más reciente; para uno en particular use --backup ID.',
    en: '--store needs --latest to pick the newest backup; for a particular one use --backup ID.',
  },

  'hint.api': {
    es: 'indique la URL de la API con --api o la variable BACKUP_SYNC_API, por ejemplo http://127.0.0.1:8080',
    en: 'give the API URL with --api or the BACKUP_SYNC_API variable, for example http://127.0.0.1:8080',
  },
  'hint.token': {
    es: 'indique el token de acceso (API) con --token o la variable BACKUP_SYNC_TOKEN',
    en: 'give the API access token with --token or the BACKUP_SYNC_TOKEN variable',
  },
  'hint.email': { es: 'indique el correo del superadministrador', en: 'give the super-administrator\'s email' },
  'hint.name': { es: 'indique el nombre (de la tienda o del dispositivo)', en: 'give the name (of the store or device)' },
  'hint.store': { es: 'indique el identificador de la tienda', en: 'give the store id' },
  'hint.id': { es: 'indique el identificador', en: 'give the id' },
  'hint.dir': {
    es: 'indique la carpeta donde el punto de venta deja los .zip',
    en: 'give the folder where the point of sale writes its .zip files',
  },
  'hint.to': {
    es: 'indique una carpeta nueva o vacía donde extraer el backup',
    en: 'give a new or empty folder to extract the backup into',
  },

  'config.invalid': {
    es: 'La configuración no es válida. Corrija estas variables de entorno (o el archivo .env):',
    en: 'The configuration is invalid. Fix these environment variables (or the .env file):',
  },
  'serve.listening': { es: 'Servidor escuchando en {url}', en: 'Server listening on {url}' },
  'serve.stopping': { es: 'Deteniendo el servidor…', en: 'Stopping the server…' },
  'serve.stopped': { es: 'Servidor detenido.', en: 'Server stopped.' },
  'admin.created': {
    es: 'Superadministrador {email} creado. Su token (se muestra una sola vez):',
    en: 'Super-administrator {email} created. Its token (shown only once):',
  },
  'retention.done': {
    es: 'Retención: {deleted} backups eliminados ({byAge} por tener más de {days} días, {byCount} por exceder {maxCount} por tienda; cada tienda conserva al menos {minKeep}); quedan {remaining}.',
    en: 'Retention: {deleted} backups deleted ({byAge} older than {days} days, {byCount} beyond {maxCount} per store; every store keeps at least {minKeep}); {remaining} remain.',
  },
  'retention.dryRun': {
    es: 'Simulación de retención: se eliminarían {deleted} backups ({byAge} por tener más de {days} días, {byCount} por exceder {maxCount} por tienda; cada tienda conserva al menos {minKeep}); quedarían {remaining}. No se cambió nada.',
    en: 'Retention dry run: {deleted} backups would be deleted ({byAge} older than {days} days, {byCount} beyond {maxCount} per store; every store keeps at least {minKeep}); {remaining} would remain. Nothing was changed.',
  },
  'retention.wouldDelete': {
    es: '  {id}  tienda {storeId}  {fileName}  subido {uploadedAt}  (regla: {rule})',
    en: '  {id}  store {storeId}  {fileName}  uploaded {uploadedAt}  (rule: {rule})',
  },
  'retention.running': {
    es: 'Ya hay una ejecución de retención en curso (en este u otro servidor). Intente de nuevo cuando termine.',
    en: 'A retention run is already in progress (on this or another server). Try again when it finishes.',
  },
  'stores.created': { es: 'Tienda creada: {id} ({name})', en: 'Store created: {id} ({name})' },
  'stores.none': { es: 'No hay tiendas.', en: 'There are no stores.' },
  'devices.created': {
    es: 'Dispositivo {id} ({name}) creado para la tienda {storeId}. Su token (se muestra una sola vez) va en la salida estándar:',
    en: 'Device {id} ({name}) created for store {storeId}. Its token (shown only once) is on standard output:',
  },
  'devices.none': { es: 'No hay dispositivos.', en: 'There are no devices.' },
  'devices.revoked': { es: 'Dispositivo {id} revocado ({revokedAt}).', en: 'Device {id} revoked ({revokedAt}).' },
  'devices.active': { es: 'activo', en: 'active' },
  'devices.revokedAt': { es: 'revocado {at}', en: 'revoked {at}' },
  'devices.never': { es: 'nunca', en: 'never' },
  'devices.noStatus': { es: 'sin estado informado', en: 'no status reported' },
  'devices.status': {
    es: '{pending} pendientes, {uploaded} subidos, {failed} fallidos, última sincronización {lastSyncAt}',
    en: '{pending} pending, {uploaded} uploaded, {failed} failed, last sync {lastSyncAt}',
  },
  'backups.none': { es: 'No hay backups.', en: 'There are no backups.' },
  'agent.starting': {
    es: 'Sincronizando {dir} con {api} para la tienda {storeId} (ahora, cada 15 minutos y al aparecer un .zip nuevo). Ctrl-C para detener.',
    en: 'Syncing {dir} to {api} for store {storeId} (now, every 15 minutes and when a new .zip appears). Press Ctrl-C to stop.',
  },
  'agent.passDone': { es: 'Pasada terminada: {counts}.', en: 'Pass finished: {counts}.' },
  'agent.pendingFile': { es: 'Pendiente: {file} ({attempts}): {error}', en: 'Pending: {file} ({attempts}): {error}' },
  'agent.failedFile': {
    es: 'Fallido: {file} ({attempts}): {error}. Corrija la causa y ejecute "backup-sync agent --retry-failed" para reintentarlo.',
    en: 'Failed: {file} ({attempts}): {error}. Fix the cause and run "backup-sync agent --retry-failed" to try it again.',
  },
  'agent.noError': { es: 'sin error registrado', en: 'no error recorded' },
  'agent.uploaded': { es: 'Subido: {file} (backup {backupId})', en: 'Uploaded: {file} (backup {backupId})' },
  'agent.alreadyInCloud': {
    es: 'Ya estaba en la nube: {file} (backup {backupId})',
    en: 'Already in the cloud: {file} (backup {backupId})',
  },
  'agent.retryScheduled': {
    es: 'Reintento {retries} de {file} a las {at}: {error}',
    en: 'Retry {retries} of {file} at {at}: {error}',
  },
  'agent.fileFailed': {
    es: 'Falló {file}: {error}. Corrija la causa y ejecute "backup-sync agent --retry-failed" para reintentarlo.',
    en: '{file} failed: {error}. Fix the cause and run "backup-sync agent --retry-failed" to try it again.',
  },
  'agent.stopping': { es: 'Deteniendo el agente…', en: 'Stopping the agent…' },
  'agent.stopped': { es: 'Agente detenido.', en: 'Agent stopped.' },
  'restore.chosen': {
    es: 'Restaurando el backup {backupId} de la tienda {storeId}: {fileName} ({size}, subido {uploadedAt})',
    en: 'Restoring backup {backupId} of store {storeId}: {fileName} ({size}, uploaded {uploadedAt})',
  },
  'restore.done': {
    es: 'Backup {backupId} restaurado en {dir}: {files}, {size}.',
    en: 'Backup {backupId} restored into {dir}: {files}, {size}.',
  },
  'progress.download': { es: 'Descarga', en: 'Download' },
  'progress.extract': { es: 'Extracción', en: 'Extraction' },
  'progress.upload': { es: 'Subida', en: 'Upload' },
  'progress.hash': { es: 'SHA-256', en: 'SHA-256' },
  'doctor.title': { es: 'Comprobación del almacenamiento ({storage}):', en: 'Storage check ({storage}):' },
  'doctor.summaryOk': {
    es: 'Ninguna comprobación falló ({warnings} avisos).',
    en: 'No check failed ({warnings} warnings).',
  },
  'doctor.summaryFailed': {
    es: '{failed} comprobaciones fallaron ({warnings} avisos). Corrija la configuración y vuelva a ejecutar "backup-sync doctor".',
    en: '{failed} checks failed ({warnings} warnings). Fix the configuration and run "backup-sync doctor" again.',
  },
  'doctor.status.ok': { es: '[ok]', en: '[ok]' },
  'doctor.status.warn': { es: '[aviso]', en: '[warn]' },
  'doctor.status.fail': { es: '[falla]', en: '[fail]' },
  'doctor.status.not-applicable': { es: '[n/a]', en: '[n/a]' },
  'doctor.check.credentials': { es: 'Credenciales', en: 'Credentials' },
  'doctor.check.bucket': { es: 'Bucket o carpeta', en: 'Bucket or folder' },
  'doctor.check.put': { es: 'Subida firmada (PUT)', en: 'Presigned PUT' },
  'doctor.check.altered-bytes': { es: 'Bytes alterados', en: 'Altered bytes' },
  'doctor.check.get': { es: 'Descarga firmada (GET)', en: 'Presigned GET' },
  'doctor.check.delete': { es: 'Borrado', en: 'Delete' },
  'doctor.check.cleanup': { es: 'Limpieza', en: 'Clean-up' },
  'doctor.check.cors': { es: 'CORS', en: 'CORS' },
  'doctor.check.clock-skew': { es: 'Reloj', en: 'Clock skew' },
  'doctor.check.lifecycle': { es: 'Ciclo de vida', en: 'Lifecycle' },
  'doctor.reason.filesystem-only': {
    es: 'no aplica al almacenamiento en archivos',
    en: 'does not apply to file storage',
  },
  'doctor.reason.skipped': { es: 'no se comprobó porque falló "{check}"', en: 'not checked because "{check}" failed' },
  'doctor.reason.credentials-accepted': {
    es: 'el proveedor aceptó la clave de acceso (ListObjectsV2 en "{bucket}")',
    en: 'the provider accepted the access key (ListObjectsV2 on "{bucket}")',
  },
  'doctor.reason.credentials-rejected': {
    es: 'el proveedor rechazó la clave ({code}); revise S3_ACCESS_KEY_ID y S3_SECRET_ACCESS_KEY',
    en: 'the provider rejected the key ({code}); check S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY',
  },
  'doctor.reason.storage-unreachable': {
    es: 'no se pudo conectar con el proveedor: {detail}; revise S3_ENDPOINT y S3_REGION',
    en: 'could not connect to the provider: {detail}; check S3_ENDPOINT and S3_REGION',
  },
  'doctor.reason.bucket-reachable': { es: 'el bucket "{bucket}" existe y se puede listar', en: 'bucket "{bucket}" exists and can be listed' },
  'doctor.reason.bucket-missing': {
    es: 'el bucket "{bucket}" no existe en este endpoint; revise S3_BUCKET_NAME, S3_ENDPOINT y S3_REGION',
    en: 'bucket "{bucket}" does not exist at this endpoint; check S3_BUCKET_NAME, S3_ENDPOINT and S3_REGION',
  },
  'doctor.reason.bucket-denied': {
    es: 'el proveedor negó el acceso al bucket "{bucket}" ({code}); revise los permisos de la clave',
    en: 'the provider denied access to bucket "{bucket}" ({code}); check the key\'s permissions',
  },
  'doctor.reason.folder-writable': { es: 'la carpeta {path} existe y se puede escribir', en: 'folder {path} exists and is writable' },
  'doctor.reason.folder-failed': {
    es: 'no se puede usar la carpeta {path}: {detail}; revise DATA_DIR y sus permisos',
    en: 'folder {path} cannot be used: {detail}; check DATA_DIR and its permissions',
  },
  'doctor.reason.put-accepted': {
    es: 'se subieron {bytes} bytes con el encabezado de checksum firmado',
    en: '{bytes} bytes were uploaded with the signed checksum header',
  },
  'doctor.reason.put-rejected': {
    es: 'el almacenamiento rechazó la subida firmada (HTTP {status} {code})',
    en: 'storage rejected the presigned upload (HTTP {status} {code})',
  },
  'doctor.reason.put-failed': { es: 'la subida firmada falló: {detail}', en: 'the presigned upload failed: {detail}' },
  'doctor.reason.altered-rejected': {
    es: 'el almacenamiento rechazó bytes que no coinciden con el SHA-256 firmado (HTTP {status} {code})',
    en: 'storage rejected bytes that do not match the signed SHA-256 (HTTP {status} {code})',
  },
  'doctor.reason.altered-not-checked': {
    es: 'este proveedor no lo comprueba: aceptó bytes alterados (HTTP {status}); solo la confirmación del servidor los detecta',
    en: 'not checked by this provider: it accepted altered bytes (HTTP {status}); only the server\'s confirmation catches them',
  },
  'doctor.reason.altered-failed': { es: 'la prueba de bytes alterados falló: {detail}', en: 'the altered-bytes test failed: {detail}' },
  'doctor.reason.get-same': { es: 'la descarga firmada devolvió los mismos {bytes} bytes', en: 'the presigned download returned the same {bytes} bytes' },
  'doctor.reason.get-different': {
    es: 'la descarga firmada devolvió otros bytes (SHA-256 {actual}, se esperaba {expected})',
    en: 'the presigned download returned other bytes (SHA-256 {actual}, expected {expected})',
  },
  'doctor.reason.get-rejected': {
    es: 'el almacenamiento rechazó la descarga firmada (HTTP {status} {code})',
    en: 'storage rejected the presigned download (HTTP {status} {code})',
  },
  'doctor.reason.delete-removed': { es: 'el objeto de prueba se borró', en: 'the test object was deleted' },
  'doctor.reason.delete-still-there': {
    es: 'el objeto {objectKey} sigue existiendo después de borrarlo',
    en: 'object {objectKey} still exists after deletion',
  },
  'doctor.reason.delete-failed': { es: 'el borrado falló: {detail}', en: 'deletion failed: {detail}' },
  'doctor.reason.cleanup-done': {
    es: 'no quedó ninguno de los {count} objetos de prueba',
    en: 'none of the {count} test objects is left',
  },
  'doctor.reason.cleanup-failed': {
    es: 'quedaron objetos de prueba: {keys}; bórrelos a mano',
    en: 'test objects are left: {keys}; delete them by hand',
  },
  'doctor.reason.cors-ok': {
    es: 'las reglas CORS permiten PUT con x-amz-checksum-sha256 y GET desde el navegador ({rules} reglas)',
    en: 'the CORS rules allow browser PUT with x-amz-checksum-sha256 and GET ({rules} rules)',
  },
  'doctor.reason.cors-missing': {
    es: 'el bucket no tiene reglas CORS: un navegador no puede subir ni descargar directamente (el agente Node.js no las necesita)',
    en: 'the bucket has no CORS rules: a browser cannot upload or download directly (the Node.js agent does not need them)',
  },
  'doctor.reason.cors-incomplete': {
    es: 'ninguna regla CORS permite: {missing}',
    en: 'no CORS rule allows: {missing}',
  },
  'doctor.reason.cors-unreadable': { es: 'no se pudieron leer las reglas CORS ({code})', en: 'could not read the CORS rules ({code})' },
  'doctor.reason.skew-ok': {
    es: 'el reloj difiere {seconds} s del encabezado Date del proveedor',
    en: 'the clock differs by {seconds} s from the provider\'s Date header',
  },
  'doctor.reason.skew-high': {
    es: 'el reloj difiere {seconds} s del proveedor, más de {limit} s: las URL firmadas pueden fallar; sincronice el reloj (NTP)',
    en: 'the clock differs by {seconds} s from the provider, more than {limit} s: presigned URLs may fail; synchronise the clock (NTP)',
  },
  'doctor.reason.skew-no-date': {
    es: 'el proveedor no envió un encabezado Date; no se pudo medir',
    en: 'the provider sent no Date header, so the skew could not be measured',
  },
  'doctor.reason.lifecycle-ok': {
    es: 'una regla aborta las subidas multiparte incompletas a los {days} días',
    en: 'a rule aborts incomplete multipart uploads after {days} days',
  },
  'doctor.reason.lifecycle-missing': {
    es: 'el bucket no tiene reglas de ciclo de vida; agregue una que aborte las subidas multiparte incompletas',
    en: 'the bucket has no lifecycle rules; add one that aborts incomplete multipart uploads',
  },
  'doctor.reason.lifecycle-no-abort-rule': {
    es: 'ninguna de las {rules} reglas de ciclo de vida aborta las subidas multiparte incompletas',
    en: 'none of the {rules} lifecycle rules aborts incomplete multipart uploads',
  },
  'doctor.reason.lifecycle-unreadable': {
    es: 'no se pudieron leer las reglas de ciclo de vida ({code})',
    en: 'could not read the lifecycle rules ({code})',
  },
  'error.prefix': { es: 'Error: {message}', en: 'Error: {message}' },
  'error.network': {
    es: 'No se pudo conectar con {api}: {detail}. Verifique que el servidor esté en marcha y que la URL sea correcta.',
    en: 'Could not connect to {api}: {detail}. Check that the server is running and the URL is right.',
  },
  'error.badResponse': {
    es: 'La respuesta de {api} no es la de esta API: {detail}. Verifique la URL de --api.',
    en: 'The response from {api} is not from this API: {detail}. Check the --api URL.',
  },
  'error.unexpected': {
    es: 'Falló inesperadamente: {detail}',
    en: 'Failed unexpectedly: {detail}',
  },

  // Counts with a singular and a plural form, picked by countMessage(); {count} is the number.
  'count.backupsFound.one': { es: '{count} backup encontrado', en: '{count} backup found' },
  'count.backupsFound.other': { es: '{count} backups encontrados', en: '{count} backups found' },
  'count.uploaded.one': { es: '{count} subido', en: '{count} uploaded' },
  'count.uploaded.other': { es: '{count} subidos', en: '{count} uploaded' },
  'count.alreadyInCloud.one': { es: '{count} ya estaba en la nube', en: '{count} already in the cloud' },
  'count.alreadyInCloud.other': { es: '{count} ya estaban en la nube', en: '{count} already in the cloud' },
  'count.pending.one': { es: '{count} pendiente', en: '{count} pending' },
  'count.pending.other': { es: '{count} pendientes', en: '{count} pending' },
  'count.failed.one': { es: '{count} fallido', en: '{count} failed' },
  'count.failed.other': { es: '{count} fallidos', en: '{count} failed' },
  'count.invalid.one': { es: '{count} no válido', en: '{count} invalid' },
  'count.invalid.other': { es: '{count} no válidos', en: '{count} invalid' },
  'count.unreadable.one': { es: '{count} ilegible', en: '{count} unreadable' },
  'count.unreadable.other': { es: '{count} ilegibles', en: '{count} unreadable' },
  'count.attempts.one': { es: '{count} intento', en: '{count} attempt' },
  'count.attempts.other': { es: '{count} intentos', en: '{count} attempts' },
  'count.files.one': { es: '{count} archivo', en: '{count} file' },
  'count.files.other': { es: '{count} archivos', en: '{count} files' },
  'agent.invalidFile': {
    es: 'No válido: {file} no es un zip completo y no cambió en {minutes} minutos, así que no se subirá. Reemplácelo por un backup válido o quítelo de la carpeta.',
    en: 'Invalid: {file} is not a complete zip and has not changed for {minutes} minutes, so it will not be uploaded. Replace it with a valid backup or remove it from the folder.',
  },
  'agent.unreadableFile': {
    es: 'Ilegible: {file} ({error}). Se volverá a intentar en la próxima pasada.',
    en: 'Unreadable: {file} ({error}). It will be tried again on the next pass.',
  },
  'serve.addressInUse': {
    es: 'No se puede escuchar en {address}: la dirección ya está en uso por otro programa. Detenga ese programa o elija otro puerto con la variable PORT (o otra dirección con HOST).',
    en: 'Cannot listen on {address}: the address is already in use by another program. Stop that program or choose another port with the PORT variable (or another address with HOST).',
  },
} satisfies Catalogue<string>;

export type CliMessageKey = keyof typeof cliMessages;
